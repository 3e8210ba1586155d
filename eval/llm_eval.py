"""`opmodel eval --llm`: the configured language model (OPMODEL_LLM) measured on the same pairs.

Each pair is answered by the core as always; a pair the core answers is then summarised by the
model (answer/grounded.py) exactly as the CLI and the bot would. Reported, never gated, and
naming the model: how often a summary survives verification, the share of quoted spans found
verbatim in the passage they name, why the quoted answer stood alone otherwise, whether the
summary holds the pair's key facts (or an evidence quote), and the model's latency.
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence

from eval.metrics import is_answer_correct, mentions, percentile
from eval.pairs import Pair, select
from eval.report import write_text
from eval.runner import EvalError, build_fresh_index
from eval.sets import EvalSet, choose
from eval.textmatch import normalise_loose
from opmodel.settings import Settings

DEFAULT_REPORT = Path(__file__).with_name("reports") / "llm-latest.md"


@dataclass(frozen=True)
class Row:
    set_name: str
    pair: Pair
    quoted_correct: bool  # the core's own answer, for comparison
    declined: bool
    outcome: Optional[object] = None  # answer.grounded.Outcome, when the core answered


def summary_correct(pair: Pair, outcome) -> bool:
    """The summary's sentences hold every key fact, or one of its verified quotes holds evidence."""
    if not pair.answerable or outcome is None or outcome.summary is None:
        return False
    sentences = " ".join(s.text for s in outcome.summary.sentences)
    quotes = normalise_loose(" ".join(q.text for s in outcome.summary.sentences for q in s.quotes))
    if any(normalise_loose(e) in quotes for e in pair.evidence):
        return True
    return bool(pair.key_facts) and all(mentions(sentences, fact) for fact in pair.key_facts)


def _share(part: int, whole: int) -> Optional[float]:
    return part / whole if whole else None


@dataclass
class LlmEvalResult:
    model: str
    base_url: Optional[str]
    rows: list[Row] = field(default_factory=list)

    def metrics(self, rows: Optional[Sequence[Row]] = None) -> dict:
        rows = self.rows if rows is None else rows
        called = [r.outcome for r in rows if r.outcome is not None and r.outcome.called]
        kept = [o for o in called if o.summary is not None]
        answerable = [r for r in rows if r.pair.answerable and not r.declined]
        latencies = [o.elapsed_ms for o in called]
        return {
            "pairs": len(rows),
            "answered_by_core": sum(not r.declined for r in rows),
            "model_calls": len(called),
            "summaries_kept": len(kept),
            "summary_rate": _share(len(kept), len(called)),
            "verified_span_rate": _share(sum(o.spans_verified for o in called), sum(o.spans_offered for o in called)),
            "summary_correct": _share(sum(summary_correct(r.pair, r.outcome) for r in answerable), len(answerable)),
            "quoted_answer_correct": _share(sum(r.quoted_correct for r in answerable), len(answerable)),
            "fallbacks": dict(Counter(o.fallback.split(" (")[0] for o in called if o.fallback).most_common()),
            "p50_ms": percentile(latencies, 50),
            "p95_ms": percentile(latencies, 95),
        }

    def to_json(self) -> dict:
        sets = sorted({r.set_name for r in self.rows})
        return {"model": self.model, "base_url": self.base_url, **self.metrics(),
                "sets": {s: self.metrics([r for r in self.rows if r.set_name == s]) for s in sets}}


def run_llm_eval(settings: Settings, registry: Sequence[EvalSet], set_name: Optional[str] = None,
                 split: str = "all", progress: bool = False) -> LlmEvalResult:
    from tqdm import tqdm

    from answer.engine import make_assistant
    from answer.grounded import Summariser
    from opmodel.embedding import default_embedder

    if not settings.llm:
        raise EvalError("opmodel eval --llm measures the configured model: set OPMODEL_LLM "
                        "(and OPMODEL_LLM_BASE_URL), e.g. OPMODEL_LLM=openai:qwen2.5:7b")
    summariser = Summariser(settings)  # a refused or uninstalled model fails here, before any ingest
    result = LlmEvalResult(settings.llm, settings.llm_base_url)
    embedder = default_embedder()
    with tempfile.TemporaryDirectory(prefix="opmodel-eval-llm-") as tmp:
        built: dict[Path, object] = {}
        for eval_set in choose(list(registry), set_name):
            pairs = select(eval_set.load_pairs(), split)
            corpus_dir = eval_set.corpus_dir(Path(settings.corpus_dir)).resolve()
            if corpus_dir not in built:
                index, index_settings, _ = build_fresh_index(corpus_dir, Path(tmp) / f"corpus-{len(built)}", embedder)
                built[corpus_dir] = make_assistant(index, index_settings)  # the core alone
            assistant = built[corpus_dir]
            for pair in tqdm(pairs, desc=eval_set.name, unit="q", disable=not progress, file=sys.stderr, leave=False):
                answer = assistant.ask(pair.question, history=pair.history)
                outcome = None if answer.abstained else summariser.summarise(answer, pair.history)
                result.rows.append(Row(eval_set.name, pair, is_answer_correct(pair, answer), answer.abstained, outcome))
    return result


def _fmt(value) -> str:
    if value is None:
        return "–"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def render(result: LlmEvalResult) -> str:
    data = result.to_json()
    where = f" at {result.base_url}" if result.base_url else ""
    lines = [f"# opmodel eval --llm: {result.model}{where}", "",
             "Reported, not gated. A summary is kept only when a span it quotes is found verbatim in the passage it names.", "",
             "| set | pairs | model calls | summaries kept | verified spans | summary correct | quoted answer correct | p50 ms | p95 ms |",
             "|---|---|---|---|---|---|---|---|---|"]
    for name, m in [*data["sets"].items(), ("all", data)]:
        lines.append(f"| {name} | {m['pairs']} | {m['model_calls']} | {_fmt(m['summary_rate'])} | "
                     f"{_fmt(m['verified_span_rate'])} | {_fmt(m['summary_correct'])} | {_fmt(m['quoted_answer_correct'])} | "
                     f"{_fmt(m['p50_ms'])} | {_fmt(m['p95_ms'])} |")
    lines += ["", "Why the quoted answer stood alone:"]
    lines += [f"- {reason}: {count}" for reason, count in data["fallbacks"].items()] or ["- never"]
    return "\n".join(lines) + "\n"


def write_report(result: LlmEvalResult, path: Path) -> Path:
    return write_text(path, render(result))
