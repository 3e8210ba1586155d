"""/opmodel, the Share button and the feedback buttons, end to end over signed HTTP."""

from __future__ import annotations

import json
import sqlite3
import time

from bot.answers import AnswerStore
from bot.feedback import FeedbackStore
from slackfake import payloads
from slackfake.harness import SIGNING_SECRET, bot_assistant, fake_slack, http_bot, wait_for_comment  # noqa: F401 (fixtures)

QUESTION = "What is an NHS smartcard?"


def deliver(bot, payload):
    return payloads.deliver(bot.url, payload, SIGNING_SECRET)


def button(blocks, action_id):
    for block in blocks:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return element
    raise AssertionError(f"no {action_id} button in {blocks}")


def feedback_buttons(blocks):
    """The feedback_buttons element of an answer (Slack's own, in a context_actions block)."""
    [element] = [e for b in blocks if b["type"] == "context_actions" for e in b["elements"]]
    assert element["type"] == "feedback_buttons"
    return element


def ask_in_channel(bot, fake):
    deliver(bot, payloads.mention(QUESTION))
    [post] = fake.api.wait_for("chat.postMessage")
    return {"type": "message", "ts": fake.api.messages[-1]["ts"], "text": post.params["text"],
            "blocks": post.params["blocks"], "user": "UBOT", "bot_id": "BBOT"}


def test_slash_command_answers_privately_with_a_share_button(http_bot, fake_slack):
    command = payloads.slash_command(QUESTION, response_url=fake_slack.api.response_url("cmd1"))
    status, body, took = deliver(http_bot, command)
    assert status == 200 and took < 3.0
    [reply] = fake_slack.api.wait_for("response_url")
    assert reply.params["response_type"] == "ephemeral"
    assert "Smartcards issued by an approved NHS Registration Authority" in json.dumps(reply.params["blocks"])
    share = button(reply.params["blocks"], "share_answer")
    answer_id = json.loads(share["value"])["a"]
    assert QUESTION not in share["value"] and AnswerStore(http_bot.settings.feedback_db).recall(answer_id).question == QUESTION
    assert fake_slack.api.calls_to("chat.postMessage") == []  # nothing public yet

    click = payloads.button_click(share, response_url=fake_slack.api.response_url("cmd1"))
    assert deliver(http_bot, click)[0] == 200
    [shared] = fake_slack.api.wait_for("chat.postMessage")
    assert shared.params["channel"] == "C1"
    text = json.dumps(shared.params["blocks"], ensure_ascii=False)
    assert "<@U1> shared an answer" in text and "Smartcards issued" in text
    deleted = fake_slack.api.wait_for("response_url", 2)[1]
    assert deleted.params.get("delete_original") is True


def test_share_falls_back_to_the_response_url_when_the_bot_is_not_in_the_channel(http_bot, fake_slack):
    fake_slack.api.fail_next("chat.postMessage", error="not_in_channel")
    share = {"type": "button", "action_id": "share_answer", "value": json.dumps({"q": QUESTION})}
    deliver(http_bot, payloads.button_click(share, response_url=fake_slack.api.response_url("cmd2")))
    public = fake_slack.api.wait_for("response_url", where=lambda c: c.params.get("response_type") == "in_channel")
    assert "Smartcards issued" in json.dumps(public[0].params["blocks"])


def test_helpful_click_records_feedback_and_thanks_in_place(http_bot, fake_slack, bot_assistant):
    message = ask_in_channel(http_bot, fake_slack)
    helpful = payloads.feedback_click(feedback_buttons(message["blocks"]), positive=True, message=message, user="U7")
    status, _, took = deliver(http_bot, helpful)
    assert status == 200 and took < 3.0
    [update] = fake_slack.api.wait_for("chat.update")
    assert update.params["ts"] == message["ts"] and update.params["channel"] == "C1"
    blocks = update.params["blocks"]
    assert not [b for b in blocks if b["type"] in ("actions", "context_actions")], "the buttons are replaced"
    assert "Thanks" in json.dumps(blocks)
    assert "Smartcards issued" in json.dumps(blocks), "the answer itself stays"

    [row] = FeedbackStore(http_bot.settings.feedback_db).rows()
    assert row.rating == "helpful" and row.question == QUESTION and row.channel == "C1"
    assert bot_assistant.ask(QUESTION).text.splitlines()[0] in row.answer
    cited = [c.passage.id for c in bot_assistant.ask(QUESTION).citations]
    assert row.cited_ids == cited and len(row.cited_ids) >= 1
    assert "U7" not in row.user_hash and len(row.user_hash) == 64
    assert fake_slack.api.calls_to("views.open") == []

    # A double click is not counted twice.
    deliver(http_bot, helpful)
    time.sleep(0.5)
    assert len(FeedbackStore(http_bot.settings.feedback_db).rows()) == 1


def test_not_helpful_click_offers_an_optional_comment(http_bot, fake_slack):
    message = ask_in_channel(http_bot, fake_slack)
    click = payloads.feedback_click(feedback_buttons(message["blocks"]), positive=False, message=message)
    deliver(http_bot, click)
    [opened] = fake_slack.api.wait_for("views.open")
    assert opened.params["trigger_id"] == click["trigger_id"]
    view = opened.params["view"]
    assert view["blocks"][0]["optional"] is True
    fake_slack.api.wait_for("chat.update")

    submit = payloads.view_submission("feedback_comment", view["private_metadata"],
                                      {"comment": {"text": {"type": "plain_text_input", "value": "It missed the 2021 text"}}})
    status, body, _ = deliver(http_bot, submit)
    assert status == 200 and "errors" not in body
    wait_for_comment(http_bot.settings.feedback_db, int(view["private_metadata"]))
    [row] = FeedbackStore(http_bot.settings.feedback_db).rows()
    assert row.rating == "not_helpful" and row.comment == "It missed the 2021 text"


def test_a_comment_with_an_nhs_number_is_refused_and_not_stored(http_bot, fake_slack):
    message = ask_in_channel(http_bot, fake_slack)
    deliver(http_bot, payloads.feedback_click(feedback_buttons(message["blocks"]), positive=False, message=message))
    [opened] = fake_slack.api.wait_for("views.open")
    submit = payloads.view_submission("feedback_comment", opened.params["view"]["private_metadata"],
                                      {"comment": {"text": {"type": "plain_text_input", "value": "patient 943 476 5919"}}})
    status, body, _ = deliver(http_bot, submit)
    assert status == 200 and json.loads(body)["response_action"] == "errors"
    with sqlite3.connect(http_bot.settings.feedback_db) as conn:
        # The whole number, spaced or not: its last four digits alone turn up in timestamps by chance.
        stored = [str(v).replace(" ", "") for row in conn.execute("SELECT * FROM feedback") for v in row]
        assert not any("9434765919" in v for v in stored)


def test_feedback_on_a_private_answer_replaces_it_through_the_response_url(http_bot, fake_slack, bot_assistant):
    deliver(http_bot, payloads.slash_command(QUESTION, response_url=fake_slack.api.response_url("cmd3")))
    [reply] = fake_slack.api.wait_for("response_url")
    helpful = feedback_buttons(reply.params["blocks"])
    deliver(http_bot, payloads.feedback_click(helpful, positive=True, response_url=fake_slack.api.response_url("cmd3")))
    replaced = fake_slack.api.wait_for("response_url", 2)[1]
    assert replaced.params["replace_original"] is True
    assert "Thanks" in json.dumps(replaced.params["blocks"])
    button(replaced.params["blocks"], "share_answer")  # sharing is still possible
    [row] = FeedbackStore(http_bot.settings.feedback_db).rows()
    assert row.rating == "helpful" and row.answer == bot_assistant.ask(QUESTION).text


def test_feedback_on_a_message_the_bot_cannot_edit_is_thanked_through_the_response_url(http_bot, fake_slack):
    message = ask_in_channel(http_bot, fake_slack)
    fake_slack.api.fail_next("chat.update", error="cant_update_message")
    helpful = payloads.feedback_click(feedback_buttons(message["blocks"]), positive=True, message=message,
                                      response_url=fake_slack.api.response_url("m1"))
    deliver(http_bot, helpful)
    [replaced] = fake_slack.api.wait_for("response_url")
    assert replaced.params["replace_original"] is True and "Thanks" in json.dumps(replaced.params["blocks"])
    assert len(FeedbackStore(http_bot.settings.feedback_db).rows()) == 1


def test_where_slack_refuses_its_feedback_buttons_the_answer_comes_with_ordinary_ones(http_bot, fake_slack):
    fake_slack.api.refuse_block_type("context_actions")
    deliver(http_bot, payloads.mention(QUESTION))
    [post] = fake_slack.api.wait_for("chat.postMessage")
    assert [c.params["blocks"][-1]["type"] for c in fake_slack.api.calls_to("chat.postMessage", include_failed=True)] \
        == ["context_actions", "actions"], "tried with Slack's own buttons first"
    message = {"type": "message", "ts": fake_slack.api.messages[-1]["ts"], "text": post.params["text"],
               "blocks": post.params["blocks"], "user": "UBOT", "bot_id": "BBOT"}
    assert "Smartcards issued" in json.dumps(post.params["blocks"]), "the same answer"
    click = payloads.button_click(button(post.params["blocks"], "feedback_not_helpful"), message=message)
    deliver(http_bot, click)
    fake_slack.api.wait_for("views.open")
    [row] = FeedbackStore(http_bot.settings.feedback_db).rows()
    assert row.rating == "not_helpful" and row.question == QUESTION


def test_a_private_answer_falls_back_to_ordinary_buttons_through_the_response_url(http_bot, fake_slack):
    fake_slack.api.refuse_block_type("context_actions")
    deliver(http_bot, payloads.slash_command(QUESTION, response_url=fake_slack.api.response_url("cmd9")))
    [reply] = fake_slack.api.wait_for("response_url")
    assert reply.params["response_type"] == "ephemeral"
    button(reply.params["blocks"], "feedback_helpful")
    button(reply.params["blocks"], "share_answer")


def test_a_feedback_press_with_an_unknown_value_records_nothing(http_bot, fake_slack):
    message = ask_in_channel(http_bot, fake_slack)
    element = feedback_buttons(message["blocks"])
    forged = {**element, "positive_button": {**element["positive_button"],
                                             "value": json.dumps({"a": "x", "r": "brilliant"})}}
    deliver(http_bot, payloads.feedback_click(forged, positive=True, message=message,
                                              response_url=fake_slack.api.response_url("f1")))
    [reply] = fake_slack.api.wait_for("response_url")
    assert reply.params["response_type"] == "ephemeral"
    assert FeedbackStore(http_bot.settings.feedback_db).rows() == []
