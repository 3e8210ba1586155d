"""`opmodel eval --llm` against a fake OpenAI-compatible vendor on 127.0.0.1, through the real
LangChain client: the model is named, summaries, spans and fallbacks are counted, declines are
never sent."""

from __future__ import annotations

import json
import re

import yaml

from answer_support import REPO
from eval.pairs import load_pairs
from opmodel.cli import main
from openai_fake import FakeOpenAI, Reply, structured


def first_passage_words(body: dict) -> Reply:
    """Quote the first six words of passage [1] for one sentence, and invent one for another."""
    prompt = body["messages"][-1]["content"]
    text = re.search(r"\[1\] \([^\n]*\)\n(.+?)\n", prompt).group(1)
    return structured([
        {"text": "This is what the first passage says.", "support": [{"passage": 1, "words": " ".join(text.split()[:6])}]},
        {"text": "An invented claim.", "support": [{"passage": 1, "words": "words found in no passage at all"}]},
    ])


def test_eval_llm_names_the_model_and_counts_what_was_verified(tmp_path, monkeypatch, capsys):
    shipped = yaml.safe_load((REPO / "eval" / "pairs.yaml").read_text(encoding="utf-8"))
    chosen = [p for p in shipped if p["category"] != "out_of_scope"][:2] + \
        [next(p for p in shipped if p["category"] == "out_of_scope")]
    pairs_file = tmp_path / "few.yaml"
    pairs_file.write_text(yaml.safe_dump(chosen), encoding="utf-8")
    assert len(load_pairs(pairs_file)) == 3
    with FakeOpenAI() as vendor:
        vendor.script = [Reply("{malformed")]  # the first call fails; the rest are answered
        vendor.respond = first_passage_words
        monkeypatch.setenv("OPMODEL_LLM", "openai:fake-eval")
        monkeypatch.setenv("OPMODEL_LLM_BASE_URL", vendor.base_url)
        monkeypatch.setenv("OPMODEL_CORPUS_DIR", str(REPO / "corpus"))
        report = tmp_path / "llm.md"
        assert main(["eval", "--llm", "--pairs", str(pairs_file), "--json", "--report", str(report)]) == 0
        requests = len(vendor.requests)
    data = json.loads(capsys.readouterr().out)
    assert data["model"] == "openai:fake-eval"
    assert data["pairs"] == 3 and data["model_calls"] == requests == data["answered_by_core"]
    assert data["fallbacks"] == {"malformed output": 1}
    assert data["summaries_kept"] == requests - 1
    assert data["verified_span_rate"] == 0.5  # one span of two verified in every well-formed reply
    assert data["p50_ms"] > 0
    assert "# opmodel eval --llm: openai:fake-eval" in report.read_text(encoding="utf-8")
