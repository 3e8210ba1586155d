"""The agent view (Slack's agent messaging experience), through the real app over HTTP: opening
the Messages tab greets the user with suggested prompts; context changes are acknowledged."""

from __future__ import annotations

import json

from bot.replies import EXAMPLE_QUESTIONS
from slackfake import payloads
from slackfake.harness import SIGNING_SECRET, bot_assistant, fake_slack, http_bot  # noqa: F401 (fixtures)
from test_bot_http import settle


def deliver(bot, payload, **kwargs):
    return payloads.deliver(bot.url, payload, SIGNING_SECRET, **kwargs)


def test_opening_the_messages_tab_sets_the_example_prompts_and_greets_once(http_bot, fake_slack):
    status, _, took = deliver(http_bot, payloads.app_home_opened(channel="D5"))
    assert status == 200 and took < 3.0
    [prompts] = fake_slack.api.wait_for("assistant.threads.setSuggestedPrompts")
    assert prompts.params["channel_id"] == "D5"
    assert "thread_ts" not in prompts.params, "an agent app's prompts belong to the DM, not a thread"
    assert [p["message"] for p in prompts.params["prompts"]] == list(EXAMPLE_QUESTIONS)
    assert all(p["title"] for p in prompts.params["prompts"])
    [greeting] = fake_slack.api.wait_for("chat.postMessage")
    assert greeting.params["channel"] == "D5" and "thread_ts" not in greeting.params
    assert greeting.params["text"] and greeting.params["blocks"]
    assert "metadata" not in greeting.params

    # Reopening the tab refreshes the prompts without another hello.
    assert deliver(http_bot, payloads.app_home_opened(channel="D5"))[0] == 200
    fake_slack.api.wait_for("assistant.threads.setSuggestedPrompts", 2)
    settle()
    assert len(fake_slack.api.calls_to("chat.postMessage")) == 1


def test_the_home_tab_and_a_redelivery_get_nothing(http_bot, fake_slack):
    assert deliver(http_bot, payloads.app_home_opened(tab="home"))[0] == 200
    opened = payloads.app_home_opened(channel="D6")
    assert deliver(http_bot, opened)[0] == 200
    assert deliver(http_bot, opened, retry_num=1)[0] == 200
    fake_slack.api.wait_for("chat.postMessage")
    settle()
    assert len(fake_slack.api.calls_to("assistant.threads.setSuggestedPrompts")) == 1
    assert [c.params["channel"] for c in fake_slack.api.calls_to("chat.postMessage")] == ["D6"]


def test_a_failed_greeting_is_logged_and_the_next_open_tries_again(http_bot, fake_slack):
    fake_slack.api.fail_next("assistant.threads.setSuggestedPrompts", error="channel_not_found")
    assert deliver(http_bot, payloads.app_home_opened(channel="D8"))[0] == 200
    settle()
    assert fake_slack.api.calls_to("chat.postMessage") == []
    assert deliver(http_bot, payloads.app_home_opened(channel="D8"))[0] == 200
    [greeting] = fake_slack.api.wait_for("chat.postMessage")
    assert greeting.params["channel"] == "D8"


def test_a_context_change_is_acknowledged_and_nothing_is_posted(http_bot, fake_slack):
    status, _, took = deliver(http_bot, payloads.app_context_changed(viewing="C42"))
    assert status == 200 and took < 3.0
    settle()
    assert [c.method for c in fake_slack.api.calls if c.method != "auth.test"] == []
    assert "C42" not in json.dumps([c.params for c in fake_slack.api.calls])


QUESTION = "Who pays for the practice phone system?"


def test_a_mention_shows_the_searching_status_in_its_thread_before_the_answer(http_bot, fake_slack):
    body = payloads.mention(QUESTION, channel="C3")
    assert deliver(http_bot, body)[0] == 200
    [status] = fake_slack.api.wait_for("assistant.threads.setStatus")
    assert status.params["channel_id"] == "C3" and status.params["thread_ts"] == body["event"]["ts"]
    assert status.params["status"] == "Searching the operating model…"
    [answer] = fake_slack.api.wait_for("chat.postMessage")
    assert status.at < answer.at and answer.params["thread_ts"] == body["event"]["ts"]
    assert fake_slack.api.calls_to("assistant.threads.setTitle") == [], "a channel thread keeps its own title"


def test_a_question_in_an_agent_thread_titles_the_thread_once(http_bot, fake_slack):
    thread_ts = fake_slack.api.add_message("D4", QUESTION, user="U1")
    first = payloads.message(QUESTION, channel="D4", thread_ts=thread_ts)
    assert deliver(http_bot, first)[0] == 200
    [title] = fake_slack.api.wait_for("assistant.threads.setTitle")
    assert title.params == {**title.params, "channel_id": "D4", "thread_ts": thread_ts, "title": QUESTION}
    fake_slack.api.wait_for("chat.postMessage")
    assert deliver(http_bot, payloads.message("and who funds the lines?", channel="D4", thread_ts=thread_ts))[0] == 200
    fake_slack.api.wait_for("chat.postMessage", 2)
    assert len(fake_slack.api.calls_to("assistant.threads.setTitle")) == 1


def test_a_long_question_gets_a_short_title_and_a_refused_status_still_answers(http_bot, fake_slack):
    long_question = "Who pays for the practice phone system " + "and the lines and the handsets " * 6 + "?"
    fake_slack.api.fail_next("assistant.threads.setStatus", error="channel_not_found")
    thread_ts = fake_slack.api.add_message("D2", long_question, user="U1")
    assert deliver(http_bot, payloads.message(long_question, channel="D2", thread_ts=thread_ts))[0] == 200
    [title] = fake_slack.api.wait_for("assistant.threads.setTitle")
    assert len(title.params["title"]) <= 80 and title.params["title"].endswith("…")
    [answer] = fake_slack.api.wait_for("chat.postMessage")
    assert answer.params.get("metadata"), "answered, not an apology"


def test_a_question_with_an_nhs_number_gets_no_status_and_no_title(http_bot, fake_slack):
    thread_ts = fake_slack.api.add_message("D3", "x", user="U1")
    asked = "Who pays for the phones for patient 943 476 5919?"
    assert deliver(http_bot, payloads.message(asked, channel="D3", thread_ts=thread_ts))[0] == 200
    [refusal] = fake_slack.api.wait_for("chat.postMessage")
    assert "NHS number" in refusal.params["text"]
    settle()
    assert fake_slack.api.calls_to("assistant.threads.setTitle") == []
    assert fake_slack.api.calls_to("assistant.threads.setStatus") == []
    assert "943" not in json.dumps([c.params for c in fake_slack.api.calls if c.method != "conversations.replies"])
