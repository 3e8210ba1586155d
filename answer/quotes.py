"""Quotable units of a passage, scored against a question.

A sentence is rarely quotable alone when it belongs to a structure: a list item means little
without the sentence introducing its list ("The NHS CB will be directly responsible for:"),
a lead-in ending in a colon ("Lot 2:") means nothing without what follows it, and a sentence
that opens with "These include" or "This" finishes the one before. A quote is therefore one or
more verbatim pieces of one passage, joined with " … " when they are not adjacent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from answer import bm25
from answer.query import Concept
from opmodel.dates import MONTHS
from opmodel.passage import TABLE_CELL_SEPARATOR

SENTENCE_K1, SENTENCE_B, SENTENCE_AVG = 1.2, 0.5, 25.0
BULLETS = ("•", "–", "-", "*", "·")
LIST_CONTEXT_SHARE = 0.5  # how much the introduction's match counts for its items, and vice versa
FIRST_SENTENCE_BONUS = 1.1  # a passage's first sentence usually states its point (a definition)
NUMBER_BONUS = 1.3  # "how much", "when": sentences with figures or dates answer those
CONTINUATION_CHARS = 450  # a sentence is extended with the one finishing it up to this length
_CONTINUES = re.compile(r"^(These|This|They|It|Such|Those)\b")
# "- 11 December 2006" says when, not what: it is quoted with the sentence it dates.
_DATELINE = re.compile(rf"^[\s\-–—•·]*(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?(?:(?:{MONTHS})\s+)?(?:19|20)\d\d\s*$"
                       r"|^[\s\-–—]*\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\s*$")
DEFINITION_CHARS = 450  # a definition this short is quoted whole: its meaning is every sentence of it
MIN_WORDS = 4  # fewer words than this is a label or a fragment, not a statement
HEADING_WORDS = 10  # an unpunctuated line this short, mostly capitalised, is a heading
_ASKS_FOR_A_FIGURE = re.compile(r"\b(how (much|many|long)|when|what (year|date)|which years?|what dates?)\b", re.I)


Scores = tuple[float, ...]  # one entry per concept of the query: how well the quote matches it


@dataclass(frozen=True)
class Quote:
    passage_rank: int  # 0-based position of the passage among the hits
    pieces: tuple[tuple[int, int], ...]  # [start, end) offsets in the passage text, in order
    scores: Scores
    unit: str = "sentence"  # sentence | item (with its introduction) | list (introduction and its best item) | row | definition

    @property
    def score(self) -> float:
        return sum(self.scores)

    def novelty(self, covered: set[int]) -> float:
        """What this quote adds: its match on concepts another quote has not matched."""
        return sum(s for i, s in enumerate(self.scores) if i not in covered)

    def matched(self) -> set[int]:
        return {i for i, s in enumerate(self.scores) if s > 0}

    def text(self, passage_text: str) -> str:
        return " … ".join(passage_text[a:b].strip() for a, b in self.pieces)

    def overlaps(self, other: "Quote") -> bool:
        return self.passage_rank == other.passage_rank and any(
            a < d and c < b for a, b in self.pieces for c, d in other.pieces
        )


def sentence_scores(concepts: list[tuple[Concept, float]], idf: dict[str, float], sentence: str) -> Scores:
    """BM25 over one sentence, per concept: each term counted once, each concept through its best name."""
    toks = bm25.token_set(sentence)
    saturation = (SENTENCE_K1 + 1) / (1 + SENTENCE_K1 * (1 - SENTENCE_B + SENTENCE_B * len(toks) / SENTENCE_AVG))
    out = []
    for concept, factor in concepts:
        best = 0.0
        for terms, weight in concept:
            words = [t for t in terms if not bm25.is_pair(t)] or list(terms)
            if all(t in toks for t in words):
                matched = sum(idf.get(t, 0.0) for t in terms if t in toks)
                best = max(best, weight * matched / len(words))
        out.append(best * factor * saturation)
    return tuple(out)


def _scale(v: Scores, factor: float) -> Scores:
    return tuple(x * factor for x in v)


def _plus(v: Scores, w: Scores, share: float) -> Scores:
    return tuple(x + share * y for x, y in zip(v, w))


def is_bullet(text: str, span: tuple[int, int]) -> bool:
    """Ingest may keep the bullet inside the sentence or just before it."""
    before = text[max(0, span[0] - 4) : span[0]].rstrip(" ")
    return text[span[0] : span[1]].lstrip().startswith(BULLETS) or before.endswith(BULLETS)


def is_fragment(text: str) -> bool:
    """A heading, a lead-in without what it leads into, or a few words: not a quote on its own."""
    plain = text.strip().lstrip("".join(BULLETS)).strip()
    words = plain.split()
    if TABLE_CELL_SEPARATOR in plain:
        return False
    if len(words) < MIN_WORDS or plain.endswith(":"):
        return True
    capitalised = sum(w[:1].isupper() or w[:1].isdigit() for w in words)
    return len(words) <= HEADING_WORDS and plain[-1:] not in ".!?)”\"'" and capitalised * 2 > len(words)


def _introduction(text: str, spans: list[tuple[int, int]], i: int) -> int | None:
    """The sentence introducing list item i, if i is one: the sentence just before the list,
    whether or not it ends in a colon ("There are basically three tiers of service,"). A table
    row's introduction is the row naming the columns, the passage's first."""
    if TABLE_CELL_SEPARATOR in text[spans[i][0] : spans[i][1]]:
        first_row = next(j for j, (a, b) in enumerate(spans) if TABLE_CELL_SEPARATOR in text[a:b])
        if first_row < i:
            return first_row
    bulleted = is_bullet(text, spans[i])
    for j in range(i - 1, -1, -1):
        if text[spans[j][0] : spans[j][1]].rstrip().endswith(":"):
            return j
        if not is_bullet(text, spans[j]):
            return j if bulleted else None
    return None


def _merge(spans: list[tuple[int, int]], indices: list[int]) -> tuple[tuple[int, int], ...]:
    """Pieces for the given sentences: adjacent ones become one piece."""
    pieces: list[list[int]] = []
    for i in sorted(set(indices)):
        if pieces and pieces[-1][2] == i - 1:
            pieces[-1][1], pieces[-1][2] = spans[i][1], i
        else:
            pieces.append([spans[i][0], spans[i][1], i])
    return tuple((a, b) for a, b, _ in pieces)


def candidates(question: str, text: str, spans: list[tuple[int, int]], scores: list[Scores], rank: int,
               definition: bool = False) -> list[Quote]:
    """The rules' quotes of one passage: ``units`` with the question's bonuses (figures for "how
    much" / "when", the first sentence) folded into their scores."""
    if _ASKS_FOR_A_FIGURE.search(question):
        scores = [_scale(s, NUMBER_BONUS) if re.search(r"\d", text[a:b]) else s for s, (a, b) in zip(scores, spans)]
    if scores:
        scores = [_scale(scores[0], FIRST_SENTENCE_BONUS), *scores[1:]]
    return units(text, spans, scores, rank, definition)


def units(text: str, spans: list[tuple[int, int]], scores: list[Scores], rank: int,
          definition: bool = False, standalone: bool = False) -> list[Quote]:
    """Every quotable unit of one passage with its per-concept scores. A short ``definition``
    ("Term: meaning. More meaning.") is also one unit, matching what its best sentences match.
    ``standalone``: only units that can stand alone as a quote (no heading, no lead-in without
    its items, no few words), each once (the fitted scorer's candidates)."""
    sentence = [text[a:b].strip() for a, b in spans]
    items_of: dict[int, list[int]] = {}
    for i in range(len(spans)):
        j = _introduction(text, spans, i)
        if j is not None:
            items_of.setdefault(j, []).append(i)

    def finish(i: int) -> list[int]:
        """The sentence completing sentence i ("These services are outside the scope"), if short
        enough; a list item keeps its own continuation but never the next item."""
        n = i + 1
        if n < len(spans) and _CONTINUES.match(sentence[n]) and not is_bullet(text, spans[n]) \
                and spans[n][1] - spans[i][0] <= CONTINUATION_CHARS:
            return [n]
        return []

    out: list[Quote] = []
    if definition and len(spans) > 1 and len(text) <= DEFINITION_CHARS:
        # First, so that where it only ties with one of its own sentences the whole one is quoted.
        out.append(Quote(rank, _merge(spans, list(range(len(spans)))), tuple(map(max, zip(*scores))), "definition"))
    for i, s in enumerate(scores):
        row = TABLE_CELL_SEPARATOR in sentence[i]
        if i in items_of:  # a list's introduction, with its best-matching item
            k = max(items_of[i], key=lambda x: sum(scores[x]))
            out.append(Quote(rank, _merge(spans, [i, k, *finish(k)]), _plus(s, scores[k], LIST_CONTEXT_SHARE), "list"))
            continue
        j = _introduction(text, spans, i)
        if j is not None:  # a list item or table row, with the sentence or header row introducing it
            out.append(Quote(rank, _merge(spans, [j, i, *finish(i)]), _plus(s, scores[j], LIST_CONTEXT_SHARE),
                             "row" if row else "item"))
            continue
        chosen = [i]
        if (sentence[i].endswith(":") or _DATELINE.match(sentence[i])) and i + 1 < len(spans):
            chosen.append(i + 1)  # "Lot 2:" or a dateline says nothing without what follows
        else:
            chosen += finish(i)
        quote = Quote(rank, _merge(spans, chosen), s, "row" if row else "sentence")
        if not (standalone and is_fragment(quote.text(text))):
            out.append(quote)
    if not standalone:
        return out
    unique: dict[tuple, Quote] = {}
    for quote in out:  # a header row and its only row are one unit, found from either end
        unique.setdefault(quote.pieces, quote)
    return list(unique.values())
