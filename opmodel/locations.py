"""Where opmodel keeps its own data, and where the documents and manifest it ships are.

The index and the feedback database live in the user's data folder (platformdirs: e.g.
``~/.local/share/opmodel`` on Linux), or under ``OPMODEL_HOME``, so a command gives the same
answers from whatever folder it is run in. The shipped corpus is the checkout's ``corpus/``
when run from the repository; a wheel carries the same files as package data of ``opmodel``
(pyproject's package-dir maps ``opmodel.corpus`` onto ``corpus/``: one copy in the repo).
"""

from __future__ import annotations

from pathlib import Path

APP = "opmodel"
PACKAGE = Path(__file__).resolve().parent
CHECKOUT = PACKAGE.parent


def data_home() -> Path:
    """The user's data folder for opmodel (Settings reads OPMODEL_HOME instead when it is set)."""
    import platformdirs

    return platformdirs.user_data_path(APP, appauthor=False)


def shipped_corpus() -> Path:
    """The documents and metadata.yaml that come with opmodel."""
    packaged = PACKAGE / "corpus"
    return packaged if packaged.is_dir() else CHECKOUT / "corpus"


def shipped_manifest() -> Path:
    """The Slack app manifest (package data of ``bot`` in a wheel and in the checkout)."""
    import bot

    return Path(bot.__file__).resolve().parent / "manifest.yaml"
