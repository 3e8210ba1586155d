"""The real Slack bot with OPMODEL_LLM: the summary block above the quoted answer, posted to the
fake Slack; a question holding an NHS number never reaches the (fake) model vendor."""

from __future__ import annotations

import json
import re
import time

import pytest

from answer.grounded import Summariser
from answer.grounded_engine import GroundedAssistant
from openai_fake import FakeOpenAI, structured
from opmodel.settings import Settings
from slackfake import payloads
from slackfake.harness import SIGNING_SECRET, bot_assistant, bot_settings, fake_slack, start_http_bot  # noqa: F401

QUESTION = "What is an NHS smartcard?"


def quote_passage_one(body: dict):
    text = re.search(r"\[1\] \([^\n]*\)\n(.+?)\n", body["messages"][-1]["content"]).group(1)
    return structured([{"text": "A smartcard is what staff log in with.", "support": [{"passage": 1, "words": " ".join(text.split()[:6])}]}])


@pytest.fixture
def llm_bot(bot_assistant, fake_slack, tmp_path):
    with FakeOpenAI() as vendor:
        vendor.respond = quote_passage_one
        settings = Settings(llm="openai:fake-slack", llm_base_url=vendor.base_url, llm_timeout=2.0)
        bot, stop = start_http_bot(GroundedAssistant(bot_assistant, Summariser(settings)), bot_settings(fake_slack, tmp_path))
        yield bot, vendor
        stop()


def test_the_answer_opens_with_the_summary_then_the_quotes_and_buttons(llm_bot, fake_slack):
    bot, vendor = llm_bot
    assert payloads.deliver(bot.url, payloads.mention(QUESTION), SIGNING_SECRET)[0] == 200
    [post] = fake_slack.api.wait_for("chat.postMessage")
    blocks = post.params["blocks"]
    summary = blocks[0]["text"]["text"]
    assert summary.startswith("*Summary*") and "openai:fake-slack" in summary
    assert "A smartcard is what staff log in with. [1]" in summary
    assert "Smartcards issued by an approved NHS Registration Authority" in json.dumps(blocks[1:])
    assert blocks[-1]["type"] == "context_actions"  # the feedback buttons close the answer
    assert post.params["text"].startswith("Summary: A smartcard is what staff log in with.")
    assert any(QUESTION in prompt for prompt in vendor.prompts())


def test_an_nhs_number_never_reaches_the_model(llm_bot, fake_slack):
    bot, vendor = llm_bot
    payloads.deliver(bot.url, payloads.mention("Is 943 476 5919 registered for a smartcard?"), SIGNING_SECRET)
    [post] = fake_slack.api.wait_for("chat.postMessage")
    assert "NHS number" in json.dumps(post.params)
    time.sleep(0.5)
    assert vendor.requests == []
