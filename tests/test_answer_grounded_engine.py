"""OPMODEL_LLM end to end: the real corpus index, the real answering core, the real LangChain
client and a fake vendor on 127.0.0.1; the summary in the terminal, JSON and Slack; the guards
that keep questions from reaching a model; nothing imported or sent when it is unset."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from answer.engine import Assistant, make_assistant
from answer.grounded_engine import GroundedAssistant
from answer.render import render_answer
from answer_support import REPO, corpus_index_dir  # noqa: F401  (fixture)
from bot.blocks import render_answer as slack_answer
from opmodel.errors import ConfigError
from opmodel.index import open_index
from opmodel.patient_data import PatientDataError
from opmodel.settings import Settings
from openai_fake import FakeOpenAI, structured

QUESTION = "Who pays for the practice phone system?"
LLM_PACKAGES = ("langchain", "langchain_openai", "langchain_ollama", "openai", "ollama")


@pytest.fixture
def vendor():
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture(scope="module")
def plain(corpus_index_dir):
    return Assistant.from_settings(Settings(index_dir=corpus_index_dir))


def grounded(index_dir, vendor, **overrides) -> GroundedAssistant:
    settings = Settings(index_dir=index_dir, llm="openai:fake-mini", llm_base_url=vendor.base_url,
                        llm_timeout=2.0, **overrides)
    # Opened as `ask` and the bot open it (never creating one): the same reader as ``plain``'s, so the
    # core's answer, scores and all, can be compared exactly.
    assistant = make_assistant(open_index(settings, create=False), settings)
    assert isinstance(assistant, GroundedAssistant)
    return assistant


def words_of(passage_text: str, count: int = 6) -> str:
    return " ".join(passage_text.split()[:count])


def test_a_verified_summary_is_shown_above_the_quotes_in_terminal_json_and_slack(corpus_index_dir, plain, vendor):
    quoted = plain.ask(QUESTION)
    assert not quoted.abstained
    lead = quoted.citations[0]
    span = words_of(lead.passage.text)
    vendor.script = [structured([{"text": "The practice pays for its phones.", "support": [{"passage": lead.n, "words": span}]}])]
    answer = grounded(corpus_index_dir, vendor).ask(QUESTION)

    assert answer.text == quoted.text and answer.citations == quoted.citations  # the core's answer, unchanged
    [sentence] = answer.summary.sentences
    assert sentence.markers == (lead.n,) and sentence.quotes[0].text in lead.passage.text

    shown = render_answer(answer, cols=100)
    assert shown.index("Summary by openai:fake-mini") < shown.index(quoted.text.splitlines()[0][:40]) < shown.index("Sources:")
    assert f"The practice pays for its phones. [{lead.n}]" in shown

    data = answer.to_json()
    assert data["summary"]["model"] == "openai:fake-mini"
    assert data["summary"]["sentences"][0]["citations"] == [lead.n]
    assert data["answer"] == quoted.text

    message = slack_answer(answer, answer_id="a1")
    first = message.blocks[0]["text"]["text"]
    assert first.startswith("*Summary*") and "openai:fake-mini" in first and "The practice pays for its phones." in first
    assert message.text.startswith("Summary: The practice pays for its phones.")
    assert any(b.get("accessory", {}).get("action_id") == "show_passages" for b in message.blocks)  # as today after it


def test_a_hallucinated_span_leaves_the_answer_exactly_as_without_a_model(corpus_index_dir, plain, vendor):
    vendor.script = [structured([{"text": "NHS England pays for every phone.",
                                  "support": [{"passage": 1, "words": "NHS England pays for every practice phone"}]}])]
    answer = grounded(corpus_index_dir, vendor).ask(QUESTION)
    assert answer.summary is None
    assert render_answer(answer, cols=100) == render_answer(plain.ask(QUESTION), cols=100)
    assert "summary" not in answer.to_json()


def test_a_declined_question_never_reaches_the_model(corpus_index_dir, vendor):
    answer = grounded(corpus_index_dir, vendor).ask("What dose of amoxicillin should a child get?")
    assert answer.abstained and answer.summary is None
    assert vendor.requests == []


@pytest.mark.parametrize("question, history", [
    (f"Who pays for the phone of patient 943 476 5919?", ()),
    ("and who funds it?", ("Is 943-476-5919 registered here?",)),
])
def test_a_question_with_an_nhs_number_never_reaches_the_model(corpus_index_dir, vendor, question, history):
    with pytest.raises(PatientDataError):
        grounded(corpus_index_dir, vendor).ask(question, list(history))
    assert vendor.requests == []


@pytest.mark.parametrize("base_url", ["http://8.8.8.8:11434/v1", "https://models.example.invalid/v1"])
def test_local_only_refuses_a_public_or_unresolvable_endpoint(corpus_index_dir, base_url):
    settings = Settings(index_dir=corpus_index_dir, llm="openai:fake", llm_base_url=base_url, llm_local_only=True)
    with pytest.raises(ConfigError, match="OPMODEL_LLM_LOCAL_ONLY"):
        make_assistant(open_index(settings), settings)


def test_local_only_refuses_a_vendors_own_endpoint(corpus_index_dir):
    settings = Settings(index_dir=corpus_index_dir, llm="openai:gpt-4o-mini", llm_local_only=True)
    with pytest.raises(ConfigError, match="OPMODEL_LLM_BASE_URL is not"):
        make_assistant(open_index(settings), settings)


def test_local_only_allows_this_machine(corpus_index_dir, vendor):
    span = "the ICB must be consulted"
    vendor.script = [structured([{"text": "x", "support": [{"passage": 1, "words": span}]}])]
    grounded(corpus_index_dir, vendor, llm_local_only=True).ask(QUESTION)
    assert len(vendor.requests) == 1


def test_unset_nothing_is_imported_or_sent(corpus_index_dir):
    script = f"""
import json, sys
from answer.cli import _print_answer
from answer.engine import Assistant
from opmodel.settings import Settings
answer = Assistant.from_settings(Settings(index_dir={str(corpus_index_dir)!r})).ask({QUESTION!r})
_print_answer(answer, True)
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in {LLM_PACKAGES!r})))
"""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPMODEL_LLM")}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, env=env, timeout=180)
    assert done.returncode == 0, done.stderr
    answer_line, modules_line = done.stdout.strip().splitlines()[-2:]
    assert "summary" not in json.loads(answer_line)
    assert json.loads(modules_line) == []


def test_a_bad_model_setting_is_named():
    with pytest.raises(ConfigError, match="OPMODEL_LLM: expected provider:model"):
        Settings(llm="gpt-4o-mini")
    with pytest.raises(ConfigError, match="OPMODEL_LLM_TIMEOUT"):
        Settings(llm_timeout=0)
    assert "sk-secret" not in repr(Settings(llm_api_key="sk-secret"))
