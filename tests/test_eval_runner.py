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
    assert "dev product" in out and "dev baseline" in out and "hit@1" in out and "MISSED" not in out
    assert not (tmp / "user-index").exists(), "the eval must not touch the user's index"

    text = report.read_text()
    assert "| metric | product | baseline | product ÷ baseline |" in text
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
    for key in ("pairs", "hit_at_1", "hit_at_3", "hit_at_5", "mrr", "answer_correct", "citation_valid",
                "abstain_recall", "false_abstain", "followup_accuracy", "baseline_hit_at_1", "p50_ms", "p95_ms"):
        assert key in data, key
    assert data["baseline_hit_at_1"] is None, "same keys without the baseline, as null"
    assert (data["pairs"], data["conversations"], data["out_of_scope"]) == (5, 1, 1)
    assert set(data["splits"]) == {"dev"}
    assert "dev: hit_at_1" in captured.err


def test_a_split_with_no_pairs_is_a_clear_error(workspace, capsys):
    tmp, pairs, lenient, _ = workspace
    code = main(["eval", "--split", "test", "--pairs", str(pairs), "--thresholds", str(lenient),
                 "--report", str(tmp / "r.md")])
    assert code == 2
    assert "no pairs in the test split" in capsys.readouterr().err

