"""Scoring one answer against one known pair, and summarising many.

Definitions (the report and the README quote these):

* **hit@k** - one of the pair's evidence quotes is inside one of the first k cited passages
  (loose match: whitespace, quotes/dashes and case folded, see ``eval.textmatch``). An
  abstention counts as a miss even if it lists nearest passages: the user got no answer.
  **MRR** is the mean of 1/rank of the first such passage (0 when none). Both over answerable pairs.
* **answer correct** - not abstained, and the answer text (without its [n] markers) contains
  an evidence quote, or contains every key fact. Key facts match case-insensitively as whole
  words (a plural "s" allowed) and through the organisational lineage in ``EQUIVALENT_NAMES``:
  an answer quoting a 2018 text that says "CCG" is right about who is responsible today
  ("ICB"), and the other way round.
* **lead correct** - not abstained, and an evidence quote is inside the lead quote
  (``Answer.quotes[0]``, the first quoted text; loose match as for hit@k). Stricter than
  answer correct: the sentence a reader sees first must be the one that answers, not a later
  quote or a cited passage below it. Over answerable pairs.
* **citation valid** - every cited passage's text is verbatim (whitespace aside) in the document
  it names, citation numbers are unique, and every [n] in the answer names a citation. Over
  all pairs, declined ones included (their nearest passages are citations too).
* **abstain recall** - share of out-of-scope pairs declined; **false abstain** - share of
  answerable pairs declined; **follow-up accuracy** - hit@3 on the last turn of answerable
  conversations; **p50/p95 ms** - latency of ``Assistant.ask`` as measured by the runner.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Iterable, Optional, Sequence

from answer.types import Answer
from eval.pairs import Pair
from eval.textmatch import normalise_loose, normalise_whitespace, strip_markers

# Names that mean the same body across NHS reorganisations or as acronym and expansion.
EQUIVALENT_NAMES: tuple[frozenset[str], ...] = tuple(
    frozenset(group)
    for group in (
        {"ccg", "clinical commissioning group", "icb", "integrated care board"},
        {"nhs england", "nhs commissioning board", "nhs cb"},
        {"gpsoc", "gp systems of choice"},
        {"ig toolkit", "information governance toolkit", "igt", "dspt",
         "data security and protection toolkit"},
        {"pct", "primary care trust"},
    )
)
_MARKER = re.compile(r"\[(\d+)\]")
HIT_DEPTHS = (1, 3, 5)


@dataclass(frozen=True)
class Outcome:
    """What happened to one pair in one run."""

    pair: Pair
    answer: Answer
    elapsed_ms: float
    rank: Optional[int]  # 1-based rank of the first cited passage holding evidence
    correct: bool
    lead_correct: bool = False
    citation_problems: tuple[str, ...] = ()
    baseline_rank: Optional[int] = None  # same, for the baseline's retrieved chunks
    baseline_ms: Optional[float] = None

    @property
    def citations_valid(self) -> bool:
        return not self.citation_problems

    @property
    def status(self) -> str:
        """One word for the report; anything but "pass" is a failure."""
        if not self.citations_valid:
            return "bad citation"
        if not self.pair.answerable:
            return "pass" if self.answer.abstained else "not declined"
        if self.answer.abstained:
            return "false abstain"
        if self.rank is None:
            return "miss"
        if not self.correct:
            return "wrong answer"
        return "pass" if self.rank == 1 else f"hit@{self.rank}"

    @property
    def passed(self) -> bool:
        return self.status == "pass"


def evidence_rank(evidence: Iterable[str], texts: Sequence[str]) -> Optional[int]:
    """1-based position of the first text containing any evidence quote, or None."""
    quotes = [normalise_loose(q) for q in evidence]
    for position, text in enumerate(texts, start=1):
        haystack = normalise_loose(text)
        if any(q in haystack for q in quotes):
            return position
    return None


def answer_rank(pair: Pair, answer: Answer) -> Optional[int]:
    if answer.abstained or not pair.answerable:
        return None
    return evidence_rank(pair.evidence, [c.passage.text for c in answer.citations])


def _aliases(fact: str) -> set[str]:
    key = normalise_loose(fact)
    for group in EQUIVALENT_NAMES:
        if key in group:
            return set(group)
    return {key}


def mentions(text: str, fact: str) -> bool:
    """``fact`` (or a lineage equivalent) appears in ``text`` as whole words, case-insensitively."""
    haystack = normalise_loose(text)
    return any(
        re.search(rf"(?<!\w){re.escape(alias)}(?:e?s)?(?!\w)", haystack) for alias in _aliases(fact)
    )


def is_answer_correct(pair: Pair, answer: Answer) -> bool:
    if answer.abstained or not pair.answerable:
        return False
    text = strip_markers(answer.text)
    folded = normalise_loose(text)
    if any(normalise_loose(q) in folded for q in pair.evidence):
        return True
    return bool(pair.key_facts) and all(mentions(text, fact) for fact in pair.key_facts)


def is_lead_correct(pair: Pair, answer: Answer) -> bool:
    """An evidence quote is inside the lead quote (the first of ``Answer.quotes``)."""
    if answer.abstained or not pair.answerable or not answer.quotes:
        return False
    lead = normalise_loose(strip_markers(answer.quotes[0]))
    return any(normalise_loose(q) in lead for q in pair.evidence)


def citation_problems(answer: Answer, corpus_texts: dict[str, str]) -> list[str]:
    """Everything wrong with an answer's citations, in words a reader of the report can check."""
    problems = []
    numbers = [c.n for c in answer.citations]
    if len(set(numbers)) != len(numbers):
        problems.append(f"citation numbers repeat: {numbers}")
    for c in answer.citations:
        document = corpus_texts.get(c.passage.source)
        if document is None:
            problems.append(f"[{c.n}] cites {c.passage.source!r}, which is not a corpus text file")
        elif normalise_whitespace(c.passage.text) not in document:
            problems.append(f"[{c.n}] text is not verbatim in {c.passage.source}: {c.passage.text[:80]!r}")
    for n in sorted({int(m) for m in _MARKER.findall(answer.text)} - set(numbers)):
        problems.append(f"marker [{n}] in the answer has no citation")
    return problems


def score(pair: Pair, answer: Answer, elapsed_ms: float, corpus_texts: dict[str, str]) -> Outcome:
    return Outcome(
        pair=pair,
        answer=answer,
        elapsed_ms=elapsed_ms,
        rank=answer_rank(pair, answer),
        correct=is_answer_correct(pair, answer),
        lead_correct=is_lead_correct(pair, answer),
        citation_problems=tuple(citation_problems(answer, corpus_texts)),
    )


def percentile(values: Sequence[float], q: float) -> Optional[float]:
    """Nearest-rank percentile (q in 0..100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def _share(flags: Sequence[bool]) -> Optional[float]:
    return sum(flags) / len(flags) if flags else None


def _mrr(ranks: Sequence[Optional[int]]) -> Optional[float]:
    return sum(1 / r for r in ranks if r) / len(ranks) if ranks else None


def summarise(outcomes: Sequence[Outcome]) -> dict:
    """The product's metrics over ``outcomes``; a rate with no pairs to measure is None."""
    answerable = [o for o in outcomes if o.pair.answerable]
    declinable = [o for o in outcomes if not o.pair.answerable]
    follow_ups = [o for o in answerable if o.pair.is_conversation]
    ranks = [o.rank for o in answerable]
    metrics = {"pairs": len(outcomes), "answerable": len(answerable), "out_of_scope": len(declinable),
               "conversations": sum(o.pair.is_conversation for o in outcomes)}
    for k in HIT_DEPTHS:
        metrics[f"hit_at_{k}"] = _share([r is not None and r <= k for r in ranks])
    metrics["mrr"] = _mrr(ranks)
    metrics["lead_correct"] = _share([o.lead_correct for o in answerable])
    metrics["answer_correct"] = _share([o.correct for o in answerable])
    metrics["citation_valid"] = _share([o.citations_valid for o in outcomes])
    metrics["abstain_recall"] = _share([o.answer.abstained for o in declinable])
    metrics["false_abstain"] = _share([o.answer.abstained for o in answerable])
    metrics["followup_accuracy"] = _share([o.rank is not None and o.rank <= 3 for o in follow_ups])
    latencies = [o.elapsed_ms for o in outcomes]
    metrics["p50_ms"] = percentile(latencies, 50)
    metrics["p95_ms"] = percentile(latencies, 95)
    return metrics


def summarise_baseline(outcomes: Sequence[Outcome]) -> dict:
    """The baseline never declines, so it scores 0 on abstention and retrieval is all it has."""
    answerable = [o for o in outcomes if o.pair.answerable]
    declinable = [o for o in outcomes if not o.pair.answerable]
    follow_ups = [o for o in answerable if o.pair.is_conversation]
    ranks = [o.baseline_rank for o in answerable]
    metrics = {f"hit_at_{k}": _share([r is not None and r <= k for r in ranks]) for k in HIT_DEPTHS}
    metrics["mrr"] = _mrr(ranks)
    metrics["abstain_recall"] = 0.0 if declinable else None
    metrics["false_abstain"] = 0.0 if answerable else None
    metrics["followup_accuracy"] = _share([r is not None and r <= 3 for r in (o.baseline_rank for o in follow_ups)])
    latencies = [o.baseline_ms for o in outcomes if o.baseline_ms is not None]
    metrics["p50_ms"] = percentile(latencies, 50)
    metrics["p95_ms"] = percentile(latencies, 95)
    return metrics
