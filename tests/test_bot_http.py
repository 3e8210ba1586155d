"""The real bot over HTTP (Events API): signed requests over a real socket, answers posted to
a fake Slack Web API on 127.0.0.1."""

from __future__ import annotations

import json
import time
import urllib.error

from bot.blocks import render_answer
from slackfake import payloads
from slackfake.harness import (  # noqa: F401 (fixtures)
    SIGNING_SECRET, answer_id_of, bot_assistant, fake_slack, http_bot, stored_question,
)
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
    actions = [b for b in blocks if b["type"] == "context_actions"]
    assert [(e["type"], e["action_id"]) for e in actions[0]["elements"]] == [("feedback_buttons", "answer_feedback")]
    assert stored_question(http_bot, post) == QUESTION
    assert QUESTION not in json.dumps(post.params["metadata"]) and QUESTION not in json.dumps(actions)


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


def test_unsigned_badly_signed_and_stale_requests_get_401_and_do_nothing(http_bot, fake_slack):
    body = json.dumps(payloads.mention(QUESTION))
    good = payloads.signed_headers(body, SIGNING_SECRET)
    unsigned = {"Content-Type": "application/json"}
    wrong_secret = payloads.signed_headers(body, "not-the-secret")
    stale = payloads.signed_headers(body, SIGNING_SECRET, timestamp=int(time.time()) - 6 * 60)
    tampered = {**good}
    for headers, sent in ((unsigned, body), (wrong_secret, body), (stale, body), (tampered, body + " ")):
        status, _, _ = payloads.post(http_bot.url, sent, headers)
        assert status == 401
    challenge = json.dumps({"type": "url_verification", "challenge": "abc", "token": "x"})
    assert payloads.post(http_bot.url, challenge, unsigned)[0] == 401
    assert payloads.post(http_bot.url, "{not json", unsigned)[0] == 401
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    assert payloads.post(http_bot.url, "payload=%7Bbroken", form)[0] == 401
    settle()
    assert fake_slack.api.calls_to("chat.postMessage") == []
    assert fake_slack.api.calls_to("conversations.replies") == []


def test_signed_url_verification_is_answered(http_bot):
    body = json.dumps({"type": "url_verification", "challenge": "abc123", "token": "x"})
    status, reply, _ = payloads.post(http_bot.url, body, payloads.signed_headers(body, SIGNING_SECRET))
    assert status == 200 and "abc123" in reply


def test_retries_and_duplicate_deliveries_give_exactly_one_answer(http_bot, fake_slack):
    body = payloads.mention(QUESTION)
    assert deliver(http_bot, body)[0] == 200
    for retry in (1, 2):
        assert deliver(http_bot, body, retry_num=retry)[0] == 200
    # The same message delivered again under a new event id (e.g. as a second event type).
    again = payloads.event_callback(body["event"])
    assert deliver(http_bot, again)[0] == 200
    fake_slack.api.wait_for("chat.postMessage")
    settle()
    assert len(fake_slack.api.calls_to("chat.postMessage")) == 1


def test_bots_own_messages_edits_deletions_and_unmentioned_chatter_are_ignored(http_bot, fake_slack):
    ignored = [
        payloads.message(QUESTION, user=BOT_USER_ID),  # our own message
        payloads.message(QUESTION, user=None, bot_id="B999", subtype="bot_message"),  # another bot
        payloads.message(QUESTION, user="U2", bot_id="B999"),  # a bot posting as an app user
        payloads.message(QUESTION, user=None, subtype="message_changed",
                         message={"type": "message", "user": "U1", "text": QUESTION, "ts": "1.0"}),
        payloads.message(QUESTION, user=None, subtype="message_deleted", deleted_ts="1.0"),
        payloads.message(QUESTION, channel="C1", channel_type="channel"),  # no mention
        payloads.message(QUESTION, channel="C1", channel_type="channel", thread_ts="1.0"),  # thread, no mention
        payloads.message(QUESTION, user="U2", thread_ts="1.0", bot_id="B999"),  # bot in a DM thread
    ]
    other_bot_mention = payloads.mention(QUESTION)
    other_bot_mention["event"]["bot_id"] = "B999"
    ignored.append(other_bot_mention)
    for body in ignored:
        assert deliver(http_bot, body)[0] == 200
    settle(1.5)
    assert fake_slack.api.calls_to("chat.postMessage") == []
    assert fake_slack.api.calls_to("assistant.threads.setStatus") == []


def test_follow_up_in_a_thread_is_answered_with_the_earlier_question(http_bot, fake_slack, bot_assistant):
    first = payloads.mention("Who provides the clinical system to GP practices?")
    deliver(http_bot, first)
    fake_slack.api.wait_for("chat.postMessage")
    thread_ts = first["event"]["ts"]
    # Slack's copy of the thread: the question (as a person posted it), then our answer.
    fake_slack.api.add_message("C1", first["event"]["text"], user="U1", ts=thread_ts)
    fake_slack.api.add_message("C1", "someone chatting, not to the bot", user="U3", thread_ts=thread_ts)
    follow_up = payloads.mention("and who funds it?", thread_ts=thread_ts)
    deliver(http_bot, follow_up)
    posts = fake_slack.api.wait_for("chat.postMessage", 2)
    [replies] = fake_slack.api.calls_to("conversations.replies")
    assert replies.params["ts"] == thread_ts
    assert posts[1].params["thread_ts"] == thread_ts

    # Exactly what the core says for the follow-up in context, not on its own.
    answer_id = answer_id_of(posts[1])
    expected = render_answer(bot_assistant.ask("and who funds it?", ["Who provides the clinical system to GP practices?"]),
                             answer_id=answer_id)
    alone = render_answer(bot_assistant.ask("and who funds it?"), answer_id=answer_id)
    assert posts[1].params["blocks"] == expected.blocks
    assert expected.blocks != alone.blocks


def test_other_paths_and_oversized_bodies_are_refused_without_dispatch(http_bot, fake_slack):
    body = json.dumps(payloads.mention(QUESTION))
    headers = payloads.signed_headers(body, SIGNING_SECRET)
    assert payloads.post(http_bot.url.replace("/slack/events", "/elsewhere"), body, headers)[0] == 404
    huge = body + " " * 1_100_000
    try:
        status = payloads.post(http_bot.url, huge, payloads.signed_headers(huge, SIGNING_SECRET))[0]
    except urllib.error.URLError:  # refused before the sender finished writing: the pipe breaks
        status = 413
    assert status == 413
    settle(0.5)
    assert fake_slack.api.calls_to("chat.postMessage") == []


def raw_post(url: str, body: bytes, headers: dict) -> int:
    """POST bytes as they are (urllib's helpers would insist on text)."""
    import http.client
    from urllib.parse import urlparse

    where = urlparse(url)
    conn = http.client.HTTPConnection(where.hostname, where.port, timeout=10)
    try:
        conn.request("POST", where.path, body=body, headers=headers)
        return conn.getresponse().status
    finally:
        conn.close()


def test_malformed_signature_headers_and_non_utf8_bodies_get_401_not_a_dropped_connection(http_bot, fake_slack, caplog):
    body = json.dumps(payloads.mention(QUESTION))
    good = payloads.signed_headers(body, SIGNING_SECRET)
    for timestamp in ("abc", "", "1e9", "-5", "1" * 40, "\u00b9\u00b2\u00b3"):
        assert payloads.post(http_bot.url, body, {**good, "X-Slack-Request-Timestamp": timestamp})[0] == 401
    for signature in ("garbage", "v0=", "v1=" + "0" * 64, good["X-Slack-Signature"].upper()):
        assert payloads.post(http_bot.url, body, {**good, "X-Slack-Signature": signature})[0] == 401
    # Signed over its bytes, but not UTF-8: Slack never sends that.
    raw = b'{"type": "event_callback", "x": "\xff\xfe"}'
    timestamp = str(int(time.time()))
    import hashlib
    import hmac

    signed = f"v0:{timestamp}:".encode() + raw  # Slack's scheme, over the bytes (slack_sdk only signs text)
    signature = "v0=" + hmac.new(SIGNING_SECRET.encode(), signed, hashlib.sha256).hexdigest()
    assert raw_post(http_bot.url, raw, {"Content-Type": "application/json", "X-Slack-Request-Timestamp": timestamp,
                                        "X-Slack-Signature": signature}) == 401
    assert "Traceback" not in caplog.text
    settle(0.5)
    assert fake_slack.api.calls_to("chat.postMessage") == []


def test_signed_malformed_json_gets_400(http_bot, fake_slack, caplog):
    for body, content_type in (("{not json", "application/json"), ("[1, 2]", "application/json"),
                               ("payload=%7Bbroken", "application/x-www-form-urlencoded"),
                               ("payload=%5B%5D", "application/x-www-form-urlencoded")):
        headers = payloads.signed_headers(body, SIGNING_SECRET, content_type=content_type)
        assert payloads.post(http_bot.url, body, headers)[0] == 400, body
    assert "Traceback" not in caplog.text


def test_a_half_sent_body_is_cut_off_after_the_read_timeout(bot_assistant, fake_slack, tmp_path, monkeypatch):
    import socket
    from urllib.parse import urlparse

    import bot.http
    from slackfake.harness import bot_settings, start_http_bot

    monkeypatch.setattr(bot.http, "READ_TIMEOUT_SECONDS", 1.0)
    running, stop = start_http_bot(bot_assistant, bot_settings(fake_slack, tmp_path))
    where = urlparse(running.url)
    try:
        with socket.create_connection((where.hostname, where.port), timeout=10) as sock:
            sock.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                         b"Content-Length: 500\r\n\r\n{\"type\": ")
            started = time.monotonic()
            reply = sock.recv(1024)
            took = time.monotonic() - started
        assert reply.startswith(b"HTTP/1.1 408") and took < 5
        # The server still answers everyone else.
        assert deliver(running, payloads.mention(QUESTION))[0] == 200
    finally:
        stop()
