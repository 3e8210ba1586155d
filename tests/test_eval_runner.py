"""`opmodel eval` end to end on a small corpus: real ingest, real Chroma, real Assistant, real baseline."""

import json
import shutil
from pathlib import Path

import pytest
import yaml

from opmodel.cli import main

ROOT = Path(__file__).resolve().parents[1]
GPSOC = "003_853fdf65414417db.txt"
LMC = "004_bfb0a29ec27b5f1a.txt"

PAIRS = [
    {"id": "lot2", "split": "dev", "category": "funding", "question": "Who pays for Lot 2 and Lot 3 products?",
     "evidence": ["Non essential Lot 2 and Lot 3 products will need to be procured and paid for locally by the CCG"],
     "key_facts": ["CCG"], "source": GPSOC},
    {"id": "website", "split": "dev", "category": "scope", "question": "Should our practice have its own website?",
     "evidence": ["We would encourage all practices to consider having their own website."],
     "key_facts": ["website"], "source": LMC},
    {"id": "conv", "split": "dev", "category": "history",
     "turns": ["When did the GPSoC framework expire?", "What replaced it?"],
     "evidence": ["It was relaced by the GP IT futures programme and framework."], "key_facts": [], "source": GPSOC},
    {"id": "oos", "split": "dev", "category": "out_of_scope", "question": "Who won the FA Cup last season?",
     "evidence": [], "key_facts": [], "source": None},
    # Deliberately unanswerable from its "evidence": makes a strict bar fail deterministically.
    {"id": "impossible", "split": "dev", "category": "definition", "question": "What's a good recipe for lasagne?",
     "evidence": ["Lot 1: GP clinical IT systems and subsidiary modules"], "key_facts": ["subsidiary modules"],
     "source": GPSOC},
]


@pytest.fixture()
def workspace(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in (GPSOC, LMC, "metadata.yaml"):
        shutil.copy(ROOT / "corpus" / name, corpus / name)
    monkeypatch.setenv("OPMODEL_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("OPMODEL_INDEX", str(tmp_path / "user-index"))
    pairs = tmp_path / "pairs.yaml"
    pairs.write_text(yaml.safe_dump(PAIRS, allow_unicode=True))
    lenient = tmp_path / "lenient.yaml"
    lenient.write_text("hit_at_1: {min: 0.0}\nfalse_abstain: {max: 1.0}\n")
    strict = tmp_path / "strict.yaml"
    strict.write_text("hit_at_1: {min: 1.0}\n")
    return tmp_path, pairs, lenient, strict


def test_eval_table_report_json_and_exit_codes(workspace, capsys):
    tmp, pairs, lenient, strict = workspace
    report = tmp / "out" / "report.md"

    code = main(["eval", "--pairs", str(pairs), "--thresholds", str(lenient), "--report", str(report)])
    out = capsys.readouterr().out
    assert code == 0
    assert "product/base" in out and "hit@1" in out and "lead correct" in out and "MISSED" not in out
    assert any(line.startswith("pairs") and " dev " in line for line in out.splitlines())
    assert not (tmp / "user-index").exists(), "the eval must not touch the user's index"

    text = report.read_text()
    assert "| metric | product | baseline | product ÷ baseline |" in text
    assert "| set | split | pairs | hit@1 |" in text
    rows = [line for line in text.splitlines() if line.startswith("| ") and "(dev, " in line]
    assert len(rows) == 5
    passing = [row.startswith("| pass |") for row in rows]
    assert passing == sorted(passing), "failures come first"
    assert any("impossible" in row and not row.startswith("| pass |") for row in rows)

    code = main(["eval", "--json", "--no-baseline", "--pairs", str(pairs), "--thresholds", str(strict),
                 "--report", str(report)])
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert code == 1 and data["passed"] is False
    for key in ("pairs", "hit_at_1", "hit_at_3", "hit_at_5", "mrr", "lead_correct", "answer_correct", "citation_valid",
                "abstain_recall", "false_abstain", "followup_accuracy", "baseline_hit_at_1", "p50_ms", "p95_ms"):
        assert key in data, key
    assert data["baseline_hit_at_1"] is None, "same keys without the baseline, as null"
    assert (data["pairs"], data["conversations"], data["out_of_scope"]) == (5, 1, 1)
    assert set(data["splits"]) == {"dev"} and "lead_correct" in data["splits"]["dev"]
    assert "lead_correct" in data["by_category"]["funding"]
    assert set(data["sets"]) == {"pairs"}, "--pairs FILE is one set, named after the file"
    assert data["sets"]["pairs"]["hit_at_1"] == data["hit_at_1"]
    assert "pairs dev: hit_at_1" in captured.err


def test_a_split_with_no_pairs_is_a_clear_error(workspace, capsys):
    tmp, pairs, lenient, _ = workspace
    code = main(["eval", "--split", "test", "--pairs", str(pairs), "--thresholds", str(lenient),
                 "--report", str(tmp / "r.md")])
    assert code == 2
    assert "no pairs in the test split" in capsys.readouterr().err


# -- several sets side by side -----------------------------------------------------------

PDF_PAIRS = [
    {"id": "pdf-phones", "split": "dev", "category": "funding", "question": "Who pays the running costs of our phones?",
     "evidence": ["the running costs stay with the practice"], "key_facts": ["practice"], "source": "model.pdf"},
    {"id": "pdf-printers", "split": "test", "category": "funding", "question": "Who pays for printers?",
     "evidence": ["Printers are paid for by the practice."], "key_facts": [], "source": "faq.md"},
    {"id": "pdf-oos", "split": "test", "category": "out_of_scope", "question": "Who won the FA Cup last season?",
     "evidence": [], "key_facts": [], "source": None},
]


def test_every_set_runs_side_by_side_and_only_sets_with_floors_gate(workspace, capsys):
    from test_eval_textmatch import corpus_with_pdf

    tmp, pairs, _, _ = workspace
    corpus_with_pdf(tmp / "sets" / "pdfdocs")
    (tmp / "sets" / "pdf_a.yaml").write_text(yaml.safe_dump(PDF_PAIRS[:1]))
    (tmp / "sets" / "pdf_b.yaml").write_text(yaml.safe_dump(PDF_PAIRS[1:]))
    shutil.copy(pairs, tmp / "sets" / "small.yaml")
    registry = tmp / "sets" / "sets.yaml"
    registry.write_text(
        "sets:\n"
        "  - {name: small, corpus: configured, pairs: [small.yaml]}\n"
        "  - {name: again, corpus: configured, pairs: [small.yaml]}\n"
        "  - {name: pdf, corpus: pdfdocs, pairs: ['pdf_*.yaml']}\n"
    )
    # small is gated (it has a floor) and misses a bar on dev; pdf has no floor yet: reported only.
    thresholds = tmp / "sets" / "thresholds.yaml"
    thresholds.write_text(
        "bars:\n  hit_at_1: {min: 1.0}\n"
        "sets:\n  small:\n    held_back_floor:\n      hit_at_1: {min: 0.5}\n  pdf:\n    held_back_floor: {}\n"
    )
    report = tmp / "r.md"
    code = main(["eval", "--json", "--sets", str(registry), "--thresholds", str(thresholds), "--report", str(report)])
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert code == 1
    assert list(data["sets"]) == ["small", "again", "pdf"]
    pdf = data["sets"]["pdf"]
    assert pdf["gated"] is False and pdf["misses"] == [] and pdf["pairs"] == 3
    assert set(pdf["splits"]) == {"dev", "test"}
    assert pdf["citation_valid"] == 1.0, "citations from the PDF are checked against its extracted text"
    assert pdf["baseline_hit_at_3"] is not None and "lead_correct" in pdf["splits"]["test"]
    assert data["sets"]["small"]["gated"] is True and data["sets"]["small"]["misses"]
    assert data["sets"]["again"]["gated"] is False, "a set with no floor of its own and no default floor is not gated"
    assert data["pairs"] == 5 + 5 + 3, "top level: every pair run"
    assert data["misses"] and all(m.startswith("small ") for m in data["misses"])
    shared = data["sets"]["small"]["index"]
    assert shared == data["sets"]["again"]["index"] and "pdfdocs" in pdf["index"]

    code = main(["eval", "--set", "pdf", "--sets", str(registry), "--thresholds", str(thresholds),
                 "--report", str(report)])
    out = capsys.readouterr().out
    assert code == 0, "an ungated set never fails the run"
    rows = [line for line in out.splitlines() if line.startswith("pdf ")]
    assert [row.split()[1] for row in rows] == ["dev", "test"]
    assert all("reported" in row and "/" in row for row in rows)
    assert "| pdf | dev |" in report.read_text() and "# Set: pdf" in report.read_text()


def test_an_unknown_set_is_a_usage_error(workspace, capsys):
    tmp, *_ = workspace
    code = main(["eval", "--set", "nosuch", "--report", str(tmp / "r.md")])
    assert code == 2
    assert "no evaluation set 'nosuch'" in capsys.readouterr().err

