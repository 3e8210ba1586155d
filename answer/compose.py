"""The extractive answer: verbatim sentences from the best passages, each marked [n].

No language model, no network: the answer quotes the sentences of the top passages that
share the most (and the rarest) words with the expanded question, so every statement in
it exists word for word in a cited passage. When a quoted sentence is an item of a list,
the sentence that introduces the list comes with it ("The NHS CB will be directly
responsible for: ... Registration Authority ...").
"""

from __future__ import annotations

from dataclasses import dataclass

from answer import bm25
from answer.currency import currency_notes
from answer.query import Query
from answer.retrieve import DENSE_WEIGHT, Hit
from answer.types import Citation

PASSAGES_READ = 3  # sentences are taken from the top passages only
RANK_WEIGHT = (1.0, 0.8, 0.65)  # a sentence from a lower-ranked passage must match clearly better
MAX_QUOTES = 2
SECOND_QUOTE_RATIO = 0.75  # a second quote must score at least this share of the best
MAX_ANSWER_CHARS = 700
SENTENCE_K1, SENTENCE_B, SENTENCE_AVG = 1.2, 0.5, 25.0
BULLETS = ("•", "–", "-", "*", "·")


@dataclass(frozen=True)
class Quote:
    hit_rank: int  # 0-based position of the passage among the hits
    pieces: tuple[tuple[int, int], ...]  # [start, end) offsets in the passage text, in order
    score: float

    def text(self, hits: list[Hit]) -> str:
        passage = hits[self.hit_rank].passage.text
        return " … ".join(passage[a:b].strip() for a, b in self.pieces)

    def overlaps(self, other: "Quote") -> bool:
        return self.hit_rank == other.hit_rank and any(
            a < d and c < b for a, b in self.pieces for c, d in other.pieces
        )


def sentence_score(query: Query, idf: dict[str, float], sentence: str) -> float:
    """BM25 over one sentence, each term counted once and each concept through its best name."""
    toks = set(bm25.tokens(sentence))
    if not toks:
        return 0.0
    saturation = (SENTENCE_K1 + 1) / (1 + SENTENCE_K1 * (1 - SENTENCE_B + SENTENCE_B * len(toks) / SENTENCE_AVG))
    total = 0.0
    for concept in query.concepts:
        best = 0.0
        for terms, weight in concept:
            matched = sum(idf.get(t, 0.0) for t in terms if t in toks)
            if matched:
                best = max(best, weight * matched / max(1, sum("_" not in t for t in terms)))
        total += best
    return total * saturation


def _spans(hit: Hit) -> list[tuple[int, int]]:
    return list(hit.passage.sentences) or [(0, len(hit.passage.text))]


def _is_bullet(text: str, span: tuple[int, int]) -> bool:
    """Ingest may keep the bullet inside the sentence or just before it."""
    before = text[max(0, span[0] - 4) : span[0]].rstrip(" ")
    return text[span[0] : span[1]].lstrip().startswith(BULLETS) or before.endswith(BULLETS)


def _quote_pieces(text: str, spans: list[tuple[int, int]], i: int) -> tuple[tuple[int, int], ...]:
    """A sentence as a reader needs it: a list item with the sentence introducing its list,
    a lead-in ending in a colon ("Lot 2:") with what follows it."""
    a, b = spans[i]
    if text[a:b].rstrip().endswith(":"):
        end = b
        for x, y in spans[i + 1 :]:
            if y - a > MAX_ANSWER_CHARS // 2 and end > b:
                break
            end = y
        return ((a, end),)
    if _is_bullet(text, spans[i]) or i > 0:
        for j in range(i - 1, -1, -1):
            x, y = spans[j]
            if text[x:y].rstrip().endswith(":"):
                return ((x, y), (a, b)) if j < i - 1 else ((x, b),)
            if not _is_bullet(text, spans[j]):
                break
    return ((a, b),)


def pick_quotes(query: Query, hits: list[Hit], idf: dict[str, float], read: int = PASSAGES_READ) -> list[Quote]:
    """The best sentence of the top passage, then better-matching ones from the next passages."""
    best_per_passage: list[Quote] = []
    for rank, hit in enumerate(hits[: min(read, PASSAGES_READ)]):
        text, spans = hit.passage.text, _spans(hit)
        scored = [(sentence_score(query, idf, text[a:b]) * RANK_WEIGHT[rank], i) for i, (a, b) in enumerate(spans)]
        for score, i in sorted(scored, reverse=True)[:2]:
            if score > 0 or rank == 0:
                best_per_passage.append(Quote(rank, _quote_pieces(text, spans, i), score))
    if not best_per_passage:
        return []
    first = max((q for q in best_per_passage if q.hit_rank == 0), key=lambda q: q.score)
    chosen = [first]
    length = len(first.text(hits))
    top = max(q.score for q in best_per_passage)
    for q in sorted(best_per_passage, key=lambda q: -q.score):
        if len(chosen) == MAX_QUOTES:
            break
        if q.score < SECOND_QUOTE_RATIO * top or any(q.overlaps(c) or q == c for c in chosen):
            continue
        if length + len(q.text(hits)) <= MAX_ANSWER_CHARS:
            chosen.append(q)
            length += len(q.text(hits))
    return sorted(chosen, key=lambda q: (q.hit_rank, q.pieces))


def citations(hits: list[Hit], top_k: int) -> list[Citation]:
    """The cited passages in rank order, scored 0-1 against the best a passage can fuse to."""
    best = 1.0 + DENSE_WEIGHT
    return [Citation(n=i, passage=h.passage, score=min(1.0, h.score / best)) for i, h in enumerate(hits[:top_k], start=1)]


def compose(query: Query, hits: list[Hit], idf: dict[str, float], top_k: int) -> tuple[str, list[Citation], list[str]]:
    """Answer text, its citations and its currency notes."""
    cites = citations(hits, top_k)
    quotes = pick_quotes(query, hits, idf, read=top_k)
    parts = [f"“{q.text(hits)}” [{q.hit_rank + 1}]" for q in quotes]
    notes = currency_notes([(q.hit_rank + 1, hits[q.hit_rank].passage, q.text(hits)) for q in quotes])
    text = "\n".join(parts)
    if notes:
        text += "\n\n" + "\n".join(f"Note: {n}" for n in notes)
    return text, cites, notes
