"""The earlier questions of a Slack thread, read back from Slack itself.

Reading the thread with ``conversations.replies`` (rather than remembering it in memory)
means any bot process can answer any follow-up. Each answer we post carries its answer id
in message metadata (never the question: metadata is readable by other apps), so a thread
that starts at one of our answers (a top-level DM answer the user replied to) still has its
question, looked up in the shared answer store. Every earlier question passes the
patient-data guard again before it becomes history.
"""

from __future__ import annotations

import logging
from typing import Optional

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.answers import AnswerStore
from bot.guard import Verdict, check_question
from bot.mrkdwn import mentions, question_from_message

log = logging.getLogger(__name__)

ANSWER_EVENT_TYPE = "opmodel_answer"
MAX_HISTORY = 5
MAX_PAGES = 3


def answer_metadata(answer_id: str) -> dict:
    return {"event_type": ANSWER_EVENT_TYPE, "event_payload": {"answer_id": answer_id}}


def thread_questions(
    client: WebClient,
    *,
    channel: str,
    thread_ts: str,
    before_ts: str,
    bot_user_id: Optional[str],
    direct: bool,
    answers: AnswerStore,
) -> list[str]:
    """Questions asked in the thread before ``before_ts``, oldest first, at most MAX_HISTORY.

    In a direct message every message from a person is a question; in a channel only the ones
    that mention the bot are (the rest is colleagues talking to each other).
    """
    questions: list[str] = []
    for message in _replies(client, channel, thread_ts):
        if float(message.get("ts", "0")) >= float(before_ts):
            continue
        question = _question_in(message, bot_user_id, direct, answers)
        if not question or check_question(question, message.get("text") or "") is not Verdict.OK:
            continue
        # A question and our answer carrying it sit side by side: keep one.
        if not questions or questions[-1] != question:
            questions.append(question)
    return questions[-MAX_HISTORY:]


def _question_in(message: dict, bot_user_id: Optional[str], direct: bool, answers: AnswerStore) -> Optional[str]:
    metadata = message.get("metadata") or {}
    if metadata.get("event_type") == ANSWER_EVENT_TYPE:
        payload = metadata.get("event_payload") or {}
        if "answer_id" in payload:
            answered = answers.recall(payload["answer_id"])
            return answered.question if answered else None
        return payload.get("question")  # answers posted before questions moved out of metadata
    from_person = not message.get("bot_id") and message.get("subtype") is None and message.get("user") != bot_user_id
    if from_person and (direct or mentions(message.get("text", ""), bot_user_id or "")):
        return question_from_message(message.get("text", ""))
    return None


def _replies(client: WebClient, channel: str, thread_ts: str) -> list[dict]:
    messages: list[dict] = []
    cursor = None
    try:
        for _ in range(MAX_PAGES):
            page = client.conversations_replies(
                channel=channel, ts=thread_ts, limit=200, include_all_metadata=True, cursor=cursor
            )
            messages.extend(page.get("messages") or [])
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break
    except SlackApiError as exc:
        # Without history the follow-up is still answered, just on its own.
        log.warning("could not read thread %s in %s: %s", thread_ts, channel, exc.response.get("error"))
    return messages
