"""Answers are not silently lost: Slack's 5xx and retryable errors are retried, a post that may
have gone through is never followed by an apology, and an unusable bot database does not stop
the answering. The real Bolt app over HTTP against the fake Slack; real SQLite files."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import time

import pytest

from slackfake import payloads
from slackfake.harness import SIGNING_SECRET, bot_assistant, bot_settings, fake_slack, http_bot, start_http_bot  # noqa: F401

QUESTION = "What is an NHS smartcard?"


def deliver(bot, payload):
    return payloads.deliver(bot.url, payload, SIGNING_SECRET)


def apologies(fake_slack):
    return [c for c in fake_slack.api.calls_to("chat.postMessage") if "Sorry" in c.params.get("text", "")]


def test_slack_5xx_and_internal_error_are_retried_until_the_answer_is_posted(http_bot, fake_slack):
    fake_slack.api.fail_next("chat.postMessage", status=500, error="internal_error")
    fake_slack.api.fail_next("chat.postMessage", status=200, error="internal_error")
    fake_slack.api.fail_next("chat.postMessage", status=503, error="service_unavailable")
    deliver(http_bot, payloads.mention(QUESTION))
    [post] = fake_slack.api.wait_for("chat.postMessage")
    attempts = fake_slack.api.calls_to("chat.postMessage", include_failed=True)
    assert [a.ok for a in attempts] == [False, False, False, True]
    assert attempts[1].at - attempts[0].at >= 0.4, "with backoff, not at once"
    assert post.params.get("metadata") and not apologies(fake_slack)


def test_many_users_all_get_answers_through_a_flaky_slack(http_bot, fake_slack):
    for _ in range(6):
        fake_slack.api.fail_next("chat.postMessage", status=200, error="internal_error")
    for user in range(10):
        deliver(http_bot, payloads.mention(QUESTION, user=f"U{100 + user}"))
    posts = fake_slack.api.wait_for("chat.postMessage", 10, timeout=40)
    assert len(posts) == 10 and all(p.params.get("metadata") for p in posts) and not apologies(fake_slack)


def test_a_post_slower_than_the_client_timeout_is_not_followed_by_an_apology(bot_assistant, fake_slack, tmp_path, caplog):
    from bot.app import web_client

    settings = bot_settings(fake_slack, tmp_path)
    bot, stop = start_http_bot(bot_assistant, settings, client=web_client(settings, timeout=1))
    try:
        fake_slack.api.delay_next("chat.postMessage", 2.0)  # Slack posts it, but answers after our timeout
        deliver(bot, payloads.mention(QUESTION))
        deadline = time.monotonic() + 10
        while "may have failed" not in caplog.text and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.5)  # room for a wrong apology to arrive
    finally:
        stop()
    [post] = fake_slack.api.calls_to("chat.postMessage")
    assert post.params.get("metadata"), "the one message in the thread is the answer"
    assert "may have failed" in caplog.text and "no apology sent" in caplog.text


def test_an_answer_slack_refuses_outright_gets_an_apology(http_bot, fake_slack):
    # Refused with Slack's feedback buttons and again with ordinary ones (bot.delivery.post_message).
    fake_slack.api.fail_next("chat.postMessage", error="invalid_blocks")
    fake_slack.api.fail_next("chat.postMessage", error="invalid_blocks")
    deliver(http_bot, payloads.mention(QUESTION))
    [post] = fake_slack.api.wait_for("chat.postMessage")
    assert "Sorry" in post.params["text"] and "reference" in post.params["text"]
    assert len(fake_slack.api.calls_to("chat.postMessage", include_failed=True)) == 3


@pytest.fixture
def unusable_database(tmp_path):
    """A bot database that is not a database (a disk error, a wrong path): SQLite refuses it."""
    path = tmp_path / "feedback.sqlite3"
    path.write_bytes(b"this is not a database\n" * 200)
    return path


def test_answers_and_dedupe_go_on_in_memory_when_the_database_is_unusable(bot_assistant, fake_slack, tmp_path,
                                                                          unusable_database, caplog):
    caplog.set_level(logging.ERROR)
    settings = bot_settings(fake_slack, tmp_path, feedback_db=unusable_database)
    bot, stop = start_http_bot(bot_assistant, settings)
    try:
        body = payloads.mention(QUESTION)
        deliver(bot, body)
        payloads.deliver(bot.url, body, SIGNING_SECRET, retry_num=1)  # Slack delivering it again
        [post] = fake_slack.api.wait_for("chat.postMessage")
        time.sleep(1.0)
        assert len(fake_slack.api.calls_to("chat.postMessage")) == 1, "a redelivery is still answered once"
        assert post.params.get("metadata") and not apologies(fake_slack)

        # The buttons still work from memory: Share finds the question.
        [lead] = [b for b in post.params["blocks"] if b.get("accessory")]
        share = {"type": "button", "action_id": "share_answer", "value": lead["accessory"]["value"]}
        deliver(bot, payloads.button_click(share, response_url=fake_slack.api.response_url("m1")))
        shared = fake_slack.api.wait_for("chat.postMessage", 2)[1]
        assert "shared an answer" in json.dumps(shared.params["blocks"])
    finally:
        stop()
    assert "keeping it in memory" in caplog.text
    assert QUESTION not in caplog.text


def _mount_tiny_tmpfs(where) -> bool:
    where.mkdir()
    if os.geteuid() != 0:
        return False
    return subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(where)],
                          capture_output=True).returncode == 0


def test_a_full_disk_under_the_database_does_not_stop_answers(bot_assistant, fake_slack, tmp_path, caplog):
    disk = tmp_path / "tiny-disk"
    if not _mount_tiny_tmpfs(disk):
        pytest.skip("needs root to mount a small tmpfs")
    try:
        settings = bot_settings(fake_slack, tmp_path, feedback_db=disk / "feedback.sqlite3")
        bot, stop = start_http_bot(bot_assistant, settings)
        try:
            fd = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT)
            try:  # fill the disk to the last block
                while os.write(fd, b"\0" * 4096):
                    pass
            except OSError:
                pass
            finally:
                os.close(fd)
            for user in ("U1", "U2", "U3"):
                deliver(bot, payloads.mention(f"{QUESTION} ({user})", user=user))
            posts = fake_slack.api.wait_for("chat.postMessage", 3)
            assert all(p.params.get("metadata") for p in posts) and not apologies(fake_slack)
        finally:
            stop()
    finally:
        subprocess.run(["umount", str(disk)], capture_output=True)
    assert "keeping it in memory" in caplog.text


def test_user_ids_are_hashed_with_a_key_kept_outside_the_database(tmp_path):
    from bot.feedback import FeedbackStore
    from bot.pseudonyms import key_path_for

    database = tmp_path / "feedback.sqlite3"
    store = FeedbackStore(database)
    store.record(rating="helpful", question="What is HSCN?", answer="HSCN is ...", cited_ids=[], channel="C1",
                 user_id="U7")
    key = key_path_for(database)
    assert key.exists() and oct(key.stat().st_mode & 0o777) == "0o600"
    assert key.read_text().strip() not in database.read_bytes().decode("latin-1")
    [row] = FeedbackStore(database).rows()
    assert row.user_hash == FeedbackStore(database).user_hash("U7"), "the same key on every open"
    assert row.user_hash != FeedbackStore(tmp_path / "other.sqlite3").user_hash("U7")
    assert FeedbackStore(database, key="a-key-from-a-secret-store-0123456789").user_hash("U7") != row.user_hash
