"""Questions that arrive as messages: @mentions, direct messages and the agent view.

The agent view (Slack's agent messaging experience) is the app's Messages tab: opening it
(``app_home_opened`` with ``tab == "messages"``) sets the suggested prompts and greets the user,
at most once per de-duplication window per DM so reopening the tab is not a stream of hellos.
``app_context_changed`` (what the user is viewing) is acknowledged and not used: answers come
from the documents, not from the channel on screen. The assistant-panel listeners stay for
workspaces still on the older experience.

Only people's new messages addressed to the bot are answered: never the bot's own or other
bots' messages, never edits or deletions, never channel chatter without a mention, and
never a second time when Slack delivers the same message again.
"""

from __future__ import annotations

import logging
from typing import Optional

from slack_bolt import App, Assistant, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import replies
from bot.blocks import Message
from bot.dedupe import event_keys
from bot.delivery import post_message
from bot.history import thread_questions
from bot.mrkdwn import question_from_message

log = logging.getLogger(__name__)

ANSWERABLE_SUBTYPES = (None, "file_share")  # a question with a screenshot is still a question


def register(app: App, parts) -> None:
    assistant = Assistant(logger=logging.getLogger("opmodel.slack"))

    @app.event("app_mention")
    def on_mention(body: dict, event: dict, context: BoltContext, client: WebClient) -> None:
        if not _from_person(event, context) or not parts.seen.first_time(event_keys(body)):
            return
        thread_ts = event.get("thread_ts") or event["ts"]
        # Slack now lets an app show its loading status in a channel thread too (chat:write).
        _answer(parts, client, context, event, thread_ts=thread_ts, direct=False,
                on_start=lambda: _searching(client, event["channel"], thread_ts),
                empty_reply=replies.help_message())

    @assistant.thread_started
    def on_thread_started(body: dict, say, set_suggested_prompts) -> None:
        if not parts.seen.first_time(event_keys(body)):
            return
        say(replies.greeting())
        set_suggested_prompts(prompts=replies.suggested_prompts(), title=replies.PROMPTS_TITLE)

    @assistant.thread_context_changed
    def on_context_changed() -> None:
        """We answer from the documents, not from the channel the user is viewing."""

    @assistant.user_message
    def on_thread_message(body: dict, event: dict, context: BoltContext, client: WebClient) -> None:
        # Every reply in a DM thread lands here, assistant panel or not.
        if not _from_person(event, context) or not parts.seen.first_time(event_keys(body)):
            return
        channel, thread_ts = event["channel"], event["thread_ts"]
        question = question_from_message(event.get("text") or "")

        def on_start() -> None:
            # Only once the patient-data guard has passed the question: the title shows it.
            _searching(client, channel, thread_ts)
            if parts.seen.first_time([f"titled:{channel}:{thread_ts}"]):
                _best_effort("set the thread title", client.assistant_threads_setTitle,
                             channel_id=channel, thread_ts=thread_ts, title=replies.thread_title(question))

        _answer(parts, client, context, event, thread_ts=thread_ts, direct=True, on_start=on_start,
                empty_reply=replies.help_message("Ask me a question"))

    app.assistant(assistant)

    @app.event("app_home_opened")
    def on_home_opened(body: dict, event: dict, client: WebClient) -> None:
        channel = event.get("channel")
        if event.get("tab") != "messages" or not channel or not parts.seen.first_time(event_keys(body)):
            return
        try:
            # No thread_ts: in the agent view the prompts belong to the DM (with one, Slack drops them).
            client.assistant_threads_setSuggestedPrompts(channel_id=channel, prompts=replies.suggested_prompts(),
                                                         title=replies.PROMPTS_TITLE)
            if parts.seen.first_time([f"greeted:{channel}"]):
                client.chat_postMessage(channel=channel, **replies.agent_greeting().as_kwargs())
        except SlackApiError as exc:
            # Nothing the user asked for failed; the next open tries again.
            log.warning("could not greet in the agent view: %s", exc.response.get("error"))

    @app.event("app_context_changed")
    def on_app_context_changed() -> None:
        """We answer from the documents, not from what the user is viewing."""

    @app.event("message")
    def on_message(body: dict, event: dict, context: BoltContext, client: WebClient) -> None:
        # Top-level direct messages only; threads went to the assistant listener above and
        # channel messages are answered only through app_mention.
        if event.get("channel_type") != "im" or event.get("thread_ts"):
            return
        if not _from_person(event, context) or not parts.seen.first_time(event_keys(body)):
            return
        _answer(parts, client, context, event, thread_ts=None, direct=True,
                empty_reply=replies.help_message("Send me a question"))


def _searching(client: WebClient, channel: str, thread_ts: str) -> None:
    _best_effort("set the status", client.assistant_threads_setStatus,
                 channel_id=channel, thread_ts=thread_ts, status=replies.SEARCHING_STATUS)


def _best_effort(what: str, call, **kwargs) -> None:
    """A status or a title is a nicety: when Slack refuses it the answer still comes."""
    try:
        call(**kwargs)
    except SlackApiError as exc:
        log.warning("could not %s: %s", what, exc.response.get("error"))


def _from_person(event: dict, context: BoltContext) -> bool:
    return (
        event.get("subtype") in ANSWERABLE_SUBTYPES
        and not event.get("bot_id")
        and not event.get("edited")
        and bool(event.get("user"))
        and event.get("user") != context.bot_user_id
    )


def _answer(
    parts,
    client: WebClient,
    context: BoltContext,
    event: dict,
    *,
    thread_ts: Optional[str],
    direct: bool,
    empty_reply: Message,
    on_start=None,
) -> None:
    channel = event["channel"]

    def post(message: Message, metadata: Optional[dict]) -> None:
        post_message(client, message, channel=channel, thread_ts=thread_ts, metadata=metadata,
                     unfurl_links=False, unfurl_media=False)

    def history() -> list[str]:
        if not event.get("thread_ts"):
            return []
        return thread_questions(client, channel=channel, thread_ts=event["thread_ts"], before_ts=event["ts"],
                                bot_user_id=context.bot_user_id, direct=direct, answers=parts.answers)

    parts.responder.submit(
        question_from_message(event.get("text") or ""), as_sent=event.get("text") or "",
        user=event["user"], post=post, history=history, on_start=on_start, empty_reply=empty_reply,
    )
