"""Real conditions: patient data, oversized questions, floods, Slack's 429s and our own failures."""

from __future__ import annotations

import json
import logging
import sqlite3
import time

import pytest

from bot.guard import Verdict, check_question
from opmodel.patient_data import contains_nhs_number, is_valid_nhs_number
from bot.ratelimit import RateLimiter
from slackfake import payloads
from slackfake.harness import (  # noqa: F401 (fixtures)
    SIGNING_SECRET, bot_assistant, bot_settings, fake_slack, http_bot, start_http_bot, stored_question,
)

NHS_NUMBER = "943 476 5919"  # the NHS Data Dictionary's example; passes Modulus 11


def deliver(bot, payload, **kwargs):
    return payloads.deliver(bot.url, payload, SIGNING_SECRET, **kwargs)


def all_text(calls) -> str:
    return json.dumps([c.params for c in calls], ensure_ascii=False)


@pytest.mark.parametrize("text", ["943 476 5919", "9434765919", "943-476-5919", "NHS no. 401 023 2137 please"])
def test_nhs_numbers_are_recognised_however_grouped(text):
    assert contains_nhs_number(text)
    assert check_question(f"what about {text}") is Verdict.PATIENT_DATA


@pytest.mark.parametrize("text", ["943 476 5918", "call 01632 960 001", "94347659190", "the 2021-2023 model", "1234567890"])
def test_numbers_failing_modulus_11_are_not_nhs_numbers(text):
    assert not contains_nhs_number(text)


def test_modulus_11_check_digit_of_10_is_never_valid():
    # 050000000x: weighted sum 5 * 9 = 45, remainder 1, so the check digit would be 10: no valid x.
    assert not any(is_valid_nhs_number(f"050000000{d}") for d in range(10))
    assert is_valid_nhs_number("9434765919")


def test_question_with_an_nhs_number_is_not_answered_stored_or_logged(http_bot, fake_slack, caplog):
    caplog.set_level(logging.DEBUG)
    body = payloads.mention(f"does patient {NHS_NUMBER} need a smartcard?")
    deliver(http_bot, body)
    [post] = fake_slack.api.wait_for("chat.postMessage")
    assert post.params["thread_ts"] == body["event"]["ts"]
    shown = json.dumps(post.params["blocks"], ensure_ascii=False)
    assert "NHS number" in shown and "delete" in shown
    assert "metadata" not in post.params, "nothing about the question is kept, even in Slack metadata"
    assert not [b for b in post.params["blocks"] if b["type"] in ("actions", "context_actions")], \
        "no feedback buttons to store it"

    digits = NHS_NUMBER.replace(" ", "")
    assert NHS_NUMBER not in all_text(fake_slack.api.calls) and digits not in all_text(fake_slack.api.calls)
    assert NHS_NUMBER not in caplog.text and digits not in caplog.text and "smartcard?" not in caplog.text
    with sqlite3.connect(http_bot.settings.feedback_db) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            assert not any("5919" in str(v) for row in conn.execute(f"SELECT * FROM {table}") for v in row)


def test_a_follow_up_never_carries_an_earlier_nhs_number_into_the_core(http_bot, fake_slack):
    parent = payloads.mention(f"patient {NHS_NUMBER} smartcard")
    fake_slack.api.add_message("C1", parent["event"]["text"], user="U1", ts=parent["event"]["ts"])
    deliver(http_bot, payloads.mention("What is an NHS smartcard?", thread_ts=parent["event"]["ts"]))
    [post] = fake_slack.api.wait_for("chat.postMessage")
    assert stored_question(http_bot, post) == "What is an NHS smartcard?"
    assert "5919" not in all_text([post])


def test_questions_are_never_logged_in_full_at_info(http_bot, fake_slack, caplog):
    caplog.set_level(logging.INFO)
    question = "Who is responsible for cyber security incident reporting in the practice?"
    deliver(http_bot, payloads.mention(question))
    fake_slack.api.wait_for("chat.postMessage")
    deadline = time.monotonic() + 5
    while "answered len=" not in caplog.text and time.monotonic() < deadline:  # logged just after posting
        time.sleep(0.05)
    assert "answered len=" in caplog.text
    assert question not in caplog.text and "cyber security" not in caplog.text


def test_an_over_long_question_gets_a_clear_message(http_bot, fake_slack, bot_assistant):
    deliver(http_bot, payloads.mention("Who pays for IT? " * 150))
    [post] = fake_slack.api.wait_for("chat.postMessage")
    assert "2,000" in post.params["text"] and "characters" in post.params["text"]


def test_a_flooding_user_is_slowed_with_a_friendly_message(bot_assistant, fake_slack, tmp_path):
    bot, stop = start_http_bot(bot_assistant, bot_settings(fake_slack, tmp_path), limiter=RateLimiter(per_minute=2, burst=2))
    try:
        for _ in range(3):
            deliver(bot, payloads.mention("What is an NHS smartcard?", user="U5"))
        deliver(bot, payloads.mention("What is an NHS smartcard?", user="U6"))  # someone else is unaffected
        posts = fake_slack.api.wait_for("chat.postMessage", 4)
    finally:
        stop()
    slowed = [p for p in posts if "try again in about" in p.params["text"]]
    assert len(slowed) == 1
    assert sum(1 for p in posts if p.params.get("metadata")) == 3


def test_slack_429_is_retried_after_retry_after(http_bot, fake_slack):
    fake_slack.api.fail_next("chat.postMessage", status=429, error="ratelimited", retry_after=1)
    deliver(http_bot, payloads.mention("What is an NHS smartcard?"))
    [post] = fake_slack.api.wait_for("chat.postMessage")
    attempts = fake_slack.api.calls_to("chat.postMessage", include_failed=True)
    assert len(attempts) == 2 and not attempts[0].ok
    assert attempts[1].at - attempts[0].at >= 0.9
    assert post.params.get("metadata")


def test_an_internal_error_gives_an_apology_with_a_reference_and_no_trace(fake_slack, tmp_path, caplog):
    from answer.engine import Assistant
    from opmodel.index import open_index

    settings = bot_settings(fake_slack, tmp_path)
    unbuilt = Assistant(open_index(settings), settings)  # a real core over an index never ingested
    bot, stop = start_http_bot(unbuilt, settings)
    try:
        deliver(bot, payloads.mention("What is an NHS smartcard?"))
        [post] = fake_slack.api.wait_for("chat.postMessage")
    finally:
        stop()
    text = post.params["text"] + json.dumps(post.params["blocks"])
    assert "Sorry" in text and "reference" in text
    for leak in ("Traceback", "IndexMissingError", "opmodel ingest", str(tmp_path), ".py"):
        assert leak not in text
    reference = text.split("reference ")[1][:8]
    assert f"reference {reference}" in caplog.text and "Traceback" in caplog.text


def test_a_failing_feedback_click_gets_an_apology_not_silence(fake_slack, tmp_path):
    from answer.engine import Assistant
    from opmodel.index import open_index

    settings = bot_settings(fake_slack, tmp_path)
    bot, stop = start_http_bot(Assistant(open_index(settings), settings), settings)
    helpful = {"type": "button", "action_id": "feedback_helpful", "value": json.dumps({"q": "What is HSCN?", "c": []})}
    try:
        deliver(bot, payloads.button_click(helpful, response_url=fake_slack.api.response_url("fb")))
        [reply] = fake_slack.api.wait_for("response_url")
    finally:
        stop()
    assert "Sorry" in reply.params["text"] and "reference" in reply.params["text"]
    assert reply.params["response_type"] == "ephemeral"
