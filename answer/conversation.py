"""Follow-up questions: "and who funds it?" only makes sense after the question before it.

A question is a follow-up when it opens like one ("and ...", "what about ...") or leans on
a pronoun with too few words of its own to name a subject. Its query then carries the
subject of the conversation: the last question that stood on its own, plus the follow-ups
asked since, so a chain of follow-ups keeps its thread.
"""

from __future__ import annotations

import re
from typing import Sequence

from answer import bm25
from answer.query import Query, build_query, with_context

OPENERS = re.compile(
    r"^\s*(and|also|but|so|or|plus|then|what about|how about|what of|same for|is that|is this|are they|are those|"
    r"was that|does that|does this|does it|do they|did they|is it|was it|and if|what if|why|how come|who else)\b",
    re.IGNORECASE,
)
PRONOUNS = frozenset("it its it's that this they them their those these there he she his her".split())
MAX_OWN_WORDS = 4  # a question with a pronoun and at most this many content words leans on context
CONTEXT_TURNS = 2  # earlier questions carried into a follow-up's query


def is_follow_up(question: str) -> bool:
    if OPENERS.match(question):
        return True
    raw = re.findall(r"[a-z']+", question.lower())
    return any(w in PRONOUNS for w in raw) and len(set(bm25.words(question))) <= MAX_OWN_WORDS


def subject(history: Sequence[str]) -> list[str]:
    """The earlier questions a follow-up refers to: back to the last one that stood alone."""
    thread: list[str] = []
    for previous in reversed(history):
        if not previous.strip():
            continue
        thread.insert(0, previous.strip())
        if not is_follow_up(previous):
            break
    return thread[-CONTEXT_TURNS:]


def contextual_query(question: str, history: Sequence[str] = ()) -> Query:
    query = build_query(question)
    if not history or not is_follow_up(question):
        return query
    thread = subject(history)
    if not thread:
        return query
    return with_context(query, build_query(" ".join(thread)))
