"""The real bot in Socket Mode: Bolt's handler connects to a local WebSocket server playing
Slack, which sends envelopes and expects each acknowledged within 3 seconds."""

from __future__ import annotations

import json
import time

from bot.blocks import render_answer
from slackfake import payloads
from slackfake.harness import answer_id_of, bot_assistant, fake_slack, socket_bot, stored_question  # noqa: F401 (fixtures)

QUESTION = "What is an NHS smartcard?"


def test_connects_with_the_app_token_through_the_configured_api_url(socket_bot, fake_slack):
    [opened] = fake_slack.api.calls_to("apps.connections.open")
    assert opened.token == "xapp-test-token"
    [auth] = fake_slack.api.calls_to("auth.test")
    assert auth.token == "xoxb-test-token"


def test_mention_is_acked_quickly_and_answered_in_a_thread(socket_bot, fake_slack):
    body = payloads.mention(QUESTION)
    envelope = fake_slack.socket.send("events_api", body)
    ack, took = fake_slack.socket.wait_ack(envelope)
    assert took < 3.0 and ack["envelope_id"] == envelope
    [post] = fake_slack.api.wait_for("chat.postMessage")
    assert post.params["thread_ts"] == body["event"]["ts"]
    assert "Smartcards issued by an approved NHS Registration Authority" in json.dumps(post.params["blocks"])


def test_redelivered_envelopes_are_acked_but_answered_once(socket_bot, fake_slack):
    body = payloads.mention(QUESTION)
    first = fake_slack.socket.send("events_api", body)
    retry = fake_slack.socket.send("events_api", body, retry_attempt=1, retry_reason="timeout")
    fake_slack.socket.wait_ack(first)
    fake_slack.socket.wait_ack(retry)
    fake_slack.api.wait_for("chat.postMessage")
    time.sleep(1.0)
    assert len(fake_slack.api.calls_to("chat.postMessage")) == 1


def test_slash_command_over_socket_mode(socket_bot, fake_slack):
    command = payloads.slash_command(QUESTION, response_url=fake_slack.api.response_url("sock1"))
    envelope = fake_slack.socket.send("slash_commands", command)
    _, took = fake_slack.socket.wait_ack(envelope)
    assert took < 3.0
    [reply] = fake_slack.api.wait_for("response_url")
    assert reply.params["response_type"] == "ephemeral"
    assert any(e.get("action_id") == "share_answer" for b in reply.params["blocks"] for e in b.get("elements", []))


def test_assistant_panel_gets_prompts_then_a_status_while_it_searches(socket_bot, fake_slack, bot_assistant):
    started = payloads.assistant_thread_started(channel="D7")
    thread_ts = started["event"]["assistant_thread"]["thread_ts"]
    fake_slack.socket.wait_ack(fake_slack.socket.send("events_api", started))
    [prompts] = fake_slack.api.wait_for("assistant.threads.setSuggestedPrompts")
    assert prompts.params["channel_id"] == "D7" and prompts.params["thread_ts"] == thread_ts
    assert len(prompts.params["prompts"]) == 3 and all(p["message"] for p in prompts.params["prompts"])
    [greeting] = fake_slack.api.wait_for("chat.postMessage")
    assert greeting.params["thread_ts"] == thread_ts

    ask = payloads.message(QUESTION, channel="D7", thread_ts=thread_ts)
    fake_slack.api.add_message("D7", QUESTION, user="U1", thread_ts=thread_ts, ts=ask["event"]["ts"])
    fake_slack.socket.wait_ack(fake_slack.socket.send("events_api", ask))
    [status] = fake_slack.api.wait_for("assistant.threads.setStatus")
    assert status.params["status"] == "Searching the operating model…"
    assert status.params["thread_ts"] == thread_ts
    answer = fake_slack.api.wait_for("chat.postMessage", 2)[1]
    assert answer.params["thread_ts"] == thread_ts and answer.params["channel"] == "D7"
    assert status.at < answer.at
    assert stored_question(socket_bot, answer) == QUESTION

    # A follow-up in the panel is asked with the first question as history.
    follow = payloads.message("who issues them?", channel="D7", thread_ts=thread_ts)
    fake_slack.socket.wait_ack(fake_slack.socket.send("events_api", follow))
    follow_up = fake_slack.api.wait_for("chat.postMessage", 3)[2]
    expected = render_answer(bot_assistant.ask("who issues them?", [QUESTION]), answer_id=answer_id_of(follow_up))
    assert follow_up.params["blocks"] == expected.blocks
