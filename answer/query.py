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


@dataclass(frozen=True)
class Query:
    question: str  # what the user asked (merged with the conversation's subject for a follow-up)
    dense_text: str  # the question with acronyms spelled out and other names of the same bodies
    concepts: tuple[Concept, ...]  # what this turn asks about
    context: tuple[Concept, ...] = ()  # a follow-up's subject, from the questions before it, weighted down

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
    return Query(question=question, dense_text=dense, concepts=tuple(concepts))


def with_context(query: Query, context: Query, weight: float = 0.6) -> Query:
    """A follow-up's query with the earlier question's subject merged in at a lower weight,
    so the new words ("what about for PCNs?") lead and the old ones fill in the subject."""
    older = tuple(tuple((terms, w * weight) for terms, w in concept) for concept in context.concepts)
    return Query(
        question=f"{context.question} {query.question}",
        dense_text=f"{context.dense_text} {query.dense_text}",
        concepts=query.concepts,
        context=older + context.context,
    )
