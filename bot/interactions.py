"""The ``/opmodel`` command and the buttons: private answers, sharing, feedback, and
"Show passages" (every cited passage in full: in the answer's thread, or privately when the
answer itself was private, as ``/opmodel`` answers are).

Slack expects these acked within 3 seconds and shows the user an error otherwise, so every
listener acks first; answering happens on the responder's pool.

A button sends back only an answer id; the question and cited ids come from ``bot.answers``.
Buttons on answers posted before that (``{"q": ..., "c": [...]}``) still work, but their
question passes the patient-data guard again first.
"""

from __future__ import annotations

import json
import logging
import secrets
from typing import Optional

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import replies
from bot.answers import AnsweredQuestion
from bot.delivery import post_message, respond_message
from bot.feedback import RATINGS
from bot.blocks import (
    ACTION_FEEDBACK,
    ACTION_HELPFUL,
    ACTION_NOT_HELPFUL,
    ACTION_SHARE,
    ACTION_SHOW_PASSAGES,
    Message,
    render_answer,
    render_passages,
    thanked,
)
from answer.types import Citation
from bot.guard import Verdict, check_question
from opmodel.patient_data import contains_nhs_number
from bot.mrkdwn import escape, fit, question_from_message, unescape

log = logging.getLogger(__name__)

SLASH_COMMAND = "/opmodel"
COMMENT_VIEW = "feedback_comment"
# Errors meaning the bot cannot post in the channel itself; the response_url still can.
NOT_A_MEMBER = ("not_in_channel", "channel_not_found", "is_archived")


def register(app: App, parts) -> None:
    @app.command(SLASH_COMMAND)
    def on_command(ack: Ack, command: dict, respond: Respond) -> None:
        ack()

        def post(message: Message, metadata: Optional[dict]) -> None:
            respond_message(respond, message, response_type="ephemeral", replace_original=False)

        parts.responder.submit(
            question_from_message(command.get("text") or ""), as_sent=command.get("text") or "",
            user=command["user_id"], post=post,
            render=lambda answer, answer_id: render_answer(answer, answer_id=answer_id, share=True),
            empty_reply=replies.help_message(f"Type {SLASH_COMMAND} and your question"),
        )

    @app.action(ACTION_SHARE)
    def on_share(ack: Ack, body: dict, action: dict, respond: Respond, client: WebClient) -> None:
        ack()
        found = _answered(parts, action)
        if found is None:
            respond(response_type="ephemeral", replace_original=False, **replies.answer_forgotten().as_kwargs())
            return
        question = found[1].question
        user, channel = body["user"]["id"], (body.get("channel") or {}).get("id")
        preface = f"<@{user}> shared an answer to “{escape(fit(question, 300))}”"

        def post(message: Message, metadata: Optional[dict]) -> None:
            if metadata is None:  # a refusal or apology stays private
                respond(response_type="ephemeral", replace_original=False, **message.as_kwargs())
                return
            _post_in_channel(client, respond, channel, message, metadata)
            respond(delete_original=True)

        # The responder's guard reads the question again before anything is shared.
        parts.responder.submit(question, user=user, post=post,
                               render=lambda answer, answer_id: render_answer(answer, answer_id=answer_id,
                                                                              preface=preface))

    @app.action(ACTION_FEEDBACK)
    @app.action(ACTION_HELPFUL)
    @app.action(ACTION_NOT_HELPFUL)
    def on_feedback(ack: Ack, body: dict, action: dict, respond: Respond, client: WebClient) -> None:
        ack()
        _or_apologise("record feedback", respond, lambda: _record_feedback(parts, body, action, respond, client))

    @app.action(ACTION_SHOW_PASSAGES)
    def on_show_passages(ack: Ack, body: dict, action: dict, respond: Respond, client: WebClient) -> None:
        ack()
        _or_apologise("show the passages of an answer", respond,
                      lambda: _show_passages(parts, body, action, respond, client))

    @app.view(COMMENT_VIEW)
    def on_comment(ack: Ack, view: dict) -> None:
        comment = (view["state"]["values"]["comment"]["text"].get("value") or "").strip()
        if contains_nhs_number(comment):
            ack(response_action="errors",
                errors={"comment": "This looks like it contains an NHS number. Please remove any patient details."})
            return
        ack()
        if comment:
            parts.feedback.add_comment(int(view["private_metadata"]), comment)


def _or_apologise(what: str, respond: Respond, work) -> None:
    """Run a button's work; if it fails, the clicker gets a private apology with a reference
    that matches the logged traceback, never the traceback itself."""
    try:
        work()
    except Exception:
        reference = secrets.token_hex(4)
        log.exception("failed to %s (reference %s)", what, reference)
        respond(response_type="ephemeral", replace_original=False, **replies.apology(reference).as_kwargs())


def _post_in_channel(client: WebClient, respond: Respond, channel: Optional[str], message: Message, metadata: dict) -> None:
    try:
        post_message(client, message, channel=channel, metadata=metadata, unfurl_links=False)
    except SlackApiError as exc:
        if exc.response.get("error") not in NOT_A_MEMBER:
            raise
        # The bot is not in this channel; the command's response_url may still post there.
        respond_message(respond, message, response_type="in_channel", replace_original=False)


def _answered(parts, action: dict) -> Optional[tuple[str, AnsweredQuestion]]:
    """(answer id, its question) for a clicked button; None when the store no longer has it
    or the button's question (an old button) fails the guard."""
    try:
        value = json.loads(action.get("value") or "{}")
    except ValueError:
        return None
    if not isinstance(value, dict):
        return None
    if "a" in value:
        answered = parts.answers.recall(value["a"])
        return (value["a"], answered) if answered else None
    question = value.get("q")
    if not isinstance(question, str) or check_question(question) is not Verdict.OK:
        return None
    cited = [c for c in value.get("c") or [] if isinstance(c, str)]
    return parts.answers.remember(question, cited), AnsweredQuestion(question, cited)


def _show_passages(parts, body: dict, action: dict, respond: Respond, client: WebClient) -> None:
    found = _answered(parts, action)
    if found is None:
        respond(response_type="ephemeral", replace_original=False, **replies.answer_forgotten().as_kwargs())
        return
    user = body["user"]["id"]
    channel = (body.get("channel") or {}).get("id")
    message = body.get("message")  # Slack leaves it out for ephemeral messages
    ts = (body.get("container") or {}).get("message_ts")
    # Once in a thread is enough for everyone in it; a private answer's passages, once per person.
    if not parts.seen.first_time([f"passages:{channel}:{ts}" + ("" if message else f":{user}")]):
        return
    citations = cited_passages(parts.responder.assistant, found[1])
    if not citations:
        respond(response_type="ephemeral", replace_original=False, **replies.answer_forgotten().as_kwargs())
        return
    shown = render_passages(citations)
    if message is None:
        respond(response_type="ephemeral", replace_original=False, **shown.as_kwargs())
        return
    try:
        client.chat_postMessage(channel=channel, thread_ts=message.get("thread_ts") or message["ts"],
                                unfurl_links=False, unfurl_media=False, **shown.as_kwargs())
    except SlackApiError as exc:
        if exc.response.get("error") not in NOT_A_MEMBER:
            raise
        # Shared through a response_url into a channel the bot is not in: show them privately.
        respond(response_type="ephemeral", replace_original=False, **shown.as_kwargs())


def cited_passages(assistant, answered: AnsweredQuestion) -> list[Citation]:
    """The passages an answer cited, by the ids kept with it, numbered as in the answer. When
    the index has changed since (an id is gone), the question is asked again."""
    retriever = getattr(assistant, "retriever", None)
    if retriever is not None and answered.cited_ids:
        by_id = {p.id: p for p in retriever.corpus().passages}
        found = [by_id.get(i) for i in answered.cited_ids]
        if all(found):
            return [Citation(n=n, passage=p, score=0.0) for n, p in enumerate(found, start=1)]
    answer = assistant.ask(answered.question)
    return [] if answer.abstained else answer.citations


def _rating(action: dict) -> Optional[str]:
    """"helpful" or "not_helpful": Slack's feedback buttons say which in the value, the
    ordinary buttons in their action id."""
    if action["action_id"] != ACTION_FEEDBACK:
        return "helpful" if action["action_id"] == ACTION_HELPFUL else "not_helpful"
    try:
        rating = json.loads(action.get("value") or "{}").get("r")
    except (ValueError, AttributeError):
        return None
    return rating if rating in RATINGS else None


def _record_feedback(parts, body: dict, action: dict, respond: Respond, client: WebClient) -> None:
    rating = _rating(action)
    helpful = rating == "helpful"
    found = _answered(parts, action) if rating else None
    if found is None:
        respond(response_type="ephemeral", replace_original=False, **replies.answer_forgotten().as_kwargs())
        return
    answer_id, answered = found
    user = body["user"]["id"]
    channel = (body.get("channel") or {}).get("id")
    container = body.get("container") or {}
    message = body.get("message")  # Slack leaves it out for ephemeral messages
    # A double click must not count twice.
    if not parts.seen.first_time([f"feedback:{channel}:{container.get('message_ts')}:{user}"]):
        return
    answer = None if message else parts.responder.assistant.ask(answered.question)
    feedback_id = parts.feedback.record(
        rating=rating,
        question=answered.question,
        answer=unescape(message.get("text", "")) if message else answer.text,
        cited_ids=answered.cited_ids,
        channel=channel,
        user_id=user,
    )
    log.info("recorded %s feedback #%d", "helpful" if helpful else "not helpful", feedback_id)
    if not helpful and body.get("trigger_id"):
        # Open the comment box first: the trigger id expires three seconds after the click.
        client.views_open(trigger_id=body["trigger_id"], view=replies.feedback_comment_view(feedback_id))
    if message:
        blocks = thanked(message.get("blocks") or [], helpful)
        try:
            client.chat_update(channel=channel, ts=message["ts"], text=message.get("text", ""), blocks=blocks)
        except SlackApiError as exc:
            if exc.response.get("error") not in NOT_A_MEMBER + ("cant_update_message",):
                raise
            # Shared through a response_url into a channel the bot is not in: edit it the same way.
            respond(replace_original=True, text=message.get("text", ""), blocks=blocks)
    else:
        shown = render_answer(answer, answer_id=answer_id, share=True)
        respond(replace_original=True, text=shown.text, blocks=thanked(shown.blocks, helpful))
