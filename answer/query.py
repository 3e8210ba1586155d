"""A question turned into what the two retrievers need: weighted lexical concepts and a text to embed.

A concept is one thing the user asked about with its interchangeable names ("ICB" or
"integrated care board" or, in older text, "CCG"). A passage earns a concept's score once,
through its best-matching name, so a passage that spells out an acronym and also uses it
does not outrank one that answers the question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from answer import bm25, lexicon

PAIR_WEIGHT = 0.5  # adjacent words of the question found together ("Lot 2") add this much per pair
# "Who pays / provides / decides ...?" asks for a responsible party; documents answer with
# "X is responsible for ..." or "... remains a practice responsibility".
ASKS_WHO = re.compile(r"^\W*(and |so |but )?who\b|\bwho(se)? (is|are|was|were|has|have|should|must|will|does|do)\b", re.I)
RESPONSIBILITY_WORDS = ("responsible", "responsibility", "responsibilities", "accountable", "accountability")
INTENT_WEIGHT = 0.5
# "What does GPSoC stand for?": look for where the acronym is defined, "Full Name (GPSoC)".
ASKS_MEANING = re.compile(
    r"\bstands? for\b|\bmeans?\b|\bmeaning\b|\bacronym\b|\babbreviation\b"
    r"|^\W*what(?: is|'s| are) (?:an? |the )?\w+\W*$",  # "What is DFOCVC?"
    re.I,
)
_ACRONYM = re.compile(r"\b[A-Z][A-Za-z0-9&]*[A-Z][A-Za-z0-9&]*\b")

Alternative = tuple[tuple[str, ...], float]  # BM25 terms of one name (words, then word pairs), weight
Concept = tuple[Alternative, ...]

_SOURCE_NAME = r"[A-Z][\w&’'-]*(?:\s+(?:and\s+)?[A-Z][\w&’'-]*)*"
_SOURCE_KIND = r"(?:\s+(?P<{}>page|article|site|website|document|report|news|guidance))?"
# "According to Lancashire and Cumbria LMC, ...", "Per the LMC page", "What does the LMC mean by ...",
# "The LMC describes ...": the question names where the answer is said, not what it is about.
_SOURCE_REFERENCE = re.compile(
    rf"\b(?i:according to|per)\s+(?i:the\s+)?(?P<by>{_SOURCE_NAME}){_SOURCE_KIND.format('by_kind')}"
    rf"|\b(?i:the)\s+(?P<says>{_SOURCE_NAME}){_SOURCE_KIND.format('says_kind')}"
    r"\s+(?:says?|said|talks?|describes?|means?|mentions?|explains?|lists?|calls?|puts?)\b",
)


def source_named(question: str) -> tuple[set[str], set[str]]:
    """Stems of the source a question attributes its answer to ("the LMC"), and of the kind of
    text it calls it ("page"): neither says what the question is about."""
    found = _SOURCE_REFERENCE.search(question)
    if not found:
        return set(), set()
    name, kind = (found.group("by"), found.group("by_kind")) if found.group("by") else (found.group("says"), found.group("says_kind"))
    return set(bm25.words(name)), set(bm25.words(kind or ""))


def names_only(concept: Concept, words) -> bool:
    """Is the concept, as the user put it, made of these words (or a pair with one of them)?"""
    own = concept[0][0]
    terms = [t for t in own if not bm25.is_pair(t)]
    pair = [w for t in own if bm25.is_pair(t) for w in t.split("_")]
    return (bool(terms) and all(t in words for t in terms)) or any(w in words for w in pair)


@dataclass(frozen=True)
class Query:
    question: str  # what the user asked (merged with the conversation's subject for a follow-up)
    dense_text: str  # the question with acronyms spelled out and other names of the same bodies
    concepts: tuple[Concept, ...]  # what this turn asks about
    context: tuple[Concept, ...] = ()  # a follow-up's subject, from the questions before it, weighted down
    source: frozenset[str] = frozenset()  # stems of the source the question cites ("according to the LMC")

    @property
    def all_concepts(self) -> tuple[Concept, ...]:
        return self.concepts + self.context


def _phrase_terms(phrase: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(bm25.tokens(phrase)))


def build_query(question: str) -> Query:
    plain = lexicon.normalise(question)
    spans = lexicon.find_spans(question)
    concepts: list[Concept] = []
    covered = [False] * len(plain)
    seen: set[str] = set()
    for phrase, start, end in spans:
        covered[start:end] = [True] * (end - start)
        if phrase in seen:  # "the practice's phone ... the practice": one subject, counted once
            continue
        seen.add(phrase)
        names: dict[tuple[str, ...], float] = {_phrase_terms(phrase): 1.0}
        for name, weight in lexicon.related_terms(phrase).items():
            terms = _phrase_terms(name)
            names[terms] = max(names.get(terms, 0.0), weight)
        concepts.append(tuple((t, w) for t, w in names.items() if t))
    rest = "".join(" " if covered[i] else ch for i, ch in enumerate(plain))
    # A clitic cut off from its lexicon word ("practice" + "'s") is not a word of its own.
    concepts += [(((w,), 1.0),) for w in dict.fromkeys(bm25.words(rest)) if len(w) > 1 or w.isdigit()]
    words = bm25.words(question)
    concepts += [(((f"{a}_{b}",), PAIR_WEIGHT),) for a, b in dict.fromkeys(zip(words, words[1:]))]
    if ASKS_MEANING.search(question):
        concepts += [(((f"define:{a.lower()}",), 1.0),) for a in dict.fromkeys(_ACRONYM.findall(question))]
    if ASKS_WHO.search(question):
        concepts.append(tuple(((bm25.stem(w),), INTENT_WEIGHT) for w in RESPONSIBILITY_WORDS))

    names = lexicon.other_names(question)
    dense = f"{question} ({'; '.join(names)})" if names else question
    source, kind = source_named(question)
    if kind:  # "the LMC page": the page is where, not what
        concepts = [c for c in concepts if not names_only(c, kind)]
    return Query(question=question, dense_text=dense, concepts=tuple(concepts), source=frozenset(source))


def with_context(query: Query, context: Query, weight: float = 0.6) -> Query:
    """A follow-up's query with the earlier question's subject merged in at a lower weight,
    so the new words ("what about for PCNs?") lead and the old ones fill in the subject."""
    older = tuple(tuple((terms, w * weight) for terms, w in concept) for concept in context.concepts)
    return Query(
        question=f"{context.question} {query.question}",
        dense_text=f"{context.dense_text} {query.dense_text}",
        concepts=query.concepts,
        context=older + context.context,
        source=query.source,
    )
