"""The real bot over HTTP (Events API): signed requests over a real socket, answers posted to
a fake Slack Web API on 127.0.0.1."""

from __future__ import annotations

import json
import time

from slackfake import payloads
from slackfake.harness import SIGNING_SECRET, bot_assistant, fake_slack, http_bot  # noqa: F401 (fixtures)
from slackfake.web_api import BOT_USER_ID

QUESTION = "What is an NHS smartcard?"


def deliver(bot, payload, **kwargs):
    return payloads.deliver(bot.url, payload, SIGNING_SECRET, **kwargs)


def settle(seconds: float = 1.0) -> None:
    """Give a wrongly scheduled second answer the time to show up before counting."""
    time.sleep(seconds)


def test_mention_is_answered_in_a_thread_under_the_question(http_bot, fake_slack):
    body = payloads.mention(QUESTION)
    status, _, took = deliver(http_bot, body)
    assert status == 200 and took < 3.0

    [post] = fake_slack.api.wait_for("chat.postMessage")
    event = body["event"]
    assert post.params["channel"] == event["channel"]
    assert post.params["thread_ts"] == event["ts"]
    assert post.token == "xoxb-test-token"
    assert post.params["text"], "a plain-text fallback is always set"
    blocks = post.params["blocks"]
    texts = json.dumps(blocks)
    assert "[1]" in texts and "Smartcards issued by an approved NHS Registration Authority" in texts
    actions = [b for b in blocks if b["type"] == "actions"]
    assert [e["action_id"] for e in actions[0]["elements"]] == ["feedback_helpful", "feedback_not_helpful"]
    assert post.params["metadata"]["event_payload"]["question"] == QUESTION


def test_direct_message_is_answered_in_the_dm(http_bot, fake_slack):
    body = payloads.message(QUESTION, channel="D9")
    assert deliver(http_bot, body)[0] == 200
    [post] = fake_slack.api.wait_for("chat.postMessage")
    assert post.params["channel"] == "D9"
    assert "thread_ts" not in post.params


def test_empty_mention_gets_help_with_three_examples(http_bot, fake_slack):
    deliver(http_bot, payloads.mention(""))
    [post] = fake_slack.api.wait_for("chat.postMessage")
    text = json.dumps(post.params["blocks"], ensure_ascii=False)
    assert text.count("•") == 3
    assert "metadata" not in post.params
