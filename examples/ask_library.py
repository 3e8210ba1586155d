"""Use the answering core from Python, the way the CLI, the Slack bot and the eval do.

Ingests corpus/ into a temporary index, then asks a question, a follow-up, an out-of-scope
question, one with a typo and one about the future, printing the answer, its currency notes
and what it cites.

    .venv/bin/python examples/ask_library.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from answer.engine import Assistant
from ingest.pipeline import run_ingest
from opmodel.index import open_index
from opmodel.settings import Settings

REPO = Path(__file__).resolve().parents[1]
CONVERSATION = [
    "Who buys GP clinical systems?",
    "and who pays for them?",  # a follow-up: understood from the question before
    "What dose of amoxicillin should a child get?",  # out of scope: declined, nearest passages shown
    "What is the Registation Authority?",  # a typo: read as "Registration", and the answer says so
    "When will the next operating model be published?",  # the documents only date the past: declined
]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(index_dir=Path(tmp) / "index")
        run_ingest(open_index(settings), [], REPO / "corpus")
        assistant = Assistant.from_settings(settings)
        history: list[str] = []
        for question in CONVERSATION:
            answer = assistant.ask(question, history)
            history.append(question)
            print(f"Q: {question}   ({answer.elapsed_ms:.0f} ms, abstained={answer.abstained})")
            print(answer.text)
            for c in answer.citations:
                print(f"  [{c.n}] {c.passage.title} ({c.passage.published}, {c.passage.status}) score {c.score:.2f}")
            print()


if __name__ == "__main__":
    main()
