"""Everything the bot says that is not an answer: help, refusals, apologies.

Short, specific and kind: each message says what happened and what to do next.
"""

from __future__ import annotations

from bot.blocks import Message, context, notice, section
from bot.mrkdwn import escape
from opmodel.settings import MAX_QUESTION_CHARS

# One of each kind users ask (who pays, what is, what replaced); shown in help and as
# assistant-panel prompts.
EXAMPLE_QUESTIONS = (
    "Who pays for the practice phone system?",
    "What is a GP IT delivery partner?",
    "What replaced GP Systems of Choice (GPSoC)?",
)
SEARCHING_STATUS = "Searching the operating model…"
PROMPTS_TITLE = "Try asking"


def help_message(how_to_ask: str = "Mention me with a question") -> Message:
    examples = "\n".join(f"• {escape(q)}" for q in EXAMPLE_QUESTIONS)
    return Message(
        text=f"{how_to_ask} about the GP IT operating model, for example: {EXAMPLE_QUESTIONS[0]}",
        blocks=[
            section(
                ":wave: I answer questions about the NHS England GP IT operating model "
                "(“Securing Excellence in Primary Care (GP) Digital Services” and earlier editions), "
                "quoting the passages I rely on."
            ),
            section(f"*{escape(how_to_ask)}, for example:*\n{examples}"),
            context("I tell you when a passage comes from superseded or historical guidance, "
                    "and I say so when the documents don't cover something."),
        ],
    )


def suggested_prompts() -> list[dict]:
    return [{"title": q, "message": q} for q in EXAMPLE_QUESTIONS]


def patient_data() -> Message:
    text = (
        ":no_entry: Your message looks like it contains an NHS number, so I have not answered, "
        "stored or logged it. *Please delete that message* and don't post patient-identifiable "
        "information in Slack. You can ask again without it."
    )
    return notice(text, "Your message looks like it contains an NHS number. Please delete it; I have not answered or stored it.")


def too_long(length: int) -> Message:
    text = (
        f"That question is {length:,} characters long; I can take up to {MAX_QUESTION_CHARS:,}. "
        "Please ask just the question, in a sentence or two."
    )
    return notice(text, text)


def rate_limited(wait_seconds: float) -> Message:
    wait = max(1, round(wait_seconds))
    text = (
        f":hourglass: You're asking faster than I can look things up. "
        f"Please try again in about {wait} second{'s' if wait != 1 else ''}."
    )
    return notice(text, f"Please try again in about {wait} seconds.")


def apology(reference: str) -> Message:
    text = (
        f":warning: Sorry, something went wrong on my side and I couldn't answer that. "
        f"Please try again in a minute. If it keeps happening, give this reference to "
        f"whoever runs the bot: `{reference}`"
    )
    return notice(text, f"Sorry, something went wrong (reference {reference}).")


def answer_forgotten() -> Message:
    text = ("I no longer have the question behind that answer (answers are kept for a limited time), "
            "so I can't rate or share it. Please ask again.")
    return notice(f":grey_question: {text}", text)


def unusable_question(reason: str) -> Message:
    return notice(f":grey_question: {escape(reason)}", reason)


def greeting() -> str:
    return "Hi! Ask me anything about the GP IT operating model — I'll quote the passages I rely on."


THREAD_TITLE_LIMIT = 80


def thread_title(question: str) -> str:
    """A thread's title in the agent view: the question itself, cut short at a word."""
    question = " ".join(question.split())
    if len(question) <= THREAD_TITLE_LIMIT:
        return question
    return question[: THREAD_TITLE_LIMIT - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def agent_greeting() -> Message:
    """The hello in the agent view's Messages tab; the example questions are its suggested prompts."""
    return Message(
        text=greeting(),
        blocks=[
            section(f":wave: {escape(greeting())}"),
            context("Pick a suggested question below or type your own. "
                    "Please never post patient-identifiable information."),
        ],
    )


def feedback_comment_view(feedback_id: int) -> dict:
    return {
        "type": "modal",
        "callback_id": "feedback_comment",
        "private_metadata": str(feedback_id),
        "title": {"type": "plain_text", "text": "What was missing?"},
        "submit": {"type": "plain_text", "text": "Send"},
        "close": {"type": "plain_text", "text": "Skip"},
        "blocks": [
            {
                "type": "input",
                "block_id": "comment",
                "optional": True,
                "label": {"type": "plain_text", "text": "Tell us what you expected (optional)"},
                "hint": {"type": "plain_text", "text": "Please don't include patient details."},
                "element": {"type": "plain_text_input", "action_id": "text", "multiline": True, "max_length": 2000},
            }
        ],
    }
