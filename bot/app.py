"""The Bolt app: Slack's events wired to the answering core.

``build_app`` is the one place that knows every surface: @mentions, direct messages, the
assistant side panel, the ``/opmodel`` command and the buttons. The listeners themselves
live in ``bot.conversations`` and ``bot.interactions``.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from typing import Optional

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.answers import AnswerStore
from bot.dedupe import SeenEvents
from bot.delivery import SlackServerErrorRetryHandler
from bot.feedback import FeedbackStore
from bot.ratelimit import RateLimiter
from bot.responder import Responder
from opmodel.settings import Settings

log = logging.getLogger(__name__)

SLACK_LIBRARY_LOGGERS = ("slack_bolt", "slack_sdk", "opmodel.slack")


@dataclass
class BotParts:
    """What the listeners share; built once per app."""

    responder: Responder
    feedback: FeedbackStore
    seen: SeenEvents
    answers: AnswerStore


WEB_API_TIMEOUT_SECONDS = 15


def web_client(settings: Settings, timeout: float = WEB_API_TIMEOUT_SECONDS) -> WebClient:
    """The Web API client: SLACK_API_URL when set; Slack's 429s retried after Retry-After, its
    5xx and retryable ``ok: false`` errors with backoff (``bot.delivery``)."""
    kwargs = {"token": settings.slack_bot_token, "timeout": timeout}
    if settings.slack_api_url:
        kwargs["base_url"] = settings.slack_api_url.rstrip("/") + "/"
    client = WebClient(**kwargs)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=3))
    client.retry_handlers.append(SlackServerErrorRetryHandler())
    return client


def quiet_slack_libraries() -> None:
    """Slack's libraries log whole request bodies at INFO and DEBUG (a bad-signature report,
    every Socket Mode frame). A body may hold a question, even an NHS number, which must never
    reach a log, so their loggers are held at WARNING whatever the root level is."""
    for name in SLACK_LIBRARY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def build_app(assistant, settings: Settings, client: Optional[WebClient] = None, **kwargs) -> App:
    """A ready Bolt app; see ``build_bot``."""
    return build_bot(assistant, settings, client, **kwargs)[0]


def build_bot(
    assistant,
    settings: Settings,
    client: Optional[WebClient] = None,
    *,
    limiter: Optional[RateLimiter] = None,
    workers: int = 8,
) -> tuple[App, BotParts]:
    """A ready Bolt app and the parts its listeners share (the responder, to drain on shutdown).
    ``assistant`` is an ``answer.engine.Assistant`` (anything with ``ask(question, history) ->
    Answer``); ``client`` defaults to ``web_client(settings)``. Building it calls ``auth.test``
    once, so a wrong token fails here, not on first use."""
    from bot import conversations, interactions

    quiet_slack_libraries()
    client = client or web_client(settings)
    app = App(
        client=client,
        signing_secret=settings.slack_signing_secret or "",
        logger=logging.getLogger("opmodel.slack"),
        # Events are acked at once and answered on the responder's pool.
        process_before_response=False,
    )
    answers = AnswerStore(settings.feedback_db)
    parts = BotParts(
        responder=Responder(assistant, limiter or RateLimiter(), answers, workers=workers),
        feedback=FeedbackStore(settings.feedback_db, settings.user_hash_key),
        seen=SeenEvents(settings.feedback_db),
        answers=answers,
    )
    conversations.register(app, parts)
    interactions.register(app, parts)
    app.error(_log_unhandled)
    return app, parts


def _log_unhandled(error: Exception, body: dict) -> None:
    # Bolt calls this for an exception escaping a listener; Slack gets a bare 500 at most.
    reference = secrets.token_hex(4)
    log.error("unhandled %s in a listener for a %s request (reference %s)",
              error.__class__.__name__, body.get("type"), reference, exc_info=error)
