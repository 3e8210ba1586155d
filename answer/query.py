"""A question turned into what the two retrievers need: weighted lexical terms and a text to embed."""

from __future__ import annotations

from dataclasses import dataclass, field

from answer import bm25, lexicon


@dataclass(frozen=True)
class Query:
    question: str  # what the user asked (merged with the conversation's subject for a follow-up)
    dense_text: str  # the question with acronyms spelled out and other names of the same bodies
    terms: dict[str, float] = field(default_factory=dict)  # BM25 term -> weight
    own_terms: frozenset[str] = frozenset()  # the terms the user actually typed


def build_query(question: str) -> Query:
    own = bm25.tokens(question)
    terms = {t: 1.0 for t in own}
    related = lexicon.expansions(question)
    for phrase, weight in related.items():
        for t in bm25.tokens(phrase):
            terms[t] = max(terms.get(t, 0.0), weight)
    names = [p for p, w in related.items() if w > lexicon.SYNONYM]
    dense = f"{question} ({'; '.join(names)})" if names else question
    return Query(question=question, dense_text=dense, terms=terms, own_terms=frozenset(own))


def with_context(query: Query, context: Query, weight: float = 0.6) -> Query:
    """A follow-up's query with the earlier question's subject merged in at a lower weight,
    so the new words ("what about for PCNs?") lead and the old ones fill in the subject."""
    terms = dict(query.terms)
    for term, w in context.terms.items():
        terms[term] = max(terms.get(term, 0.0), w * weight)
    return Query(
        question=f"{context.question} {query.question}",
        dense_text=f"{context.dense_text} {query.dense_text}",
        terms=terms,
        own_terms=query.own_terms | context.own_terms,
    )
