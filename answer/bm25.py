"""Okapi BM25 over passages, with the tokeniser the rest of the answering core shares.

Tokens are lower-case words with light suffix stripping, so "funded", "funding" and "funds"
meet; stopwords go. Adjacent word pairs are indexed too ("lot_2", "registration_authority"),
so an exact phrase outranks the same words scattered through a passage.
"""

from __future__ import annotations

import re
from array import array
from collections import Counter
from functools import lru_cache
from typing import Sequence

import numpy as np

_WORD = re.compile(r"[a-z0-9]+(?:&[a-z0-9]+)*")

STOPWORDS = frozenset(
    """a about above after again all also am an and any are as at be because been before being below between both
    but by can could did do does doing done down during each either else etc even ever every few for from further
    had has have having he her here hers him his how i if in into is it its itself just let me more most much must
    my need needs no nor not now of off on once only or other our ours out over own per please same shall she should
    so some such than that the their theirs them then there these they this those through thus to too under until
    up upon us very via was we were what whatever when where whether which while who whom whose why will with
    within without would yes yet you your yours eg ie e g i e""".split()
    # Words that frame a question rather than say what it is about.
    + """actually anything anyone anybody something someone somebody thing things like stand mean means meaning
    tell say says said know explain get gets getting got go goes going went really still currently nowadays today ok okay back
    please thanks hi hello many much roughly approximately""".split()
)
_CLITIC = re.compile(r"(?<=[a-z])['’](?:s|re|ve|ll|d|m)\b|n['’]t\b")
_ACRONYM_PLURAL = re.compile(r"\b([A-Z]{2,}[0-9]?)s\b")  # "CCGs" -> "CCG", "PCNs" -> "PCN"
# "Organisations out of scope" is the opposite of "Organisations in scope", yet without its
# stopwords it reads the same: the phrase is one word.
_OUT_OF_SCOPE = re.compile(r"\bout[\s-]+of[\s-]+(?:the[\s-]+)?scope\b")


@lru_cache(maxsize=1 << 18)  # a corpus has far fewer distinct words than words: building BM25 is mostly this
def stem(word: str) -> str:
    """Suffix stripping light enough to keep acronyms and numbers intact."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("ly") and len(word) >= 6 and word[-3] not in "pi":
        return stem(word[:-2])  # directly -> direct, annually -> annual (not supply, apply, family)
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]  # planned -> plan, running -> run
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]  # provide / provided / providing all become "provid"
    return word


def words(text: str) -> list[str]:
    """Stemmed content words in order."""
    text = _OUT_OF_SCOPE.sub("outofscope", _CLITIC.sub("", _ACRONYM_PLURAL.sub(r"\1", text).lower()))
    return [stem(w) for w in _WORD.findall(text) if w not in STOPWORDS]


def tokens(text: str) -> list[str]:
    """Content words plus adjacent pairs ("lot_2"): what BM25 indexes and queries with."""
    ws = words(text)
    return ws + [f"{a}_{b}" for a, b in zip(ws, ws[1:])]


@lru_cache(maxsize=1 << 16)  # the same sentences are scored question after question
def token_set(text: str) -> frozenset[str]:
    """``tokens`` of a text as a set."""
    return frozenset(tokens(text))


_DEFINED = re.compile(r"\(([A-Z][A-Za-z0-9&]*[A-Z][A-Za-z0-9&]*)\)")


def definition_tokens(text: str) -> list[str]:
    """A marker term for each acronym a text defines, "Full Name (ACRONYM)": so "what does X
    stand for?" can find where X is spelled out, not just where it is used."""
    return [f"define:{a.lower()}" for a in _DEFINED.findall(text)]


def is_pair(term: str) -> bool:
    return "_" in term


class BM25:
    """Okapi BM25 (k1, b) over pre-tokenised documents; queries are weighted terms.

    Each term's postings are a sorted array of document numbers with the term's precomputed
    score in each, so a query costs a few numpy operations per term however long its
    postings are (a Python loop over them took ~1.5 s at 100,000 passages).
    """

    def __init__(self, documents: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.75):
        if k1 < 0 or not 0 <= b <= 1:
            raise ValueError(f"need k1 >= 0 and 0 <= b <= 1, got k1={k1}, b={b}")
        self.size = len(documents)
        term_ids = _Vocabulary()
        terms, docs, freqs = array("i"), array("i"), array("f")
        for i, doc in enumerate(documents):
            tf = Counter(doc)
            terms.extend([term_ids[t] for t in tf])
            docs.extend([i] * len(tf))
            freqs.extend(tf.values())
        lengths = np.fromiter(map(len, documents), dtype=np.float32, count=self.size)
        term_of = np.frombuffer(terms, dtype=np.int32)
        order = np.argsort(term_of, kind="stable")  # grouped by term, documents ascending within each
        doc_of, tf = np.frombuffer(docs, dtype=np.int32)[order], np.frombuffer(freqs, dtype=np.float32)[order]
        df = np.bincount(term_of, minlength=len(term_ids))
        self._start = np.concatenate(([0], np.cumsum(df)))
        idf = np.log(1 + (self.size - df + 0.5) / (df + 0.5))
        self.idf = dict(zip(term_ids, idf.tolist()))
        self._term_ids = dict(term_ids)
        avg = float(lengths.mean()) if self.size else 1.0
        norm = k1 * (1 - b + b * lengths[doc_of] / (avg or 1.0))
        self._docs = doc_of
        self._impact = (idf[term_of[order]] * tf * (k1 + 1) / (tf + norm)).astype(np.float32)

    def _postings(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        t = self._term_ids.get(term)
        if t is None:
            return _EMPTY_DOCS, _EMPTY_SCORES
        a, z = self._start[t], self._start[t + 1]
        return self._docs[a:z], self._impact[a:z]

    def scores(self, concepts: Sequence[Sequence[tuple[Sequence[str], float]]]) -> np.ndarray:
        """Score of every document (0 for one matching no concept).

        A concept is a list of alternative names, each (terms, weight); a document earns a
        concept's score once, through its best name, and a name counts only when all its words
        are there ("phone system" is not matched by "systems" alone). A name's score is
        averaged over its words, so a five-word expansion counts like the acronym it expands,
        and its word pairs add on top when the phrase appears as written.
        """
        out = np.zeros(self.size, dtype=np.float32)
        for concept in concepts:
            matches = [m for terms, weight in concept if weight > 0 for m in [self._name(terms, weight)] if m[0].size]
            if len(matches) == 1:
                out[matches[0][0]] += matches[0][1]
            elif matches:
                having = np.concatenate([m[0] for m in matches])
                values = np.concatenate([m[1] for m in matches])
                order = np.lexsort((-values, having))  # per document, its best name first
                having, values = having[order], values[order]
                first = np.ones(having.size, dtype=bool)
                first[1:] = having[1:] != having[:-1]
                out[having[first]] += values[first]
        return out

    def having(self, words: Sequence[str]) -> np.ndarray:
        """The documents holding every one of ``words`` (sorted). The rarest word's postings are
        looked up in the others, so a common word ("gp") costs a binary search per candidate,
        not a pass over its whole postings."""
        if not words:
            return _EMPTY_DOCS
        postings = sorted((self._postings(t)[0] for t in words), key=len)
        having = postings[0]
        for other in postings[1:]:
            if not having.size:
                break
            at = np.minimum(np.searchsorted(other, having), other.size - 1)
            having = having[other[at] == having]
        return having

    def _name(self, terms: Sequence[str], weight: float) -> tuple[np.ndarray, np.ndarray]:
        """The documents holding every word of a name, and the name's score in each."""
        words = [t for t in terms if not is_pair(t)] or list(terms)  # a word pair alone is its own name
        having = self.having(words)
        total = np.zeros(having.size, dtype=np.float32)
        for term in terms:
            docs, impact = self._postings(term)
            if not docs.size:
                continue
            at = np.searchsorted(docs, having)
            found = at < docs.size
            found[found] = docs[at[found]] == having[found]
            total[found] += impact[at[found]]
        return having, total * (weight / len(words))


class _Vocabulary(dict):
    """Term -> id, numbering new terms as they come."""

    def __missing__(self, term: str) -> int:
        self[term] = len(self)
        return self[term]


_EMPTY_DOCS = np.zeros(0, dtype=np.int32)
_EMPTY_SCORES = np.zeros(0, dtype=np.float32)
