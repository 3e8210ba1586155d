"""Getting a message to Slack: which failures are retried, and which leave it unknown
whether a post went through.

Slack's own advice for ``internal_error``, ``fatal_error``, ``service_unavailable`` and
``request_timeout`` (HTTP 200 with ``ok: false``) and for any 5xx is to retry, so the Web
API client retries them with exponential backoff and jitter, like the 429s it already
retries after Retry-After. Slack also warns that such an error may come after part of the
operation succeeded, and a read timeout says nothing about whether Slack posted the
message: after either, the bot must not post an apology that contradicts an answer the
user may already see (``delivery_uncertain``).

Slack's feedback buttons element is newer than some Slack hosts (GovSlack-style ones may lag):
a message refused as ``invalid_blocks`` because of it is sent again with ordinary buttons
(``post_message``, ``respond_message``), so the answer arrives either way.
"""

from __future__ import annotations

import logging
from typing import Optional
from urllib.error import URLError

from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.jitter import RandomJitter
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot.blocks import Message, with_classic_feedback

log = logging.getLogger(__name__)

RETRYABLE_ERRORS = frozenset({"internal_error", "fatal_error", "service_unavailable", "request_timeout"})
MAX_RETRIES = 3
BACKOFF_SECONDS = 0.5  # 0.5 s, 1 s, 2 s (plus jitter): within Slack's patience, past a blip


class SlackServerErrorRetryHandler(RetryHandler):
    """Retries Slack's 5xx responses and its retryable ``ok: false`` errors."""

    def __init__(self, max_retry_count: int = MAX_RETRIES, backoff_seconds: float = BACKOFF_SECONDS):
        super().__init__(max_retry_count, BackoffRetryIntervalCalculator(backoff_factor=backoff_seconds,
                                                                         jitter=RandomJitter()))

    def _can_retry(self, *, state: RetryState, request: HttpRequest, response: Optional[HttpResponse] = None,
                   error: Optional[Exception] = None) -> bool:
        if response is None:
            return False  # connection errors are ConnectionErrorRetryHandler's
        if response.status_code >= 500:
            return True
        return response.status_code == 200 and (response.body or {}).get("error") in RETRYABLE_ERRORS


def delivery_uncertain(error: BaseException) -> bool:
    """True when a failed post may still have been posted by Slack."""
    if isinstance(error, SlackApiError):
        status = getattr(error.response, "status_code", 200)
        return status >= 500 or error.response.get("error") in RETRYABLE_ERRORS
    if isinstance(error, URLError):
        return not isinstance(error.reason, ConnectionRefusedError)  # refused: nothing was sent
    return isinstance(error, (TimeoutError, ConnectionError, OSError))


def post_message(client, message: Message, **kwargs) -> None:
    """``chat.postMessage``; again with ordinary feedback buttons when Slack refuses its own."""
    try:
        client.chat_postMessage(**kwargs, **message.as_kwargs())
    except SlackApiError as exc:
        classic = with_classic_feedback(message.blocks) if exc.response.get("error") == "invalid_blocks" else None
        if classic is None:
            raise
        log.warning("Slack refused the feedback buttons element; posting with ordinary buttons")
        client.chat_postMessage(**kwargs, text=message.text, blocks=classic)


def respond_message(respond, message: Message, **kwargs) -> None:
    """A reply through the response_url; again with ordinary feedback buttons when Slack refuses its own."""
    response = respond(**kwargs, **message.as_kwargs())
    classic = with_classic_feedback(message.blocks)
    if classic is not None and getattr(response, "status_code", 200) == 400 and "invalid_blocks" in (response.body or ""):
        log.warning("Slack refused the feedback buttons element; replying with ordinary buttons")
        respond(**kwargs, text=message.text, blocks=classic)
