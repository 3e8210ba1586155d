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
