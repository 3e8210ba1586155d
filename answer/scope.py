"""When not to answer: questions outside the documents' subject, and questions the documents
touch too weakly to quote with confidence.

The signals are about the question against this corpus, not lists of off-topic subjects, so
they carry over to questions nobody has asked yet:

* ``dense``: cosine similarity of the question to its nearest passage. Off-topic questions
  ("a good recipe for lasagne?") sit far from every passage.
* ``unknown``: the share of the question's own content words that neither the corpus nor the
  NHS lexicon knows. "How do I mute a channel in Slack?" is all unknown words; a paraphrase
  ("who foots the bill for the phones?") keeps most of its words in the domain.

* ``named``: names in the question (capitalised mid-sentence, or acronyms) that neither the
  corpus nor the lexicon knows. "By when must PCs be upgraded to Windows 11?" reads like the
  domain, but the documents never mention Windows: whatever they say, it is not the answer.

* ``figures``: a question asking for an amount or a date ("how much does X cost?", "what is
  the budget for 2025?") needs a figure in the passages it would quote, and a year the
  documents never mention is outside the period they cover.

A question is declined when its nearest passage is far, when most of its words are foreign
to the domain, or when it names something the documents never mention and is not very
close to any passage.
The thresholds are calibrated on the evaluation set's dev split.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from answer import bm25, lexicon
from answer.retrieve import Retrieval

# Calibrated on the eval dev split.
MIN_DENSE = 0.32  # nearest passage less similar than this: the documents do not discuss it
CLEAR_DENSE = 0.70  # below this, naming something the documents never mention means declining
MAX_UNKNOWN_SHARE = 0.5  # at least this share of unknown words (of 2 or more) is another subject

FIGURE_PASSAGES = 3  # passages an answer would quote from
_ASKS_FOR_A_FIGURE = re.compile(r"\b(how (much|many)|what (year|date)|(cost|price|budget|amount) of)\b", re.I)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_FIGURE = re.compile(r"\d|£|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozen|hundred|"
                     r"thousand|million|billion|first|second|third|annual|monthly|weekly|daily)\b", re.I)
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9&\-]*")
LEXICON_WORDS = frozenset(
    w
    for phrase in [*lexicon.ACRONYMS, *(e for v in lexicon.ACRONYMS.values() for e in v), *lexicon.EQUIVALENTS,
                   *lexicon.SYNONYMS, *lexicon.BROADER]
    for w in bm25.words(phrase)
)


@dataclass(frozen=True)
class Verdict:
    answerable: bool
    reason: Optional[str]  # "out_of_scope" or "weak_evidence" when not answerable
    dense: float
    unknown: tuple[str, ...]  # the question's words the domain does not know


def unknown_words(question: str, vocabulary) -> tuple[str, ...]:
    words = dict.fromkeys(bm25.words(question))
    return tuple(w for w in words if w not in vocabulary and w not in LEXICON_WORDS)


def unknown_names(question: str, vocabulary) -> tuple[str, ...]:
    """Capitalised words after the first, and acronyms, that the domain does not know."""
    names = [t for i, t in enumerate(_NAME.findall(question)) if i > 0 and t[0].isupper()]
    return tuple(t for t in names if any(w not in vocabulary and w not in LEXICON_WORDS for w in bm25.words(t)))


def judge(question: str, retrieval: Retrieval) -> Verdict:
    """``question`` is what the user typed in this turn (a follow-up without its context)."""
    idf = retrieval.corpus.bm25.idf
    own = set(bm25.words(question))
    unknown = unknown_words(question, idf)
    dense = retrieval.best_dense
    if not retrieval.hits:
        return Verdict(False, "weak_evidence", dense, unknown)
    if len(own) >= 2 and len(unknown) >= MAX_UNKNOWN_SHARE * len(own):
        return Verdict(False, "out_of_scope", dense, unknown)
    if dense < MIN_DENSE:
        return Verdict(False, "out_of_scope" if unknown else "weak_evidence", dense, unknown)
    if dense < CLEAR_DENSE and unknown_names(question, idf):
        return Verdict(False, "weak_evidence", dense, unknown)
    if any(year not in idf for year in _YEAR.findall(question)):
        return Verdict(False, "weak_evidence", dense, unknown)
    if _ASKS_FOR_A_FIGURE.search(question) and not any(
        _FIGURE.search(h.passage.text) for h in retrieval.hits[:FIGURE_PASSAGES]
    ):
        return Verdict(False, "weak_evidence", dense, unknown)
    return Verdict(True, None, dense, unknown)
