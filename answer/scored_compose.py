"""The extractive answer: the scorer's lead quote, maybe a second, each marked [n].

No language model: every statement is a verbatim unit of a cited passage (answer/quotes.py, `units`).
The lead is the best-scored candidate. A second quote follows only when it scores close and
adds something: a concept of the question the lead did not match or, after old guidance, the
current edition's word on the same subject. The passage the lead comes from is cited first.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from answer.quotes import Quote
from answer.currency import catalogue_statement, currency_notes, document_asked_about
from answer.question import Question
from answer.retrieve import DENSE_WEIGHT, Hit
from answer.types import Citation
from opmodel.passage import TABLE_CELL_SEPARATOR

OLD = ("superseded", "historical")  # "unknown" is no verdict on a document either way
MAX_ANSWER_CHARS = 700  # the lead and a second quote together; Slack and terminals stay readable


@dataclass(frozen=True)
class Composed:
    text: str  # the quotes with their markers, then the currency notes
    citations: list[Citation]
    notes: list[str]
    quotes: list[str]  # the quoted text alone, lead first


def citations(hits: list[Hit], top_k: int) -> list[Citation]:
    """The cited passages in rank order, scored 0-1 against the best a passage can fuse to."""
    best = 1.0 + DENSE_WEIGHT
    return [Citation(n=i, passage=h.passage, score=min(1.0, h.score / best)) for i, h in enumerate(hits[:top_k], start=1)]


def pick(hits: list[Hit], pool: list[Quote], probs: np.ndarray, second_share: float,
         past: bool = False) -> list[Quote]:
    """The lead, and a second quote if it earns its place (it scores at least ``second_share`` of
    the lead and adds a concept of the question the lead did not match).

    Current guidance leads: when the best quote is from old guidance and one from a current
    document on the same subject scores close, the current one leads and the old one follows,
    unless the question asks about the past (``past``: it names a year)."""
    order = [int(i) for i in np.argsort(-probs, kind="stable")]
    close = [i for i in order if float(probs[i]) >= second_share * float(probs[order[0]])]
    status = lambda q: hits[q.passage_rank].passage.status  # noqa: E731
    best = pool[order[0]]
    if not past and status(best) in OLD:
        current = next((i for i in close if status(pool[i]) == "current" and pool[i].matched() & best.matched()), None)
        if current is not None:
            order.remove(current)
            order.insert(0, current)
    lead = pool[order[0]]
    room = MAX_ANSWER_CHARS - len(lead.text(hits[lead.passage_rank].passage.text))
    if lead is not best and not best.overlaps(lead) and len(best.text(hits[best.passage_rank].passage.text)) <= room:
        return [lead, best]
    for i in order[1:]:
        other = pool[i]
        if i not in close or other.overlaps(lead) or len(other.text(hits[other.passage_rank].passage.text)) > room:
            continue
        newer = status(lead) in OLD and status(other) == "current" and bool(other.matched() & lead.matched())
        if newer or other.novelty(lead.matched()) > 0:
            return [lead, other]
    return [lead]


def _columns(passage, quoted: str) -> str:
    """A table row quoted without the row naming its columns says what each cell is, after the quote."""
    columns = passage.column_names if TABLE_CELL_SEPARATOR in quoted else None
    return f" (columns: {columns})" if columns and columns not in quoted else ""


def compose(question: Question, hits: list[Hit], quotes: list[Quote], top_k: int) -> Composed:
    """Answer text, its citations and its currency notes; the lead's passage is cited first."""
    first = quotes[0].passage_rank
    order = [first, *(i for i in range(len(hits)) if i != first)]
    hits = [hits[i] for i in order]
    quotes = [replace(q, passage_rank=order.index(q.passage_rank)) for q in quotes]
    cites = citations(hits, top_k)
    quoted = [(q.passage_rank + 1, hits[q.passage_rank].passage, q.text(hits[q.passage_rank].passage.text))
              for q in quotes if q.passage_rank < top_k]
    parts = [f"“{text}” [{n}]{_columns(passage, text)}" for n, passage, text in quoted]
    notes = currency_notes(quoted)
    if question.kind == "currency":  # what the catalogue knows of the document leads, marked as such
        parts.insert(0, catalogue_statement(document_asked_about(question.text, [h.passage for h in hits[:top_k]])))
    text = "\n".join(parts)
    if notes:
        text += "\n\n" + "\n".join(f"Note: {n}" for n in notes)
    return Composed(text, cites, notes, [t for _, _, t in quoted])
