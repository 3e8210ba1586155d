"""Preview the Slack message the bot would post for a question, without a Slack workspace.

    python examples/slack_preview.py "What is an NHS smartcard?"

Prints the Block Kit JSON: paste it into https://app.slack.com/block-kit-builder to see it
as Slack would show it. Uses the index at OPMODEL_INDEX (run `opmodel ingest` first).
"""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main(argv: list[str]) -> int:
    from answer.engine import Assistant
    from bot.blocks import render_answer
    from opmodel.errors import OpmodelError

    question = " ".join(argv) or "What is an NHS smartcard?"
    try:
        answer = Assistant.from_settings().ask(question)
    except OpmodelError as exc:
        print(f"slack_preview: {exc}", file=sys.stderr)
        return 2
    message = render_answer(answer, share=True)
    print(json.dumps({"blocks": message.blocks}, indent=2, ensure_ascii=False))
    print(f"\nfallback text: {message.text}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
