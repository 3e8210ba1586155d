"""`opmodel tune`: fit the scorer's weights on the dev splits and write answer/weights.json.

Every dev pair of every evaluation set is asked through the same path `ask` takes
(`Assistant.candidates`); a candidate is labelled positive when it holds one of the pair's
evidence quotes (the `lead_correct` criterion). One linear model is fitted to two objectives
at once: a softmax loss over each answerable question's candidates (so the right one ranks
first), and a small logistic loss on every candidate (so its probability reads as one).
The probability threshold is then the lowest that declines every out-of-scope dev question the
hard gates leave to it; it is reported for comparison, and the answerer declines by its question
checks instead (answer/scored_engine.py).

The mix is chosen by leaving one corpus out (`by_corpus` in the report): a fit on the other
corpora ranks the held-out one's candidates, which is what a user's new documents are. Session 9
measured it (shipped, Wrenmoor and Tarnbridge dev, right candidate ranked first, mean of the three
held-out corpora, each fitted on the other two): today's mix 0.61; the session 8 mix (L2 0.005,
listwise 0.5, out-of-scope weight 128, made for the threshold) 0.58. Weighting out-of-scope questions heavily bought a
threshold that, with a third corpus, declined 31% of answerable questions, at the cost of ranking.
Test splits are never read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from answer.features import FEATURES
from answer.scorer import DEFAULT_WEIGHTS, Scorer

L2 = 0.2  # on standardised features: keeps rare features (a dev set of a few hundred questions) from running away
LISTWISE_SHARE = 0.99  # the ranking loss next to the per-candidate one
STEPS, RATE = 3000, 0.05
THRESHOLD_MARGIN = 1e-4  # over the best out-of-scope question's probability
FOLDS = 5  # cross-validation folds for the report's figures on unseen dev questions
SECOND_SHARE = 0.8  # a second quote must score this share of the lead's probability
OUT_OF_SCOPE_WEIGHT = 0.01  # an out-of-scope question against an answerable one, in the per-candidate loss


@dataclass
class Example:
    set_name: str
    pair_id: str
    answerable: bool
    rows: np.ndarray
    labels: np.ndarray  # 1 where the candidate holds an evidence quote
    gated: bool = False  # declined by a hard gate (answer/engine.py) whatever the scorer says
    question: str = ""
    texts: tuple[str, ...] = ()  # the candidates' text, for reading a fit's mistakes


def _holds(candidate: str, evidence) -> bool:
    from eval.textmatch import normalise_loose

    text = normalise_loose(candidate)
    return any(normalise_loose(e) in text for e in evidence)


def collect(sets, progress: bool = True) -> list[Example]:
    """Candidates and labels of every dev pair of each (name, corpus_dir, pairs) set."""
    from tqdm import tqdm

    from answer.scored_engine import ScoredAssistant as Assistant
    from eval.runner import build_fresh_index
    from opmodel.embedding import default_embedder

    embedder = default_embedder()
    placeholder = Scorer(FEATURES, np.zeros(len(FEATURES)), np.ones(len(FEATURES)), np.zeros(len(FEATURES)), 0.0, 0.5, 1.0)
    examples = []
    for name, corpus_dir, pairs in sets:
        with tempfile.TemporaryDirectory(prefix="opmodel-tune-") as tmp:
            index, settings, _ = build_fresh_index(Path(corpus_dir), Path(tmp), embedder)
            assistant = Assistant(index, settings, scorer=placeholder)
            for pair in tqdm(pairs, desc=name, unit="q", file=sys.stderr, disable=not progress, leave=False):
                found = assistant.candidates(pair.question, pair.history)
                hits = found.retrieval.hits
                texts = [c.text(hits[c.passage_rank].passage.text) for c in found.pool]
                labels = np.array([pair.answerable and _holds(t, pair.evidence) for t in texts], dtype=np.float64)
                examples.append(Example(name, pair.id, pair.answerable, found.rows, labels, bool(found.unknowable),
                                        pair.question, tuple(texts)))
    return examples


def fit(examples: list[Example]) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Feature mean and scale, weights and bias of the joint pointwise + listwise fit."""
    used = [e for e in examples if len(e.rows)]
    allrows = np.vstack([e.rows for e in used])
    mean = allrows.mean(axis=0)
    scale = allrows.std(axis=0)
    scale[scale < 1e-9] = 1.0
    x = (allrows - mean) / scale
    # Each question weighs the same; within it, its positives and its negatives weigh half each.
    ws = []
    for e in used:
        pos = e.labels.sum()
        neg = len(e.labels) - pos
        ws.append(np.where(e.labels > 0, 0.5 / max(pos, 1), 0.5 / max(neg, 1)) * (OUT_OF_SCOPE_WEIGHT if not e.answerable else 1.0))
    w = np.concatenate(ws) / len(used)
    y = np.concatenate([e.labels for e in used])
    question = np.concatenate([np.full(len(e.rows), i) for i, e in enumerate(used)])  # each row's question
    n = len(used)
    positives = np.bincount(question, weights=y, minlength=n)
    ranked = (positives > 0)[question]  # rows of questions with a right candidate to rank first
    target = np.where(ranked, y / np.maximum(positives[question], 1e-12), 0.0)
    listwise = LISTWISE_SHARE / max(int((positives > 0).sum()), 1)
    theta = np.zeros(x.shape[1] + 1)
    m, v = np.zeros_like(theta), np.zeros_like(theta)
    for step in range(1, STEPS + 1):
        z = x @ theta[:-1] + theta[-1]
        g_z = w * (1.0 / (1.0 + np.exp(-z)) - y)
        # softmax over each question's candidates, towards its positives
        top = np.full(n, -np.inf)
        np.maximum.at(top, question, z)
        ez = np.exp(z - top[question])
        soft = ez / np.bincount(question, weights=ez, minlength=n)[question]
        g_z += np.where(ranked, listwise * (soft - target), 0.0)
        grad = np.append(x.T @ g_z + L2 * theta[:-1], g_z.sum())
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad ** 2
        theta -= RATE * (m / (1 - 0.9 ** step)) / (np.sqrt(v / (1 - 0.999 ** step)) + 1e-8)
    return mean, scale, theta[:-1], float(theta[-1])


def fitted(examples: list[Example], version: str = "") -> Scorer:
    """The scorer fitted on ``examples``, its threshold declining every out-of-scope one the hard
    gates leave to it."""
    mean, scale, weights, bias = fit(examples)
    scorer = Scorer(FEATURES, mean, scale, weights, bias, 0.0, SECOND_SHARE)
    oos_best = [float(scorer.probabilities(e.rows).max()) for e in examples
                if not e.answerable and not e.gated and len(e.rows)]
    threshold = min(1.0, max(oos_best, default=0.0) + THRESHOLD_MARGIN)
    return Scorer(FEATURES, mean, scale, weights, bias, threshold, SECOND_SHARE, version=version)


def cross_validate(examples: list[Example], folds: int = FOLDS, seed: int = 0) -> dict:
    """Dev figures of questions the fit never saw: each fold is scored by a scorer fitted on the
    others. The fit report's own figures are on the questions it was fitted to; these say how
    it does on new ones, which is what a change to the features should be judged by."""
    if folds < 2:
        raise ValueError(f"folds must be at least 2, got {folds}")
    order = np.random.default_rng(seed).permutation(len(examples))
    held: list[tuple[Scorer, Example]] = []
    for k in range(folds):
        out = set(order[k::folds].tolist())
        scorer = fitted([e for i, e in enumerate(examples) if i not in out])
        held += [(scorer, examples[i]) for i in sorted(out)]
    return _figures_by_set(held)


def by_corpus(examples: list[Example]) -> dict:
    """Each corpus's dev figures from a fit on the other corpora only: how the scorer does on
    documents it never saw, as a user's own documents are. Sets asked over one corpus (shipped,
    fresh, probes) are one corpus here. Empty when there is only one corpus."""
    corpora = list(dict.fromkeys(e.set_name for e in examples))
    if len(corpora) < 2:
        return {}
    held: list[tuple[Scorer, Example]] = []
    for name in corpora:
        scorer = fitted([e for e in examples if e.set_name != name])
        held += [(scorer, e) for e in examples if e.set_name == name]
    return _figures_by_set(held)


def evaluate(scorer: Scorer, examples: list[Example]) -> dict:
    """Dev figures of a scorer: lead correct, false declines, out-of-scope declined, per set."""
    return _figures_by_set([(scorer, e) for e in examples])


def _figures_by_set(scored: list[tuple[Scorer, Example]]) -> dict:
    def figures(group: list[tuple[Scorer, Example]]) -> dict:
        answerable = [(s, e) for s, e in group if e.answerable]
        oos = [(s, e) for s, e in group if not e.answerable]
        lead_ok = declined_ok = answered_wrong = false_declines = ranked_first = 0
        for scorer, e in answerable:
            p = scorer.probabilities(e.rows)
            first_right = bool(p.size) and bool(e.labels[int(np.argmax(p))])
            ranked_first += first_right
            if e.gated or not p.size or p.max() < scorer.threshold:
                false_declines += 1
            elif first_right:
                lead_ok += 1
            else:
                answered_wrong += 1
        for scorer, e in oos:
            p = scorer.probabilities(e.rows)
            declined_ok += e.gated or not p.size or p.max() < scorer.threshold
        reachable = sum(bool(e.labels.any()) for _, e in answerable)
        return {
            "questions": len(group), "answerable": len(answerable), "out_of_scope": len(oos),
            "lead_correct": round(lead_ok / max(len(answerable), 1), 3),
            "ranked_first": round(ranked_first / max(len(answerable), 1), 3),
            "answer_in_candidates": round(reachable / max(len(answerable), 1), 3),
            "false_declines": round(false_declines / max(len(answerable), 1), 3),
            "wrong_leads": answered_wrong,
            "out_of_scope_declined": round(declined_ok / max(len(oos), 1), 3) if oos else None,
        }

    out = {"all": figures(scored)}
    for name in dict.fromkeys(e.set_name for _, e in scored):
        out[name] = figures([(s, e) for s, e in scored if e.set_name == name])
    return out


def tune(sets, path: Path = DEFAULT_WEIGHTS, progress: bool = True, folds: int = FOLDS) -> dict:
    examples = collect(sets, progress)
    fingerprint = hashlib.sha256(json.dumps([e.pair_id for e in examples]).encode()).hexdigest()[:12]
    scorer = fitted(examples, version=f"{dt.date.today().isoformat()}-{fingerprint}")
    report = {
        "fitted_on": {name: sum(e.set_name == name for e in examples) for name in dict.fromkeys(e.set_name for e in examples)},
        "dev": evaluate(scorer, examples),
        **({f"dev_{folds}_fold": cross_validate(examples, folds)} if folds else {}),
        **({"by_corpus": corpora} if folds and (corpora := by_corpus(examples)) else {}),
        "weights_by_size": dict(sorted(((f, round(float(w), 3)) for f, w in zip(FEATURES, scorer.weights)),
                                       key=lambda item: -abs(item[1]))),
    }
    Path(path).write_text(json.dumps(scorer.to_json(report), indent=1) + "\n", encoding="utf-8")
    return report
