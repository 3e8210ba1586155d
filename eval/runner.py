"""Runs every evaluation set's pairs (eval/sets.yaml) through ``Assistant.ask`` - the call the
CLI and the Slack bot make - scores them, runs the baseline on the same questions over the same
corpus, and checks each set against its gates.

By default each corpus folder is ingested once, in a temporary directory, and shared by the sets
on it, so a run is reproducible and never touches the user's index; ``use_index`` evaluates the
configured index for the sets on the configured corpus.
"""

from __future__ import annotations

import dataclasses
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence

from typing import TYPE_CHECKING

from eval.metrics import Outcome, evidence_rank, score, summarise, summarise_baseline
from eval.pairs import SPLITS, Pair, select
from eval.sets import DEFAULT_SETS_FILE, EvalSet, choose, load_sets
from eval.textmatch import load_corpus_texts
from eval.thresholds import DEFAULT_THRESHOLDS_FILE, Gates, Threshold, load_gates, missed
from opmodel.errors import OpmodelError
from opmodel.settings import Settings

if TYPE_CHECKING:  # the baseline's LangChain packages are the [eval] extra, imported only to run it
    from eval.baseline import Baseline


class EvalError(OpmodelError):
    """The evaluation could not be run (no corpus, ingest failed...)."""


@dataclass
class SetResult:
    """One evaluation set's run: its pairs' outcomes and the gates they met or missed."""

    name: str
    outcomes: list[Outcome]
    index_description: str
    with_baseline: bool
    gated: bool = True  # False: misses are reported, never fail the run
    misses: list[str] = field(default_factory=list)  # gated: any one fails the run
    below_bar: list[str] = field(default_factory=list)  # short of a bar, not gated: reported only

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
        """The metrics over the set's pairs (the baseline's as ``baseline_*``), the same per
        split, product metrics per category, and what the gates said."""
        data = flat_metrics(self.outcomes, self.with_baseline)
        data["splits"] = {s: flat_metrics(self.outcomes_of(s), self.with_baseline) for s in self.splits()}
        data["by_category"] = by_category(self.outcomes)
        data.update(gated=self.gated, passed=self.passed, misses=self.misses,
                    held_back_below_bar=self.below_bar, index=self.index_description)
        return data


@dataclass
class EvalResult:
    split: str
    sets: list[SetResult]
    thresholds: list[Threshold]  # the bars
    with_baseline: bool
    seconds: float = 0.0
    floors: dict[str, list[Threshold]] = field(default_factory=dict)  # each set's held-back floor
    dev_floors: dict[str, list[Threshold]] = field(default_factory=dict)  # sets whose dev split has a floor, not the bars

    @property
    def outcomes(self) -> list[Outcome]:
        return [o for s in self.sets for o in s.outcomes]

    @property
    def misses(self) -> list[str]:
        return [f"{s.name} {m}" for s in self.sets for m in s.misses]

    @property
    def below_bar(self) -> list[str]:
        return [f"{s.name} {m}" for s in self.sets for m in s.below_bar]

    @property
    def passed(self) -> bool:
        return not self.misses

    def set_named(self, name: str) -> SetResult:
        return next(s for s in self.sets if s.name == name)

    def to_json(self) -> dict:
        """Top level: the metrics over every pair run (with one set, that set's), per split and
        per category; then every set under ``sets``, each in the same shape with its gates."""
        outcomes = self.outcomes
        data = {"split": self.split, **flat_metrics(outcomes, self.with_baseline)}
        splits = [s for s in SPLITS if any(o.pair.split == s for o in outcomes)]
        data["splits"] = {s: flat_metrics([o for o in outcomes if o.pair.split == s], self.with_baseline) for s in splits}
        data["by_category"] = by_category(outcomes)
        data["sets"] = {s.name: s.to_json() for s in self.sets}
        data["thresholds"] = {t.metric: t.describe() for t in self.thresholds}
        data["floors"] = {name: {t.metric: t.describe() for t in floor} for name, floor in self.floors.items()}
        data["dev_floors"] = {name: {t.metric: t.describe() for t in floor} for name, floor in self.dev_floors.items()}
        data["passed"] = self.passed
        data["misses"] = self.misses
        data["held_back_below_bar"] = self.below_bar
        data["seconds"] = round(self.seconds, 1)
        return data


def flat_metrics(outcomes: list[Outcome], with_baseline: bool) -> dict:
    data = _rounded(summarise(outcomes))
    # Same keys with or without --no-baseline, so a consumer's schema never changes.
    baseline = summarise_baseline(outcomes) if with_baseline else dict.fromkeys(summarise_baseline([]))
    data.update({f"baseline_{name}": value for name, value in _rounded(baseline).items()})
    return data


def by_category(outcomes: list[Outcome]) -> dict:
    categories = sorted({o.pair.category for o in outcomes})
    return {c: _rounded(summarise([o for o in outcomes if o.pair.category == c])) for c in categories}


def _rounded(metrics: dict) -> dict:
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in metrics.items()}


def _baseline_class():
    try:
        from eval.baseline import Baseline
    except ImportError as exc:
        raise EvalError(f"the LangChain baseline needs the eval extra ({exc.name} is not installed): "
                        "pip install 'opmodel[eval]', or run with --no-baseline") from None
    return Baseline


def build_fresh_index(corpus_dir: Path, workdir: Path, embedder):
    """Ingest the corpus into an embedded Chroma under ``workdir``, as `opmodel ingest` would, and
    open it as `opmodel ask` does."""
    from ingest.pipeline import run_ingest
    from opmodel.index import open_index

    # The core alone, whatever OPMODEL_LLM says: `opmodel eval --llm` measures a model separately.
    settings = Settings(index_dir=workdir / "index", corpus_dir=corpus_dir, chroma_url=None, llm=None)
    index = open_index(settings, embedder)
    report = run_ingest(index, [corpus_dir], corpus_dir)
    if report.failed:
        names = "; ".join(f"{source}: {why}" for source, why in report.failed)
        raise EvalError(f"ingesting {corpus_dir} for the evaluation failed for {names}")
    # Answered through the reader `opmodel ask` and the bot use (the published version's copy),
    # so the figures are of what users get, not of the writer's Chroma search.
    return open_index(settings, embedder, create=False), settings, report.passages


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


def gate(result: SetResult, gates: Gates) -> None:
    """Fill in the set's misses (gated) and its distance from the bars (reported)."""
    for split in result.splits():
        metrics = result.metrics(split)
        thresholds = gates.for_split(split, result.name)
        if result.gated:
            result.misses += missed(thresholds, metrics, split)
            if thresholds is not gates.bars:  # held to a floor: its distance from the bars is reported, not gated
                why = "held back" if split == "test" else "held to its floor until it reaches the bars"
                result.below_bar += missed(gates.bars, metrics, f"{split} ({why})")
        else:
            result.below_bar += missed(gates.bars, metrics, f"{split} (not gated)")


def run_eval(
    settings: Optional[Settings] = None,
    *,
    split: str = "all",
    sets: Optional[Sequence[EvalSet]] = None,
    sets_file: Path = DEFAULT_SETS_FILE,
    set_name: Optional[str] = None,
    thresholds_file: Path = DEFAULT_THRESHOLDS_FILE,
    use_index: bool = False,
    baseline: bool = True,
    progress: bool = False,
) -> EvalResult:
    """Every set of the registry (or ``sets``, or the one named), each corpus ingested once."""
    from answer.engine import Assistant, make_assistant
    from opmodel.embedding import default_embedder

    started = time.perf_counter()
    settings = settings or Settings()
    registry = list(sets) if sets is not None else load_sets(sets_file)
    chosen = choose(registry, set_name)
    gates = load_gates(thresholds_file, known=set(summarise([])))
    if sets is None:
        stray = sorted(set(gates.set_floors) - {s.name for s in registry})
        if stray:
            raise EvalError(f"{thresholds_file} has floors for {', '.join(stray)}, which {sets_file} does not define")
    configured = Path(settings.corpus_dir)

    # Everything that can be wrong with the files is found before the slow part starts.
    plans = []  # (set, its pairs, its corpus folder)
    for eval_set in chosen:
        pairs = select(eval_set.load_pairs(), split)
        if not pairs:
            raise EvalError(f"set {eval_set.name}: no pairs in the {split} split")
        corpus_dir = eval_set.corpus_dir(configured)
        if not corpus_dir.is_dir():
            hint = " (set OPMODEL_CORPUS_DIR to a corpus folder)" if eval_set.corpus is None else ""
            raise EvalError(f"set {eval_set.name}: the corpus folder {corpus_dir} does not exist{hint}")
        plans.append((eval_set, pairs, corpus_dir))
    texts: dict[Path, dict[str, str]] = {}
    for eval_set, pairs, corpus_dir in plans:
        corpus_texts = texts.setdefault(corpus_dir.resolve(), load_corpus_texts(corpus_dir))
        unknown = sorted({p.source for p in pairs if p.answerable} - set(corpus_texts))
        if unknown:
            raise EvalError(f"set {eval_set.name}: pairs cite documents that are not in {corpus_dir}: {', '.join(unknown)}")

    baseline_class = _baseline_class() if baseline else None  # a missing extra is said before the slow part
    embedder = default_embedder()
    results = []
    with tempfile.TemporaryDirectory(prefix="opmodel-eval-") as tmp:
        built: dict[Path, tuple] = {}  # corpus folder -> (assistant, description, baseline)
        for eval_set, pairs, corpus_dir in plans:
            key = corpus_dir.resolve()
            if key not in built:
                work = Path(tmp) / f"corpus-{len(built)}"
                if use_index and eval_set.corpus is None:
                    assistant = Assistant.from_settings(settings.model_copy(update={"llm": None}))
                    description = f"the configured index ({settings.chroma_url or settings.index_dir})"
                else:
                    index, index_settings, count = build_fresh_index(corpus_dir, work, embedder)
                    assistant = make_assistant(index, index_settings)
                    description = f"a fresh index of {corpus_dir} ({count} passages)"
                # Latency is of warm asks, as in the long-running bot: one unscored ask first loads
                # what any first question would (lexical index, caches).
                assistant.ask(pairs[0].question)
                chunks = baseline_class.build(corpus_dir, work / "baseline", embedder) if baseline_class else None
                built[key] = (assistant, description, chunks)
            assistant, description, chunks = built[key]
            outcomes = ask_all(assistant, pairs, texts[key], progress)
            if chunks is not None:
                outcomes = with_baseline(outcomes, chunks)
            result = SetResult(eval_set.name, outcomes, description, with_baseline=baseline,
                               gated=eval_set.gate and gates.gated(eval_set.name))
            gate(result, gates)
            results.append(result)

    floors = {s.name: gates.floor_of(s.name) for s in chosen}
    return EvalResult(split, results, gates.bars, with_baseline=baseline,
                      seconds=time.perf_counter() - started, floors=floors,
                      dev_floors={s.name: gates.dev_floors[s.name] for s in chosen if gates.dev_floors.get(s.name)})
