"""The model summary through the real LangChain client (ChatOpenAI from init_chat_model) against
a fake OpenAI-compatible vendor on 127.0.0.1: every case ends in verified sentences or in the
quoted answer alone, never in a sentence no span bears out."""

from __future__ import annotations

import logging

import pytest

from answer.grounded import Summariser
from answer.types import Answer, Citation
from opmodel.passage import Passage
from opmodel.settings import Settings
from openai_fake import FakeOpenAI, Reply, status, structured

PHONES = Passage(source="phones.txt", ordinal=0, title="Telephony guide", status="current", published="2024-02",
                 text="Each practice stays accountable for its “own” telephone system and meets its running costs.\n"
                      "The ICB may  advise on procurement.")
DESKS = Passage(source="desks.txt", ordinal=3, title="Equipment note", status="superseded", published="2019",
                text="Desktop computers in surgeries are bought by the commissioner on a five year cycle.")


@pytest.fixture
def answer() -> Answer:
    return Answer(question="Who pays for the practice telephone system?",
                  text="“Each practice stays accountable for its “own” telephone system and meets its running costs.” [1]",
                  abstained=False, citations=[Citation(1, PHONES, 0.9), Citation(2, DESKS, 0.4)])


@pytest.fixture
def vendor():
    with FakeOpenAI() as fake:
        yield fake


def summariser(vendor: FakeOpenAI, **overrides) -> Summariser:
    settings = {"llm": "openai:fake-mini", "llm_base_url": vendor.base_url, "llm_timeout": 2.0, **overrides}
    return Summariser(Settings(**settings))


GOOD = {"text": "Your practice pays for its phone system [1].",
        "support": [{"passage": 1, "words": "stays accountable for its \"own\" telephone system"}]}


def test_a_verified_sentence_becomes_the_summary_with_the_passages_own_words(vendor, answer):
    vendor.script = [structured([GOOD])]
    outcome = summariser(vendor).summarise(answer)
    assert outcome.fallback is None and outcome.called
    [sentence] = outcome.summary.sentences
    assert sentence.text == "Your practice pays for its phone system."  # the model's markers are ours to add
    assert sentence.markers == (1,)
    assert sentence.quotes[0].text == "stays accountable for its “own” telephone system"  # as the passage has it
    assert outcome.summary.model == "openai:fake-mini"
    assert (outcome.spans_offered, outcome.spans_verified) == (1, 1)
    # What LangChain sent: our question and numbered passages, asking for the schema.
    [request] = vendor.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["body"]["model"] == "fake-mini"
    assert request["body"]["response_format"]["type"] == "json_schema"
    sent = "\n".join(vendor.prompts())
    assert "Who pays for the practice telephone system?" in sent and "[2] (Equipment note; 2019; superseded)" in sent


def test_whitespace_across_a_line_break_is_folded_but_words_are_not(vendor, answer):
    vendor.script = [structured([
        {"text": "The ICB can advise.", "support": [{"passage": 1, "words": "running costs. The ICB may advise on"}]},
        {"text": "The ICB must buy it.", "support": [{"passage": 1, "words": "The ICB must advise on procurement"}]},
    ])]
    outcome = summariser(vendor).summarise(answer)
    assert [s.text for s in outcome.summary.sentences] == ["The ICB can advise."]
    assert outcome.summary.sentences[0].quotes[0].text == "running costs.\nThe ICB may  advise on"


@pytest.mark.parametrize("bad_support", [
    [{"passage": 1, "words": "the practice must replace handsets every year"}],  # an invented quote
    [{"passage": 2, "words": "stays accountable for its own telephone system"}],  # the wrong passage
    [{"passage": 7, "words": "stays accountable for its own telephone system"}],  # a passage never given
    [{"passage": 1, "words": "telephone system"}],  # too short to prove anything
    [{"passage": 1, "words": "Each practice stays … running costs"}],  # an ellipsis is not a quote
    [],  # a claim with no quote at all
])
def test_a_sentence_without_a_verified_span_is_dropped(vendor, answer, bad_support):
    vendor.script = [structured([GOOD, {"text": "Handsets are replaced yearly by the ICB.", "support": bad_support}])]
    outcome = summariser(vendor).summarise(answer)
    assert [s.text for s in outcome.summary.sentences] == ["Your practice pays for its phone system."]
    assert outcome.spans_verified == 1


def test_all_sentences_dropped_gives_the_quoted_answer_alone(vendor, answer, caplog):
    vendor.script = [structured([{"text": "The ICB pays.", "support": [{"passage": 1, "words": "the ICB pays for all phones"}]}])]
    with caplog.at_level(logging.WARNING, logger="opmodel.llm"):
        outcome = summariser(vendor).summarise(answer)
    assert outcome.summary is None
    assert "no sentence had a verified quote (0 of 1 spans verified)" in outcome.fallback
    assert "the quoted answer is given alone" in caplog.text and "Traceback" not in caplog.text


def test_only_two_sentences_are_kept_and_one_holding_several_is_not(vendor, answer):
    many = {"text": "It pays. The ICB advises.", "support": GOOD["support"]}
    vendor.script = [structured([many, GOOD, GOOD, GOOD])]
    outcome = summariser(vendor).summarise(answer)
    assert len(outcome.summary.sentences) == 1  # the first held two sentences; the fourth is past the limit


@pytest.mark.parametrize("reply, reason", [
    (Reply("{not json at all"), "malformed output"),
    (Reply('{"sentences": "the practice"}'), "malformed output"),
    (Reply(""), "malformed output"),
    (status(500), "the endpoint answered HTTP 500"),
    (status(401), "the endpoint answered HTTP 401"),
])
def test_malformed_output_and_errors_give_the_quoted_answer(vendor, answer, reply, reason, caplog):
    vendor.script = [reply]  # then the fake answers 500 to anything more
    with caplog.at_level(logging.WARNING, logger="opmodel.llm"):
        outcome = summariser(vendor).summarise(answer)
    assert outcome.summary is None and outcome.fallback.startswith(reason)
    assert "Traceback" not in caplog.text


def test_a_500_then_a_good_reply_is_verified_text(vendor, answer):
    vendor.script = [status(500), structured([GOOD])]
    outcome = summariser(vendor).summarise(answer)
    assert outcome.fallback is None and outcome.summary.sentences[0].quotes


def test_a_429_is_retried_once_and_the_second_answer_used(vendor, answer):
    vendor.script = [status(429, retry_after="0"), structured([GOOD])]
    outcome = summariser(vendor).summarise(answer)
    assert outcome.fallback is None and len(vendor.requests) == 2


def test_a_429_twice_gives_the_quoted_answer(vendor, answer):
    vendor.script = [status(429, retry_after="0"), status(429, retry_after="0"), structured([GOOD])]
    outcome = summariser(vendor).summarise(answer)
    assert outcome.summary is None and outcome.fallback == "rate-limited (HTTP 429)"
    assert len(vendor.requests) == 2


def test_a_slow_model_times_out_into_the_quoted_answer(vendor, answer):
    vendor.script = [Reply(structured([GOOD]).content, delay=3.0)]
    outcome = summariser(vendor, llm_timeout=0.5).summarise(answer)
    assert outcome.summary is None and outcome.fallback == "no reply within 0.5 s"
    assert outcome.elapsed_ms < 2500  # not retried: a timeout has used the budget


def test_an_unreachable_endpoint_gives_the_quoted_answer(answer):
    with FakeOpenAI() as gone:
        url = gone.base_url
    outcome = Summariser(Settings(llm="openai:fake", llm_base_url=url, llm_timeout=1.0)).summarise(answer)
    assert outcome.summary is None and outcome.fallback == "the endpoint could not be reached"


def test_the_model_is_never_called_for_a_declined_answer(vendor, answer):
    answer.abstained, answer.reason = True, "weak_evidence"
    outcome = summariser(vendor).summarise(answer)
    assert outcome.summary is None and not outcome.called and vendor.requests == []


def test_tool_calling_structured_output_is_verified_the_same_way(vendor, answer):
    from langchain.chat_models import init_chat_model

    from answer.grounded import Reply as Schema

    model = init_chat_model("openai:fake-mini", base_url=vendor.base_url, api_key="none", timeout=2, max_retries=0)

    class ToolCalling:  # the method gateways without json_schema support are used with
        def with_structured_output(self, schema):
            return model.with_structured_output(schema, method="function_calling")

    vendor.script = [structured([GOOD])]
    outcome = Summariser(Settings(llm="openai:fake-mini"), model=ToolCalling()).summarise(answer)
    assert vendor.requests[0]["body"]["tools"][0]["function"]["name"] == Schema.__name__
    assert outcome.summary.sentences[0].markers == (1,)


def test_a_model_that_finds_no_answer_gives_the_quoted_answer(vendor, answer):
    vendor.script = [structured([])]
    outcome = summariser(vendor).summarise(answer)
    assert outcome.summary is None and outcome.fallback.startswith("the model gave no sentence")
