"""Patient data through the real Bolt app over signed HTTP, on every surface: a question
holding an NHS number (however written) is refused with a request to delete it, and is
never echoed to Slack, stored in the bot's database, logged, or put in buttons/metadata."""

from __future__ import annotations

import json
import logging
import sqlite3

import pytest

from slackfake import payloads
from slackfake.harness import SIGNING_SECRET, bot_assistant, fake_slack, http_bot  # noqa: F401 (fixtures)

DIGITS = "9434765919"
# A few of the forms tests/test_patient_data.py covers exhaustively, as Slack would deliver them.
FORMS = {
    "en dash": "943\u2013476\u20135919",
    "word joiner": "943\u2060476\u20605919",
    "brackets": "(943) 476 5919",
    "underscore": "943_476_5919",
    "link target": "<https://records.example/943-476-5919|this record>",
    "link label": "<https://records.example/lookup|943 476 5919>",
}


def deliver(bot, payload):
    return payloads.deliver(bot.url, payload, SIGNING_SECRET)


def assert_refused_and_never_echoed(post, fake_slack, bot, caplog):
    shown = json.dumps(post.params, ensure_ascii=False)
    assert "NHS number" in shown and "delete" in shown
    assert "metadata" not in post.params and "actions" not in json.dumps(post.params.get("blocks"))
    everything = json.dumps([c.params for c in fake_slack.api.calls if c.method != "conversations.replies"],
                            ensure_ascii=False)
    for leak in (DIGITS, "5919", "smartcard"):
        assert leak not in everything, f"{leak!r} was sent to Slack"
        assert leak not in caplog.text, f"{leak!r} was logged"
    with sqlite3.connect(bot.settings.feedback_db) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        stored = [str(v) for t in tables for row in conn.execute(f"SELECT * FROM {t}") for v in row]
    assert not any("smartcard" in v or "5919" in v.replace(" ", "") for v in stored), "it was stored"


@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS.keys())
def test_a_mention_with_an_nhs_number_is_refused(http_bot, fake_slack, caplog, form):
    caplog.set_level(logging.DEBUG)
    deliver(http_bot, payloads.mention(f"does patient {form} need a smartcard?"))
    [post] = fake_slack.api.wait_for("chat.postMessage")
    assert_refused_and_never_echoed(post, fake_slack, http_bot, caplog)


def test_a_direct_message_and_a_panel_thread_message_are_refused(http_bot, fake_slack, caplog):
    caplog.set_level(logging.DEBUG)
    deliver(http_bot, payloads.message(f"patient {FORMS['en dash']} smartcard", channel="D2"))
    deliver(http_bot, payloads.message(f"patient {FORMS['word joiner']} smartcard", channel="D3",
                                       thread_ts=payloads.new_ts()))
    posts = fake_slack.api.wait_for("chat.postMessage", 2)
    assert {p.params["channel"] for p in posts} == {"D2", "D3"}
    for post in posts:
        assert_refused_and_never_echoed(post, fake_slack, http_bot, caplog)


def test_the_slash_command_refuses_privately(http_bot, fake_slack, caplog):
    caplog.set_level(logging.DEBUG)
    deliver(http_bot, payloads.slash_command(f"smartcard for {FORMS['brackets']}",
                                             response_url=fake_slack.api.response_url("s1")))
    [reply] = fake_slack.api.wait_for("response_url")
    assert reply.params["response_type"] == "ephemeral"
    assert_refused_and_never_echoed(reply, fake_slack, http_bot, caplog)


def test_an_old_share_or_feedback_button_holding_an_nhs_number_is_never_shared_or_stored(http_bot, fake_slack, caplog):
    caplog.set_level(logging.DEBUG)
    # Buttons posted before questions moved out of button values carried the question itself.
    value = json.dumps({"q": f"patient {FORMS['underscore']} smartcard", "c": []})
    share = {"type": "button", "action_id": "share_answer", "value": value}
    helpful = {"type": "button", "action_id": "feedback_helpful", "value": value}
    deliver(http_bot, payloads.button_click(share, response_url=fake_slack.api.response_url("b1")))
    deliver(http_bot, payloads.button_click(helpful, response_url=fake_slack.api.response_url("b2")))
    replies = fake_slack.api.wait_for("response_url", 2)
    assert fake_slack.api.calls_to("chat.postMessage") == [], "nothing was shared in the channel"
    for reply in replies:
        assert reply.params["response_type"] == "ephemeral" and "ask again" in reply.params["text"]
    everything = json.dumps([c.params for c in fake_slack.api.calls], ensure_ascii=False)
    assert "5919" not in everything and "5919" not in caplog.text
    with sqlite3.connect(http_bot.settings.feedback_db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM feedback").fetchone()[0] == 0


def test_a_comment_with_an_nhs_number_in_any_form_is_refused(http_bot, fake_slack):
    deliver(http_bot, payloads.mention("What is an NHS smartcard?"))
    [post] = fake_slack.api.wait_for("chat.postMessage")
    message = {"type": "message", "ts": fake_slack.api.messages[-1]["ts"], "text": post.params["text"],
               "blocks": post.params["blocks"], "user": "UBOT", "bot_id": "BBOT"}
    [actions] = [b for b in post.params["blocks"] if b["type"] == "context_actions"]
    deliver(http_bot, payloads.feedback_click(actions["elements"][0], positive=False, message=message))
    [opened] = fake_slack.api.wait_for("views.open")
    for form in (FORMS["en dash"], "943\u00ad476\u00ad5919", "943:476:5919"):
        submit = payloads.view_submission("feedback_comment", opened.params["view"]["private_metadata"],
                                          {"comment": {"text": {"type": "plain_text_input", "value": f"patient {form}"}}})
        status, body, _ = deliver(http_bot, submit)
        assert status == 200 and json.loads(body)["response_action"] == "errors"
    with sqlite3.connect(http_bot.settings.feedback_db) as conn:
        assert conn.execute("SELECT comment FROM feedback").fetchall() == [(None,)]


def test_a_follow_up_never_takes_an_nhs_number_from_a_link_earlier_in_the_thread(http_bot, fake_slack):
    parent = payloads.mention(f"what about {FORMS['link target']}")
    fake_slack.api.add_message("C1", parent["event"]["text"], user="U1", ts=parent["event"]["ts"])
    deliver(http_bot, payloads.mention("What is an NHS smartcard?", thread_ts=parent["event"]["ts"]))
    [post] = fake_slack.api.wait_for("chat.postMessage")
    assert post.params.get("metadata"), "the follow-up itself is answered"
    with sqlite3.connect(http_bot.settings.feedback_db) as conn:
        assert conn.execute("SELECT question FROM answers").fetchall() == [("What is an NHS smartcard?",)]


def test_thread_history_skips_a_question_whose_link_carries_an_nhs_number(fake_slack, tmp_path):
    from slack_sdk import WebClient

    from bot.answers import AnswerStore
    from bot.history import thread_questions

    root = fake_slack.api.add_message("D1", "What is HSCN?", user="U1")
    fake_slack.api.add_message("D1", f"and {FORMS['link target']}?", user="U1", thread_ts=root)
    fake_slack.api.add_message("D1", f"and {FORMS['link label']}?", user="U1", thread_ts=root)
    client = WebClient(token="xoxb-test-token", base_url=fake_slack.api.api_url)
    asked = thread_questions(client, channel="D1", thread_ts=root, before_ts="9999999999.0", bot_user_id="UBOT",
                             direct=True, answers=AnswerStore(tmp_path / "answers.sqlite3"))
    assert asked == ["What is HSCN?"]
