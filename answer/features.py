"""One row of features per candidate quote, general to any document and any question.

The fitted scorer (answer/scorer.py) weighs these; nothing here decides anything. Features are
of three kinds: how well the passage matched (fused, dense, lexical, rank), how well the quote
itself matched (its own dense similarity, lexical score, coverage of the question's concepts,
whether it names the question's subject and gives what the question's kind asks for), and what
the quote is (its document's status and age, list item, table row, definition, length,
dangling start). Question-level signals (how close the nearest passage is, how many of the
question's words the documents never use) are in every row, so the same model's probability
also says whether to answer at all.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from answer import bm25
from answer.quotes import Quote
from answer.question import KINDS, Question
from answer.query import build_query
from answer.retrieve import Hit
from opmodel.dates import MONTHS

FEATURES = (
    "passage_fused", "passage_dense", "passage_lexical", "passage_rank",
    "quote_dense", "quote_dense_gap", "quote_dense_rank", "quote_lexical", "quote_coverage", "quote_coverage_gap", "rarest_covered",
    "subject_named", "subject_missing", "duty_subject_missing", "kind_met", "kind_unmet",
    "status_current", "status_old", "age", "year_match", "source_match", "title_match",
    "unit_item", "unit_row", "unit_definition", "definition_asked", "first_sentence",
    "length", "dangling_start",
    "defines_named_term", "question_nearest", "question_unknown_share", "question_unknown_names", "subject_unknown",
    # The question's kind: how often a kind is answerable, and how well, differs from kind to kind.
    *(f"kind_is_{kind}" for kind in KINDS),
)

_MONEY = re.compile(r"[£$€]\s*\d|\d\s*(?:k|m|bn)\b|\b(?:million|billion|pounds?|per cent|percent)\b|\d\s*%", re.I)
_NUMBER = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozen|hundred|thousand)\b", re.I)
_DATE = re.compile(rf"\b(?:19|20)\d\d\b|\b(?-i:{MONTHS})\b|\b\d{{1,2}}[:.]\d\d\b|\b\d+\s*(?:days?|weeks?|months?|years?|hours?|minutes?)\b"
                   r"|\b(?:annual|annually|monthly|weekly|daily|every)\b", re.I)
# Looking ahead: a future word, or a date the text counts towards ("from April 2026", "by 2027").
_AHEAD = re.compile(r"\b(?:will|shall|expected|expects?|planned|planning|plans|due|shortly|forthcoming|upcoming|going to)\b"
                    rf"|\b(?:from|by|until|before)\s+(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?(?:(?-i:{MONTHS})|(?:19|20)\d\d)\b", re.I)
_DUTY = frozenset(bm25.words(
    "pay pays paid fund funds funded funding cost costs budget responsible responsibility responsibilities accountable "
    "purchase buy procure procures provide provides provided provision commission commissions commissioned supply "
    "supplies maintain maintains support supports owner own owns manage manages managed charge"))
_COVERS = frozenset(bm25.words(
    "include includes included including cover covers covered core scope fund funded funding eligible exclude "
    "excluded excludes responsibility responsible part"))
_DEFINES = re.compile(r"\bmeans?\b|\bdefined as\b|\brefers? to\b|\bstands? for\b|\bis (?:a|an|the) \w+|\(\w+\)|^[^.:]{2,60}:", re.I)
_ADVISES = re.compile(r"\b(?:recommend\w*|encourag\w*|advis\w*|best|should|must|guidance|choose)\b", re.I)
_DANGLING = re.compile(r"^\W*(?:These|This|They|It|Such|Those|Them|He|She|Its)\b")
COUNT_REACH = 3  # words between a number and what it counts ("three tiers", "86 GP practices")


@dataclass(frozen=True)
class Context:
    """What every row of one question shares."""

    question: Question
    hits: list[Hit]
    idf: dict
    nearest: float  # cosine of the nearest passage to the question
    unknown_share: float  # share of the question's content words the documents and lexicon never use
    unknown_names: float  # names / acronyms the documents never mention, as a share of the question's content words
    newest_year: int  # newest dated document among the hits


def _year(published) -> int | None:
    return int(published[:4]) if published and published[:4].isdigit() else None


def subject_names(question: Question) -> tuple[tuple[str, ...], ...] | None:
    """Stems of each name the subject's head word goes by ("phones": phone, telephony), or None."""
    if not question.subject or not question.subject_head:
        return None
    head = question.subject_head
    for concept in build_query(question.subject).concepts:
        if any(head in terms for terms, _ in concept):
            return tuple(tuple(t for t in terms if not bm25.is_pair(t)) for terms, w in concept if w >= 0.7)
    return ((head,),)


def _named(names, text_tokens: set[str]) -> bool:
    return any(names_ and all(t in text_tokens for t in names_) for names_ in names)


def _counts(names, text: str) -> bool:
    words = re.findall(r"[A-Za-z][\w-]*|\d[\d,.]*", text)
    at = [i for i, w in enumerate(words) if any(bm25.stem(w.lower()) in n for n in names)]
    numbers = [i for i, w in enumerate(words) if w[0].isdigit() or _NUMBER.fullmatch(w)]
    return any(abs(i - j) <= COUNT_REACH for i in at for j in numbers)


def kind_satisfied(question: Question, text: str, tokens: set[str], names, defined: bool) -> bool | None:
    """Does the quote give what the question's kind asks for? None when the kind asks for nothing."""
    kind = question.kind
    if kind == "amount":
        return bool(_MONEY.search(text))
    if kind == "count":
        return _counts(names, text) if names else bool(_NUMBER.search(text))
    if kind == "date":
        return bool(_DATE.search(text)) and (not question.future or bool(_AHEAD.search(text)))
    if kind in ("pays", "who"):
        return not _DUTY.isdisjoint(tokens)
    if kind == "covered":
        return not _COVERS.isdisjoint(tokens)
    if kind == "definition":
        return defined or bool(_DEFINES.search(text))
    if kind == "advice":
        return bool(_ADVISES.search(text))
    return None


def _coverage(quote: Quote, weights: list[float], titled: list[bool]) -> float:
    """Share of the question's concept weight the quote matches. Concepts its document's title
    already names ("...in the ICB's equipment policy?") count as matched: they say where the
    answer is, not what it says."""
    total = sum(weights)
    if not total:
        return 0.0
    return sum(w for w, s, t in zip(weights, quote.scores, titled) if s > 0 or t) / total


def _in_title(question: Question, title: str) -> list[bool]:
    words = set(bm25.tokens(title))
    return [all(t in words for t in concept[0][0]) for concept in question.query.all_concepts]


def concept_weights(question: Question, idf: dict) -> list[float]:
    """Each concept's weight for coverage: its own name's rarest term for the question's own
    single-word and phrase concepts, 0 for word pairs and the conversation's earlier subject.
    A word no document uses weighs as much as the rarest word they do: it is what the question
    is most specifically about, and nothing quoted can cover it."""
    rarest = max(idf.values(), default=1.0)
    out = []
    own = len(question.query.concepts)
    for i, concept in enumerate(question.query.all_concepts):
        terms = concept[0][0]
        if i >= own or all(bm25.is_pair(t) for t in terms) or any(t.startswith("define:") for t in terms):
            out.append(0.0)
        else:
            out.append(max((idf.get(t, rarest) for t in terms), default=0.0))
    return out


def rows(ctx: Context, pool: list[Quote], quote_dense: np.ndarray) -> np.ndarray:
    """The feature matrix, one row per quote of ``pool`` (FEATURES order)."""
    q = ctx.question
    names = subject_names(q)
    count_names = None
    if q.kind == "count" and q.subject:
        count_names = [set(n) for n in (subject_names(q) or ())] or [set(bm25.words(q.subject))]
    weights = concept_weights(q, ctx.idf)
    question_words = set(bm25.words(q.text))
    # What the question is about is a word no document uses under any of its names: nothing
    # quoted can be about it ("mergers"; not "phones", which the documents call telephony).
    subject_unknown = bool(names) and not any(all(t in ctx.idf for t in name) for name in names if name)
    best_fused = max((h.score for h in ctx.hits), default=1.0) or 1.0
    best_lex = max((c.score for c in pool), default=0.0) or 1.0
    best_dense = float(quote_dense.max()) if len(pool) else 0.0
    dense_rank = np.empty(len(pool))
    dense_rank[np.argsort(-quote_dense, kind="stable")] = np.arange(len(pool))
    titled = {h.passage.source: _in_title(q, h.passage.title) for h in ctx.hits}
    coverages = [_coverage(c, weights, titled[ctx.hits[c.passage_rank].passage.source]) for c in pool]
    rarest = int(np.argmax(weights)) if weights and max(weights) > 0 else None
    best_cov = max(coverages, default=0.0)
    kinds = {f"kind_is_{kind}": float(q.kind == kind) for kind in KINDS}
    out = np.zeros((len(pool), len(FEATURES)), dtype=np.float64)
    for r, (quote, dense, cov) in enumerate(zip(pool, quote_dense, coverages)):
        hit = ctx.hits[quote.passage_rank]
        p = hit.passage
        text = quote.text(p.text)
        tokens = bm25.token_set(text)
        defined = quote.unit == "definition" or (bool(p.defined_term) and quote.pieces[0][0] == 0)
        met = kind_satisfied(q, text, tokens, count_names if q.kind == "count" else names, defined)
        named = _named(names, tokens) if names else None
        year = _year(p.published)
        values = {
            "passage_fused": hit.score / best_fused,
            "passage_dense": hit.dense,
            "passage_lexical": hit.lexical,
            "passage_rank": 1.0 / (quote.passage_rank + 1),
            "quote_dense": float(dense),
            "quote_dense_gap": float(dense) - best_dense,
            "quote_dense_rank": 1.0 / (dense_rank[r] + 1),
            "quote_lexical": quote.score / best_lex,
            "quote_coverage": cov,
            "quote_coverage_gap": cov - best_cov,
            "rarest_covered": float(rarest is not None and quote.scores[rarest] > 0),
            "subject_named": float(named is True),
            "subject_missing": float(named is False),
            # "Who pays for the practice building?": a quote on who pays for something else is no answer.
            "duty_subject_missing": float(named is False and q.kind in ("pays", "who", "covered")),
            "kind_met": float(met is True),
            "kind_unmet": float(met is False),
            "status_current": float(p.status == "current"),
            "status_old": float(p.status in ("superseded", "historical")),
            "age": min(2.0, max(0.0, (ctx.newest_year - year) / 10)) if year else 0.0,
            "year_match": float(bool(q.years) and (str(year) in q.years or any(y in text for y in q.years))),
            "source_match": float(bool(q.query.source) and q.query.source <= set(bm25.words(p.title))),
            "title_match": sum(w for w, t in zip(weights, titled[p.source]) if t) / (sum(weights) or 1.0),
            "unit_item": float(quote.unit in ("item", "list")),
            "unit_row": float(quote.unit == "row"),
            "unit_definition": float(defined),
            "definition_asked": float(defined and q.kind == "definition"),
            "first_sentence": float(quote.pieces[0][0] == 0),
            "length": math.log(max(len(text), 10)) / 6,
            "dangling_start": float(bool(_DANGLING.match(text))),
            "question_nearest": ctx.nearest,
            "question_unknown_share": ctx.unknown_share,
            "defines_named_term": float(bool(p.defined_term) and quote.pieces[0][0] == 0
                                        and set(bm25.words(p.defined_term)) <= question_words),
            "question_unknown_names": ctx.unknown_names,
            "subject_unknown": float(subject_unknown),
            **kinds,
        }
        out[r] = [values[name] for name in FEATURES]
    return out
