"""Slack-shaped payloads, and signed HTTP delivery of them, as Slack's servers would send."""

from __future__ import annotations

import itertools
import json
import time
import urllib.error
import urllib.request
from typing import Optional
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from .web_api import BOT_USER_ID, TEAM_ID

_ids = itertools.count(1)
_ts = itertools.count(1)


def new_ts() -> str:
    return f"{1_600_000_000 + next(_ts)}.000200"


def event_callback(event: dict, event_id: Optional[str] = None) -> dict:
    return {
        "token": "legacy", "team_id": TEAM_ID, "api_app_id": "A0001", "type": "event_callback",
        "event_id": event_id or f"Ev{next(_ids):08d}", "event_time": int(time.time()), "event": event,
        "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
    }


def mention(text: str, *, user: str = "U1", channel: str = "C1", ts: Optional[str] = None,
            thread_ts: Optional[str] = None, event_id: Optional[str] = None) -> dict:
    ts = ts or new_ts()
    event = {"type": "app_mention", "user": user, "text": f"<@{BOT_USER_ID}> {text}".rstrip(), "ts": ts,
             "channel": channel, "event_ts": ts, "client_msg_id": f"cm-{ts}"}
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event_callback(event, event_id)


def message(text: str, *, user: Optional[str] = "U1", channel: str = "D1", channel_type: str = "im",
            ts: Optional[str] = None, thread_ts: Optional[str] = None, **extra) -> dict:
    ts = ts or new_ts()
    event = {"type": "message", "text": text, "ts": ts, "channel": channel,
             "channel_type": channel_type, "event_ts": ts, **extra}
    if user:
        event["user"] = user
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event_callback(event)


def assistant_thread_started(*, user: str = "U1", channel: str = "D1", thread_ts: Optional[str] = None) -> dict:
    thread_ts = thread_ts or new_ts()
    return event_callback({
        "type": "assistant_thread_started", "event_ts": thread_ts,
        "assistant_thread": {"user_id": user, "channel_id": channel, "thread_ts": thread_ts,
                             "context": {"channel_id": "C1", "team_id": TEAM_ID}},
    })


def app_home_opened(*, user: str = "U1", channel: str = "D1", tab: str = "messages") -> dict:
    """A user opened the app's Messages tab (the agent view) or its Home tab."""
    return event_callback({"type": "app_home_opened", "user": user, "channel": channel, "tab": tab,
                           "event_ts": new_ts()})


def app_context_changed(*, user: str = "U1", channel: str = "D1", viewing: str = "C1") -> dict:
    """What the user looks at changed while the agent view was open."""
    return event_callback({"type": "app_context_changed", "user": user, "channel": channel, "event_ts": new_ts(),
                           "context": {"entities": [{"type": "slack#/types/channel_id", "value": viewing,
                                                     "team_id": TEAM_ID}]}})


def slash_command(text: str, *, response_url: str, user: str = "U1", channel: str = "C1") -> dict:
    return {"token": "legacy", "team_id": TEAM_ID, "channel_id": channel, "channel_name": "general",
            "user_id": user, "user_name": "pat", "command": "/opmodel", "text": text,
            "api_app_id": "A0001", "response_url": response_url, "trigger_id": f"trig-{next(_ids)}"}


def button_click(action: dict, *, user: str = "U1", channel: str = "C1", message: Optional[dict] = None,
                 response_url: str = "", message_ts: Optional[str] = None, block_id: str = "opmodel_feedback") -> dict:
    """A block_actions payload for a click on ``action`` (a button element we rendered)."""
    ts = (message or {}).get("ts") or message_ts or new_ts()
    body = {
        "type": "block_actions", "user": {"id": user, "team_id": TEAM_ID}, "team": {"id": TEAM_ID},
        "api_app_id": "A0001", "token": "legacy", "trigger_id": f"trig-{next(_ids)}",
        "channel": {"id": channel}, "response_url": response_url,
        "container": {"type": "message", "message_ts": ts, "channel_id": channel, "is_ephemeral": message is None},
        "actions": [{**action, "block_id": block_id, "action_ts": str(time.time())}],
    }
    if message is not None:
        body["message"] = message
    return body


def feedback_click(element: dict, *, positive: bool, block_id: str = "opmodel_feedback", **kwargs) -> dict:
    """A press of one of Slack's feedback buttons (``element`` a ``feedback_buttons`` element we
    rendered): Slack sends the element's action id with the pressed button's value and text."""
    pressed = element["positive_button" if positive else "negative_button"]
    action = {"type": "feedback_buttons", "action_id": element["action_id"], "value": pressed["value"],
              "text": pressed["text"]}
    return button_click(action, block_id=block_id, **kwargs)


def view_submission(callback_id: str, private_metadata: str, values: dict, *, user: str = "U1") -> dict:
    return {"type": "view_submission", "user": {"id": user, "team_id": TEAM_ID}, "team": {"id": TEAM_ID},
            "api_app_id": "A0001", "token": "legacy", "trigger_id": f"trig-{next(_ids)}",
            "view": {"id": "V0001", "type": "modal", "callback_id": callback_id, "private_metadata": private_metadata,
                     "state": {"values": values}}}


# --- HTTP delivery ---------------------------------------------------------------------

def form_body(payload: dict) -> str:
    """Slash commands are form fields; interactions are one form field holding JSON."""
    if "command" in payload:
        return urlencode(payload)
    return urlencode({"payload": json.dumps(payload)})


def signed_headers(body: str, secret: str, timestamp: Optional[int] = None, content_type: str = "application/json") -> dict:
    timestamp = int(time.time()) if timestamp is None else timestamp
    signature = SignatureVerifier(secret).generate_signature(timestamp=str(timestamp), body=body)
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": str(timestamp), "X-Slack-Signature": signature}


def post(url: str, body: str, headers: dict, timeout: float = 10.0) -> tuple[int, str, float]:
    """POST over a real socket; returns (status, body, seconds until the response)."""
    request = urllib.request.Request(url, data=body.encode("utf-8"), headers=headers, method="POST")
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode(), time.monotonic() - started
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(), time.monotonic() - started


def deliver(url: str, payload: dict, secret: str, *, retry_num: Optional[int] = None,
            timestamp: Optional[int] = None) -> tuple[int, str, float]:
    """Send ``payload`` signed, as Slack does: events as JSON, the rest as form data."""
    if payload.get("type") == "event_callback":
        body, content_type = json.dumps(payload), "application/json"
    else:
        body, content_type = form_body(payload), "application/x-www-form-urlencoded"
    headers = signed_headers(body, secret, timestamp, content_type)
    if retry_num is not None:
        headers.update({"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"})
    return post(url, body, headers)
