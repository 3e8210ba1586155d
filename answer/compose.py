"""The extractive answer: verbatim sentences from the best passages, each marked [n].

No language model, no network: the answer quotes the sentences of the top passages that
share the most (and the rarest) words with the expanded question, so every statement in
it exists word for word in a cited passage. When a quoted sentence is an item of a list,
the sentence that introduces the list comes with it ("The NHS CB will be directly
responsible for: ... Registration Authority ...").
"""

from __future__ import annotations

from answer.currency import currency_notes
from answer.query import Query
from answer.quotes import Quote, candidates, sentence_score
from answer.retrieve import DENSE_WEIGHT, Hit
from answer.types import Citation

PASSAGES_READ = 3  # sentences are taken from the top passages only
RANK_WEIGHT = (1.0, 0.8, 0.65)  # a sentence from a lower-ranked passage must match clearly better
CONTEXT_SHARE = 0.5  # a follow-up's earlier subject counts this much when choosing sentences
MAX_QUOTES = 2
SECOND_QUOTE_RATIO = 0.75  # a second quote must score at least this share of the best
MAX_ANSWER_CHARS = 700


def _spans(hit: Hit) -> list[tuple[int, int]]:
    return list(hit.passage.sentences) or [(0, len(hit.passage.text))]


def pick_quotes(query: Query, hits: list[Hit], idf: dict[str, float], read: int = PASSAGES_READ) -> list[Quote]:
    """The best quote of the top passage, then a better-or-close one from the next passages."""
    concepts = [(c, 1.0) for c in query.concepts] + [(c, CONTEXT_SHARE) for c in query.context]
    pool: list[Quote] = []
    for rank, hit in enumerate(hits[: min(read, PASSAGES_READ)]):
        text, spans = hit.passage.text, _spans(hit)
        scores = [sentence_score(concepts, idf, text[a:b]) * RANK_WEIGHT[rank] for a, b in spans]
        pool += [q for q in candidates(query.question, text, spans, scores, rank) if q.score > 0 or rank == 0]
    if not pool:
        return []

    def text(q: Quote) -> str:
        return q.text(hits[q.passage_rank].passage.text)

    first = max((q for q in pool if q.passage_rank == 0), key=lambda q: q.score)
    chosen, length = [first], len(text(first))
    top = max(q.score for q in pool)
    for q in sorted(pool, key=lambda q: -q.score):
        if len(chosen) == MAX_QUOTES:
            break
        if q.score < SECOND_QUOTE_RATIO * top or any(q.overlaps(c) for c in chosen):
            continue
        if length + len(text(q)) <= MAX_ANSWER_CHARS:
            chosen.append(q)
            length += len(text(q))
    return sorted(chosen, key=lambda q: (q.passage_rank, q.pieces))


def citations(hits: list[Hit], top_k: int) -> list[Citation]:
    """The cited passages in rank order, scored 0-1 against the best a passage can fuse to."""
    best = 1.0 + DENSE_WEIGHT
    return [Citation(n=i, passage=h.passage, score=min(1.0, h.score / best)) for i, h in enumerate(hits[:top_k], start=1)]


def compose(query: Query, hits: list[Hit], idf: dict[str, float], top_k: int) -> tuple[str, list[Citation], list[str]]:
    """Answer text, its citations and its currency notes."""
    cites = citations(hits, top_k)
    quotes = pick_quotes(query, hits, idf, read=top_k)
    quoted = [(q.passage_rank + 1, hits[q.passage_rank].passage, q.text(hits[q.passage_rank].passage.text)) for q in quotes]
    parts = [f"“{text}” [{n}]" for n, _, text in quoted]
    notes = currency_notes(quoted)
    text = "\n".join(parts)
    if notes:
        text += "\n\n" + "\n".join(f"Note: {n}" for n in notes)
    return text, cites, notes
