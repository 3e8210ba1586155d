"""Runs the known pairs through ``Assistant.ask`` - the call the CLI and the Slack bot make -
scores them, runs the baseline on the same questions, and checks the bars.

By default everything is built from the corpus folder in a temporary directory, so a run is
reproducible and never touches the user's index; ``use_index`` evaluates the configured one.
"""

from __future__ import annotations

import dataclasses
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence

from eval.baseline import Baseline
from eval.metrics import Outcome, evidence_rank, score, summarise, summarise_baseline
from eval.pairs import DEFAULT_PAIRS_FILE, SPLITS, Pair, load_pairs, select
from eval.textmatch import load_corpus_texts
from eval.thresholds import DEFAULT_THRESHOLDS_FILE, Gates, Threshold, load_gates, missed
from opmodel.errors import OpmodelError
from opmodel.settings import Settings


class EvalError(OpmodelError):
    """The evaluation could not be run (no corpus, ingest failed...)."""


@dataclass
class EvalResult:
    split: str
    outcomes: list[Outcome]
    index_description: str
    thresholds: list[Threshold]
    with_baseline: bool
    seconds: float = 0.0
    misses: list[str] = field(default_factory=list)  # gated: any one fails the run
    below_bar: list[str] = field(default_factory=list)  # held-back split short of a bar: reported only

    def splits(self) -> list[str]:
        """The splits present in this run, in their usual order."""
        present = {o.pair.split for o in self.outcomes}
        return [s for s in SPLITS if s in present]

    def outcomes_of(self, split: Optional[str] = None) -> list[Outcome]:
        return [o for o in self.outcomes if split is None or o.pair.split == split]

    def metrics(self, split: Optional[str] = None) -> dict:
        return summarise(self.outcomes_of(split))

    def baseline_metrics(self, split: Optional[str] = None) -> Optional[dict]:
        return summarise_baseline(self.outcomes_of(split)) if self.with_baseline else None

    @property
    def passed(self) -> bool:
        return not self.misses

    def to_json(self) -> dict:
        """Top level: the metrics over every pair run, the baseline's as ``baseline_*``; then
        the same per split and product metrics per category."""
        def flat(split: Optional[str]) -> dict:
            data = _rounded(self.metrics(split))
            # Same keys with or without --no-baseline, so a consumer's schema never changes.
            baseline = self.baseline_metrics(split) or dict.fromkeys(summarise_baseline([]))
            data.update({f"baseline_{name}": value for name, value in _rounded(baseline).items()})
            return data

        data = {"split": self.split, **flat(None)}
        data["splits"] = {s: flat(s) for s in self.splits()}
        categories = sorted({o.pair.category for o in self.outcomes})
        data["by_category"] = {
            c: _rounded(summarise([o for o in self.outcomes if o.pair.category == c])) for c in categories
        }
        data["thresholds"] = {t.metric: t.describe() for t in self.thresholds}
        data["passed"] = self.passed
        data["misses"] = self.misses
        data["held_back_below_bar"] = self.below_bar
        data["index"] = self.index_description
        data["seconds"] = round(self.seconds, 1)
        return data


def _rounded(metrics: dict) -> dict:
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in metrics.items()}


def build_fresh_index(corpus_dir: Path, workdir: Path, embedder):
    """Ingest the corpus into an embedded Chroma under ``workdir``, as `opmodel ingest` would."""
    from ingest.pipeline import run_ingest
    from opmodel.index import open_index

    settings = Settings(index_dir=workdir / "index", corpus_dir=corpus_dir, chroma_url=None)
    index = open_index(settings, embedder)
    report = run_ingest(index, [corpus_dir], corpus_dir)
    if report.failed:
        names = "; ".join(f"{source}: {why}" for source, why in report.failed)
        raise EvalError(f"ingesting {corpus_dir} for the evaluation failed for {names}")
    return index, settings, report.passages


def ask_all(assistant, pairs: Sequence[Pair], corpus_texts: dict[str, str], progress: bool = False) -> list[Outcome]:
    """Each pair asked once: a conversation's last turn with its earlier turns as history."""
    from tqdm import tqdm

    outcomes = []
    for pair in tqdm(pairs, desc="asking", unit="q", disable=not progress, file=sys.stderr, leave=False):
        started = time.perf_counter()
        answer = assistant.ask(pair.question, history=pair.history)
        elapsed = (time.perf_counter() - started) * 1000
        outcomes.append(score(pair, answer, elapsed, corpus_texts))
    return outcomes


def with_baseline(outcomes: list[Outcome], baseline: Baseline) -> list[Outcome]:
    scored = []
    for outcome in outcomes:
        texts, ms = baseline.search(outcome.pair.question)
        rank = evidence_rank(outcome.pair.evidence, texts) if outcome.pair.answerable else None
        scored.append(dataclasses.replace(outcome, baseline_rank=rank, baseline_ms=ms))
    return scored


def run_eval(
    settings: Optional[Settings] = None,
    *,
    split: str = "all",
    pairs_file: Path = DEFAULT_PAIRS_FILE,
    thresholds_file: Path = DEFAULT_THRESHOLDS_FILE,
    use_index: bool = False,
    baseline: bool = True,
    progress: bool = False,
) -> EvalResult:
    from answer.engine import Assistant
    from opmodel.embedding import default_embedder

    started = time.perf_counter()
    settings = settings or Settings()
    pairs = select(load_pairs(pairs_file), split)
    if not pairs:
        raise EvalError(f"{pairs_file} has no pairs in the {split} split")
    gates = load_gates(thresholds_file, known=set(summarise([])))
    corpus_dir = Path(settings.corpus_dir)
    if not corpus_dir.is_dir():
        raise EvalError(f"the corpus folder {corpus_dir} does not exist (set OPMODEL_CORPUS_DIR or run from the repo root)")
    corpus_texts = load_corpus_texts(corpus_dir)
    unknown = sorted({p.source for p in pairs if p.answerable} - set(corpus_texts))
    if unknown:
        raise EvalError(f"pairs cite documents that are not in {corpus_dir}: {', '.join(unknown)}")

    embedder = default_embedder()
    with tempfile.TemporaryDirectory(prefix="opmodel-eval-") as tmp:
        if use_index:
            assistant = Assistant.from_settings(settings)
            description = f"the configured index ({settings.chroma_url or settings.index_dir})"
        else:
            index, index_settings, count = build_fresh_index(corpus_dir, Path(tmp), embedder)
            assistant = Assistant(index, index_settings)
            description = f"a fresh index of {corpus_dir} ({count} passages)"
        # Latency is of warm asks, as in the long-running bot: one unscored ask first loads
        # what any first question would (lexical index, caches).
        assistant.ask(pairs[0].question)
        outcomes = ask_all(assistant, pairs, corpus_texts, progress)
        if baseline:
            outcomes = with_baseline(outcomes, Baseline.build(corpus_dir, Path(tmp) / "baseline", embedder))

    result = EvalResult(split, outcomes, description, gates.bars, with_baseline=baseline)
    for s in result.splits():
        gate = gates.for_split(s)
        result.misses += missed(gate, result.metrics(s), s)
        if gate is not gates.bars:  # held back: its distance from the bars is reported, not gated
            result.below_bar += missed(gates.bars, result.metrics(s), f"{s} (held back)")
    result.seconds = time.perf_counter() - started
    return result
