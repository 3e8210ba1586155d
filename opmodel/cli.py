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


def build_parser() -> argparse.ArgumentParser:
    from answer import cli as answer_cli
    from answer import tune_cli
    from bench import cli as bench_cli
    from bot import cli as bot_cli
    from bot import feedback_cli
    from eval import cli as eval_cli
    from ingest import cli as ingest_cli
    from opmodel import init_cli

    parser = CommandParser(
        prog="opmodel",
        description="Answers questions about the NHS England GP IT operating model, quoting the passages it rests on.",
        epilog=EPILOG,
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    parser.add_argument("--version", action="version", version=f"opmodel {version()}",
                        help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in (init_cli, ingest_cli, answer_cli, tune_cli, eval_cli, bot_cli, feedback_cli, bench_cli):
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from opmodel.errors import OpmodelError
    from opmodel.terminal import printable

    parser = build_parser()
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
