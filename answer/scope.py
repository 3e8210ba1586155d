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

* ``absent``: an acronym the question is about that the documents never use under any of its
  names ("What does HSCN replace?"), a topic word they never use ("...say about practice
  mergers?"), a year they never mention (outside the period they cover), or a period they
  never name (a financial year, an edition's span).

A question is declined when its nearest passage is far; when half or more of its words are
foreign to the domain; when it is only moderately close and any of its words is foreign; or
when it names something the documents never mention. Whether the quotes found then answer it
is ``answer.fit``'s to say.
The thresholds are calibrated on the evaluation set's dev split, checked against further
questions written for the purpose (off-topic, in-domain but unanswered, and hard paraphrases).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from answer import bm25, fit, lexicon
from answer.retrieve import Corpus, Retrieval
from opmodel.dates import YEAR, periods

# Calibrated on the eval dev split.
MIN_DENSE = 0.32  # nearest passage less similar than this: the documents do not discuss it
UNSURE_DENSE = 0.40  # below this, any word foreign to the domain tips the balance to declining
CLEAR_DENSE = 0.70  # below this, naming something the documents never mention means declining
MAX_UNKNOWN_SHARE = 0.5  # at least this share of unknown words is another subject...
MIN_WORDS_FOR_SHARE = 3  # ...in a question of at least this many content words

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
    missing: tuple[str, ...] = ()  # what the question names, as typed, that the documents never mention


def _known_stem(stem: str, vocabulary) -> bool:
    return stem in vocabulary or stem in LEXICON_WORDS


def known_word(word: str, vocabulary) -> bool:
    """Does the corpus (its stems) or the NHS lexicon know this lower-case word?"""
    return _known_stem(bm25.stem(word), vocabulary)


def unknown_words(question: str, vocabulary) -> tuple[str, ...]:
    words = dict.fromkeys(bm25.words(question))
    return tuple(w for w in words if not _known_stem(w, vocabulary))


_SENTENCE_END = re.compile(r"(?:^|[.?!])\W*$")


def capitalised_words(question: str) -> list[str]:
    """Words written with a capital where a sentence does not start with them: what a name
    looks like in a question ("Cerner"; not "Apart" in "... from a GP's car. Apart from BDH")."""
    return [m.group() for m in _NAME.finditer(question)
            if m.group()[0].isupper() and not _SENTENCE_END.search(question[:m.start()])]


def unknown_names(question: str, vocabulary) -> tuple[str, ...]:
    """Capitalised words not starting a sentence, and acronyms, that the domain does not know."""
    return tuple(t for t in capitalised_words(question) if not all(_known_stem(w, vocabulary) for w in bm25.words(t)))


_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9&]+(?=s?\b)")
CENTRAL_SHARE = 1 / 3  # of a question's content words, for an absent name to be what it is about


def absent_acronyms(question: str, corpus: Corpus) -> tuple[str, ...]:
    """Acronyms the lexicon knows but the documents never use under any of their names, and
    that the question is about rather than mentions in passing: "What does HSCN replace?"
    asked of documents naming neither HSCN nor N3 (not "... like HR and finance?")."""
    absent = tuple(
        a for a in dict.fromkeys(_ACRONYM.findall(question))
        if bm25.words(a) and not corpus.mentions(a)
        and not any(corpus.mentions(n) for n, w in lexicon.related_terms(a.lower()).items() if w >= lexicon.LINEAGE_NAME)
    )
    words = set(bm25.words(question))
    return absent if words and len(absent) >= CENTRAL_SHARE * len(words) else ()


def judge(question: str, retrieval: Retrieval, own_dense: Optional[float] = None,
          reworded_dense: Optional[float] = None) -> Verdict:
    """``question`` is what the user typed in this turn. For a follow-up, ``retrieval`` was
    made with the conversation's earlier questions and ``own_dense`` is how close the
    follow-up's own words come to the documents. ``reworded_dense``: how close the question
    comes in the documents' own words ("phones" as "telephony"), when it was worth asking."""
    idf = retrieval.corpus.bm25.idf
    own = set(bm25.words(question))
    unknown = unknown_words(question, idf)
    dense = max(retrieval.best_dense, reworded_dense or 0.0)
    if not retrieval.hits:
        return Verdict(False, "weak_evidence", dense, unknown)
    # Mostly foreign words mean another subject, unless the passage found is this close: idioms
    # the corpus never uses ("come to an end") must not outvote it. A follow-up's retrieval
    # leans on the conversation, so what counts is how close its own words come; and since a
    # follow-up is mostly everyday words ("why was that item taken out?"), a moderate closeness
    # already shows it is still on the subject.
    closeness, enough = (dense, CLEAR_DENSE) if own_dense is None else (own_dense, UNSURE_DENSE)
    if closeness < enough and len(own) >= MIN_WORDS_FOR_SHARE and len(unknown) >= MAX_UNKNOWN_SHARE * len(own):
        return Verdict(False, "out_of_scope", dense, unknown)
    # However short, a follow-up made only of foreign words has changed the subject ("and the
    # football?"); answering it from the conversation would repeat the last answer as if it fitted.
    if own_dense is not None and own and len(unknown) == len(own) and own_dense < UNSURE_DENSE:
        return Verdict(False, "out_of_scope", dense, unknown)
    if dense < MIN_DENSE:
        return Verdict(False, "out_of_scope" if unknown else "weak_evidence", dense, unknown)
    if dense < UNSURE_DENSE and unknown:
        return Verdict(False, "weak_evidence", dense, unknown)
    if dense < CLEAR_DENSE and (names := unknown_names(question, idf) or absent_acronyms(question, retrieval.corpus)):
        return Verdict(False, "weak_evidence", dense, unknown, names)
    if topic := unknown_topic(question, idf):
        return Verdict(False, "weak_evidence", dense, unknown, _as_typed(question, topic))
    if years := tuple(y for y in dict.fromkeys(YEAR.findall(question)) if y not in idf):
        return Verdict(False, "weak_evidence", dense, unknown, years)
    if absent := absent_periods(periods(question).items(), retrieval.corpus):
        return Verdict(False, "weak_evidence", dense, unknown, absent)
    return Verdict(True, None, dense, unknown)


def absent_periods(question_periods, corpus: Corpus) -> tuple[str, ...]:
    """Periods the question names ("2023/24", "the 2027-2030 edition"), as typed, that no
    document names: the documents cannot say what was budgeted or planned for a period they
    never mention, though they mention its years in passing ("from 1 October 2023")."""
    return tuple(typed for period, typed in question_periods if not corpus.names_period(period))


def _as_typed(question: str, stem: str) -> tuple[str, ...]:
    """The question's word for a stem ("mergers" for "merger")."""
    return tuple(dict.fromkeys(w for w in _NAME.findall(question) if bm25.stem(w.lower()) == stem))[:1] or (stem,)


def unknown_topic(question: str, vocabulary) -> Optional[str]:
    """The head word of what a "what does it say about X?" or "who is X?" question asks about,
    when neither the documents nor the lexicon know it: they cannot say anything about practice
    mergers, nor who a chief digital officer is. (A lead naming X is not required of "who is
    X?": "who is my IT provider?" is answered by the GP IT delivery partner's definition.)"""
    head = fit.asked_topic(question)
    return head if head and not _known_stem(head, vocabulary) else None
