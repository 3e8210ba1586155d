"""The fitted scorer: the fit ranks what holds the evidence first, its threshold declines every
out-of-scope question, and a weights file that does not match the features is a clear error."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from answer import tune
from answer.features import FEATURES
from answer.scorer import Scorer, WeightsError

N = len(FEATURES)
GOOD = FEATURES.index("quote_coverage")
NEAR = FEATURES.index("question_nearest")


def _example(i: int, answerable: bool, rng) -> tune.Example:
    rows = rng.normal(0.0, 0.1, size=(6, N))
    rows[:, NEAR] = 0.8 if answerable else 0.2  # what every row of one question shares
    labels = np.zeros(6)
    if answerable:
        rows[2, GOOD] += 1.0  # the candidate holding the evidence covers the question best
        labels[2] = 1.0
    return tune.Example("synthetic", f"q{i}", answerable, rows, labels)


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.default_rng(7)
    examples = [_example(i, i % 4 != 0, rng) for i in range(80)]
    tune.STEPS, steps = 400, tune.STEPS
    try:
        mean, scale, weights, bias = tune.fit(examples)
    finally:
        tune.STEPS = steps
    probe = Scorer(FEATURES, mean, scale, weights, bias, 0.0, 0.8)
    threshold = max(probe.probabilities(e.rows).max() for e in examples if not e.answerable) + 1e-4
    return Scorer(FEATURES, mean, scale, weights, bias, float(threshold), 0.8), examples


def test_the_fit_ranks_the_evidence_first_and_declines_every_out_of_scope_question(fitted):
    scorer, examples = fitted
    figures = tune.evaluate(scorer, examples)["all"]
    assert figures["lead_correct"] >= 0.95 and figures["out_of_scope_declined"] == 1.0
    assert figures["false_declines"] <= 0.05


def test_weights_round_trip_through_their_file(fitted, tmp_path):
    scorer, examples = fitted
    path = tmp_path / "weights.json"
    path.write_text(json.dumps(scorer.to_json({"note": "test"})))
    again = Scorer.load(path)
    rows = examples[1].rows
    assert np.allclose(again.probabilities(rows), scorer.probabilities(rows), atol=1e-5)
    assert again.threshold == pytest.approx(scorer.threshold, abs=1e-6)


def test_weights_for_other_features_or_damaged_files_say_to_run_tune(tmp_path):
    data = Scorer(FEATURES, np.zeros(N), np.ones(N), np.zeros(N), 0.0, 0.5, 0.8).to_json()
    data["features"] = data["features"][:-1]
    data["weights"] = data["weights"][:-1]
    (tmp_path / "old.json").write_text(json.dumps(data))
    with pytest.raises(WeightsError, match="opmodel tune"):
        Scorer.load(tmp_path / "old.json")
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(WeightsError, match="damaged"):
        Scorer.load(tmp_path / "bad.json")
    with pytest.raises(WeightsError, match="no weights file"):
        Scorer.load(tmp_path / "missing.json")


@pytest.mark.parametrize("threshold, share, message", [(1.5, 0.8, "threshold"), (0.5, 0.0, "second_share")])
def test_a_scorer_names_its_bad_setting(threshold, share, message):
    with pytest.raises(WeightsError, match=message):
        Scorer(FEATURES, np.zeros(N), np.ones(N), np.zeros(N), 0.0, threshold, share)


def test_the_shipped_weights_match_the_features():
    scorer = Scorer.load()
    assert scorer.features == FEATURES and 0.0 < scorer.threshold < 1.0


def _record_fits(monkeypatch, key) -> dict:
    """Quick fits (300 steps) that record, per scorer made, ``key`` of each example it was fitted on."""
    seen_by = {}
    real_fitted = tune.fitted

    def recording(train, version=""):
        scorer = real_fitted(train, version)
        seen_by[id(scorer)] = {key(e) for e in train}
        return scorer

    monkeypatch.setattr(tune, "STEPS", 300)
    monkeypatch.setattr(tune, "fitted", recording)
    return seen_by


def test_cross_validation_scores_each_question_once_by_a_fit_that_never_saw_it(monkeypatch):
    rng = np.random.default_rng(11)
    examples = [_example(i, i % 4 != 0, rng) for i in range(60)]
    seen_by = _record_fits(monkeypatch, lambda e: e.pair_id)
    scored = []
    monkeypatch.setattr(tune, "_figures_by_set", lambda held: scored.extend(held) or {})
    tune.cross_validate(examples, folds=3)
    assert sorted(e.pair_id for _, e in scored) == sorted(e.pair_id for e in examples)
    assert all(e.pair_id not in seen_by[id(s)] for s, e in scored)


def test_cross_validated_figures_hold_on_a_learnable_problem():
    rng = np.random.default_rng(12)
    examples = [_example(i, i % 4 != 0, rng) for i in range(80)]
    tune.STEPS, steps = 300, tune.STEPS
    try:
        figures = tune.cross_validate(examples, folds=4)["all"]
    finally:
        tune.STEPS = steps
    assert figures["questions"] == 80 and figures["lead_correct"] >= 0.9


def test_cross_validation_needs_two_folds():
    with pytest.raises(ValueError, match="folds must be at least 2, got 1"):
        tune.cross_validate([], folds=1)


def test_by_corpus_scores_each_corpus_by_a_fit_on_the_other_corpora_only(monkeypatch):
    rng = np.random.default_rng(13)
    examples = [replace(_example(i, i % 4 != 0, rng), set_name=f"corpus{i % 3}") for i in range(60)]
    seen_by = _record_fits(monkeypatch, lambda e: e.set_name)
    figures = tune.by_corpus(examples)
    assert set(figures) == {"all", "corpus0", "corpus1", "corpus2"}
    assert figures["all"]["questions"] == 60 and "ranked_first" in figures["all"]
    assert all(len(names) == 2 for names in seen_by.values())
    assert tune.by_corpus([e for e in examples if e.set_name == "corpus0"]) == {}
