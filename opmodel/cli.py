"""`opmodel`: the one front door, for people and for CI.

Each package owns its sub-commands (``ingest.cli``, ``answer.cli``, ``eval.cli``, ``bot.cli``,
``bot.feedback_cli``, ``bench.cli``) and registers them here. This module is the edge where errors become one line of
text and an exit code: nothing below it prints a traceback at a user.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

EPILOG = """\
quick start:
  opmodel ingest                       index the shipped documents (or OPMODEL_CORPUS_DIR)
  opmodel ask "Who pays for the practice phone system?"
  opmodel chat                         ask follow-up questions interactively
  opmodel sources                      what is indexed, with dates and status
  opmodel init my-docs                 copy the documents, catalogue and Slack manifest to edit
  opmodel eval                         run the known Q&A pairs and print the scores
  opmodel slack                        run the Slack bot (Socket Mode)
  opmodel feedback                     what Slack users said of the answers

settings come from OPMODEL_* environment variables or a .env file, e.g.
  OPMODEL_HOME=~/opmodel-data          where the index and feedback database live
                                       (default: the user data folder, e.g. ~/.local/share/opmodel)
  OPMODEL_CORPUS_DIR=my-docs/corpus    the documents `opmodel ingest` indexes
  OPMODEL_CHROMA_URL=http://host:8000  use a `chroma run` server instead
"""

EXIT_USER_ERROR = 2
PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def version() -> str:
    """The installed package's version; from a checkout that was never installed, pyproject's."""
    from importlib import metadata

    try:
        return metadata.version("opmodel")
    except metadata.PackageNotFoundError:
        pass
    try:
        import tomllib

        with PYPROJECT.open("rb") as handle:
            return str(tomllib.load(handle)["project"]["version"])
    except (OSError, KeyError, ValueError):
        return "unknown"


class CommandParser(argparse.ArgumentParser):
    """A command's description and examples keep the line breaks they are written with. Every
    subcommand's parser is of this class too (add_subparsers makes its parsers of the parent's class),
    so no command has to ask for it."""

    def __init__(self, *args, formatter_class=argparse.RawDescriptionHelpFormatter, **kwargs):
        super().__init__(*args, formatter_class=formatter_class, **kwargs)


# Which module owns each sub-command, so `opmodel ask` imports the answering modules alone
# instead of every command's (the eval, bench and Slack ones cost ~0.2 s of a cold start).
# tests/test_cli_version.py checks this table against what each module registers.
COMMAND_MODULES = {
    "init": "opmodel.init_cli",
    "ingest": "ingest.cli",
    "ask": "answer.cli",
    "chat": "answer.cli",
    "sources": "answer.cli",
    "tune": "answer.tune_cli",
    "eval": "eval.cli",
    "slack": "bot.cli",
    "feedback": "bot.feedback_cli",
    "bench": "bench.cli",
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """Every sub-command, or only ``command``'s when it is one (help lists them all)."""
    import importlib

    parser = CommandParser(
        prog="opmodel",
        description="Answers questions about the NHS England GP IT operating model, quoting the passages it rests on.",
        epilog=EPILOG,
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    parser.add_argument("--version", action="version", version=f"opmodel {version()}",
                        help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    owners = [COMMAND_MODULES[command]] if command in COMMAND_MODULES else list(dict.fromkeys(COMMAND_MODULES.values()))
    for name in owners:
        importlib.import_module(name).register(sub)
    return parser


def _command(argv: list[str]) -> str | None:
    """The sub-command named in ``argv`` (after any global flags), if any."""
    for arg in argv:
        if not arg.startswith("-"):
            return arg
    return None


def main(argv: list[str] | None = None) -> int:
    from opmodel.errors import OpmodelError
    from opmodel.terminal import printable

    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(_command(argv))
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_USER_ERROR
    try:
        return int(args.handler(args) or 0)
    except OpmodelError as exc:
        print(printable(f"opmodel: {exc}"), file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("opmodel: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # last resort: one line, the details only with --verbose
        logging.getLogger("opmodel").debug("unexpected error", exc_info=True)
        print(printable(f"opmodel: unexpected {exc.__class__.__name__}: {exc} (run with -v for details)"), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
