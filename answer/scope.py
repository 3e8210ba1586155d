"""When not to answer: questions outside the documents' subject, and questions the documents
touch too weakly to quote with confidence.

Two signals, both about the question against this corpus rather than lists of off-topic
subjects, so they carry over to questions nobody has asked yet:

* ``domain``: how much of the question's own vocabulary (weighted by rarity) the corpus or
  the NHS lexicon knows. "What dose of amoxicillin for a child?" shares almost nothing.
* ``dense``: cosine similarity of the question to its nearest passage.

The thresholds are calibrated on the evaluation set's dev split (see the eval report): every
out-of-scope question declined while as few answerable ones as possible are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from answer import bm25, lexicon
from answer.retrieve import Retrieval

# Calibrated on the eval dev split.
MIN_DOMAIN = 0.5  # below this share of known vocabulary the question is about something else
MIN_DENSE = 0.30  # nearest passage less similar than this: the documents do not discuss it
UNKNOWN_WORD_IDF = 4.0  # idf given to a word the corpus has never seen

LEXICON_WORDS = frozenset(
    w
    for phrase in [*lexicon.ACRONYMS, *(e for v in lexicon.ACRONYMS.values() for e in v), *lexicon.SYNONYMS]
    for w in bm25.words(phrase)
)


@dataclass(frozen=True)
class Verdict:
    answerable: bool
    reason: Optional[str]  # "out_of_scope" or "weak_evidence" when not answerable
    domain: float
    dense: float


def domain_share(question: str, idf: dict[str, float]) -> float:
    """Share of the question's content words the domain knows, each weighted by its rarity."""
    words = set(bm25.words(question))
    if not words:
        return 0.0
    weight = {w: idf.get(w, UNKNOWN_WORD_IDF) for w in words}
    known = sum(weight[w] for w in words if w in idf or w in LEXICON_WORDS)
    return known / sum(weight.values())


def judge(question: str, retrieval: Retrieval) -> Verdict:
    idf = retrieval.corpus.bm25.idf
    domain = domain_share(question, idf)
    dense = retrieval.best_dense
    if not retrieval.hits or domain < MIN_DOMAIN:
        return Verdict(False, "out_of_scope", domain, dense)
    if dense < MIN_DENSE:
        return Verdict(False, "weak_evidence", domain, dense)
    return Verdict(True, None, domain, dense)
