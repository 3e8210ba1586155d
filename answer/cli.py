"""`opmodel ask`, `opmodel chat` and `opmodel sources`: the answering core at the terminal."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from opmodel.terminal import printable

ASK_DESCRIPTION = """\
Answer a question about GP IT services in England from the indexed documents. The answer
quotes the sentences it rests on, each marked [n], then lists those passages with their
document, date, status (SUPERSEDED or HISTORICAL guidance is flagged) and section.
When the documents do not answer the question, it says so and shows the closest passages."""

ASK_EPILOG = """\
examples:
  opmodel ask "Who pays for the practice phone system?"
  opmodel ask "What is Lot 2?"
  opmodel ask --json "Who issues NHS smartcards?"        one JSON object
  printf 'What is HSCN?\\nWho buys GP clinical systems?\\n' | opmodel ask --json
                                         one JSON object per input line, model loaded once

--json objects: {"question", "answer", "abstained", "citations": [{"n", "source", "title",
"published", "status", "page", "section", "text", "score"}], "elapsed_ms"}.
Reading standard input, every input line gets exactly one output line; a line that cannot
be answered (empty, over 2,000 characters, not UTF-8) gets {"question": ..., "error": ...}
instead, the rest are still answered, and the exit status is then 2.
Each stdin line is its own question (use `opmodel chat` for follow-ups)."""

CHAT_EPILOG = """\
examples of a conversation:
  you> Who buys GP clinical systems?
  you> and who pays for them?          (a follow-up: understood from the question before)
  you> :new                            start a new conversation
  you> :q                              leave (or Ctrl-D)"""

SOURCES_EPILOG = """\
examples:
  opmodel sources                      documents with date, status and passage counts
  opmodel sources --json               the same as one JSON object per document"""

BANNER = """\
opmodel chat: questions about GP IT services in England, answered by quoting the documents.
Try: "Who pays for the practice phone system?", then a follow-up like "and who funds it?"
Commands: :new starts a new conversation, :q (or Ctrl-D) leaves."""

HISTORY_TURNS = 5
EXIT_BAD_INPUT = 2
# A question refused for patient data is never echoed: not to the terminal, not in --json.
SHELL_HISTORY_HINT = "; it may also be in your shell history (delete it there, e.g. with `history -d`)"


def _top_k(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 1 <= value <= 20:
        raise argparse.ArgumentTypeError(f"must be between 1 and 20, got {value}")
    return value


def _settings_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--index", type=Path, metavar="DIR", help="index folder (default: OPMODEL_INDEX, else index/ in the data folder, OPMODEL_HOME)")


def register(sub) -> None:
    ask = sub.add_parser("ask", help="answer one question (or one per stdin line) with quoted passages",
                         description=ASK_DESCRIPTION, epilog=ASK_EPILOG)
    ask.add_argument("question", nargs="?", help="the question, in quotes; omit it to read questions from stdin")
    ask.add_argument("--json", action="store_true", help="print JSON (one object per question)")
    ask.add_argument("--top-k", type=_top_k, metavar="N", help="cite at most N passages, 1-20 (default 5)")
    _settings_args(ask)
    ask.set_defaults(handler=handle_ask)

    chat = sub.add_parser("chat", help="interactive questions with follow-ups",
                          description="Ask questions one after another; follow-ups are understood "
                          "in the context of the question before.", epilog=CHAT_EPILOG)
    _settings_args(chat)
    chat.set_defaults(handler=handle_chat)

    sources = sub.add_parser("sources", help="list the indexed documents with date, status and passages",
                             description="What the answers can quote: every indexed document with its date, "
                             "status and number of passages.", epilog=SOURCES_EPILOG)
    sources.add_argument("--json", action="store_true", help="one JSON object per document")
    _settings_args(sources)
    sources.set_defaults(handler=handle_sources)


def _settings(args):
    from opmodel.settings import Settings

    overrides = {}
    if getattr(args, "index", None):
        overrides["index_dir"] = args.index
    if getattr(args, "top_k", None) is not None:
        overrides["top_k"] = args.top_k
    return Settings(**overrides)


def _assistant(args):
    from answer.engine import Assistant

    return Assistant.from_settings(_settings(args))


def handle_ask(args) -> int:
    from answer.engine import validate_question
    from opmodel.patient_data import PatientDataError, refuse_patient_data

    if args.question is not None:
        try:
            refuse_patient_data(args.question)  # first: nothing may read it, not even the length check
        except PatientDataError as exc:
            raise PatientDataError(str(exc) + SHELL_HISTORY_HINT) from None
        question = validate_question(args.question)  # before loading anything: bad input fails fast
        _print_answer(_assistant(args).ask(question), args.json)
        return 0
    if sys.stdin.isatty():
        from opmodel.errors import QuestionError

        raise QuestionError('give a question, e.g. opmodel ask "Who pays for the practice phone system?", '
                            "or pipe questions in, one per line")
    return _ask_lines(_assistant(args), sys.stdin.buffer, args.json)


def _ask_lines(assistant, stream, as_json: bool) -> int:
    """One answer (or one error) per input line; the exit status says whether any line failed."""
    from opmodel.errors import QuestionError
    from opmodel.patient_data import PatientDataError, refuse_patient_data

    failed = False
    for number, raw in enumerate(stream, start=1):
        line = raw.rstrip(b"\r\n")
        try:
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError:
                text = None
            refuse_patient_data(text if text is not None else line.decode("utf-8", errors="replace"))
            if text is None:
                raise QuestionError(f"line {number} is not valid UTF-8 text")
            answer = assistant.ask(text)
        except PatientDataError as exc:
            failed = True
            if as_json:
                print(json.dumps({"question": None, "line": number, "error": str(exc)}), flush=True)
            else:
                print(f"opmodel: line {number}: {exc}", file=sys.stderr, flush=True)
            continue
        except QuestionError as exc:
            failed = True
            shown = line.decode("utf-8", errors="replace")
            if as_json:
                print(json.dumps({"question": shown, "error": str(exc)}, ensure_ascii=False), flush=True)
            else:
                print(f"opmodel: line {number}: {exc}", file=sys.stderr, flush=True)
            continue
        _print_answer(answer, as_json)
    return EXIT_BAD_INPUT if failed else 0


def _print_answer(answer, as_json: bool) -> None:
    if as_json:
        print(json.dumps(answer.to_json(), ensure_ascii=False), flush=True)
        return
    from answer.render import render_answer

    print(printable(render_answer(answer)), flush=True)
    print(flush=True)


def handle_chat(args) -> int:
    from answer.render import render_answer
    from opmodel.errors import QuestionError
    from opmodel.patient_data import PatientDataError, refuse_patient_data

    assistant = _assistant(args)
    assistant.index.snapshot()  # a missing index is said once, up front
    print(BANNER + "\n", flush=True)
    history: list[str] = []
    while True:
        try:
            line = input("you> ")
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        except UnicodeDecodeError:
            print("opmodel: that line is not valid UTF-8 text; please type it again", flush=True)
            continue
        command = line.strip().lower()
        if command in (":q", ":quit", "quit", "exit", ":exit"):
            return 0
        if command in (":new", ":reset"):
            history.clear()
            print("(new conversation)\n", flush=True)
            continue
        if not command:
            print('(type a question, e.g. "Who issues NHS smartcards?", or :q to leave)', flush=True)
            continue
        try:
            refuse_patient_data(line)  # never answered, and never kept as history for a follow-up
            answer = assistant.ask(line, history[-HISTORY_TURNS:])
        except PatientDataError as exc:
            print(f"opmodel: {exc}", flush=True)
            continue
        except QuestionError as exc:
            print(f"opmodel: {exc}", flush=True)
            continue
        history.append(line.strip())
        print("\n" + printable(render_answer(answer)) + "\n", flush=True)


class _ModelName:
    """Listing documents needs the model's name (to check the index matches it), not its weights."""

    def __init__(self):
        from opmodel.embedding import DIMENSION, MODEL_NAME

        self.name, self.dimension = MODEL_NAME, DIMENSION

    def embed(self, texts):
        raise RuntimeError("listing sources never embeds")


def handle_sources(args) -> int:
    from opmodel.errors import IndexMissingError
    from opmodel.index import open_index

    index = open_index(_settings(args), embedder=_ModelName(), create=False)
    try:
        passages = index.passages()
    except IndexMissingError:
        raise IndexMissingError("nothing is indexed yet: run `opmodel ingest` to index the shipped documents "
                                "(or `opmodel ingest PATH` for other files)") from None
    # Rows and wording are ingest's: where each title, date and status came from (operator output).
    from ingest.sources import render_rows, source_rows

    ordered = source_rows(passages)
    if args.json:
        for row in ordered:
            print(json.dumps(row, ensure_ascii=False))
    else:
        print(printable(render_rows(ordered)))
    return 0
