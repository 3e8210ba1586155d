"""Okapi BM25 over passages, with the tokeniser the rest of the answering core shares.

Tokens are lower-case words with light suffix stripping, so "funded", "funding" and "funds"
meet; stopwords go. Adjacent word pairs are indexed too ("lot_2", "registration_authority"),
so an exact phrase outranks the same words scattered through a passage.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Sequence

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
    text = _CLITIC.sub("", _ACRONYM_PLURAL.sub(r"\1", text).lower())
    return [stem(w) for w in _WORD.findall(text) if w not in STOPWORDS]


def tokens(text: str) -> list[str]:
    """Content words plus adjacent pairs ("lot_2"): what BM25 indexes and queries with."""
    ws = words(text)
    return ws + [f"{a}_{b}" for a, b in zip(ws, ws[1:])]


_DEFINED = re.compile(r"\(([A-Z][A-Za-z0-9&]*[A-Z][A-Za-z0-9&]*)\)")


def definition_tokens(text: str) -> list[str]:
    """A marker term for each acronym a text defines, "Full Name (ACRONYM)": so "what does X
    stand for?" can find where X is spelled out, not just where it is used."""
    return [f"define:{a.lower()}" for a in _DEFINED.findall(text)]


def is_pair(term: str) -> bool:
    return "_" in term


class BM25:
    """Okapi BM25 (k1, b) over pre-tokenised documents; queries are weighted terms."""

    def __init__(self, documents: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.75):
        if k1 < 0 or not 0 <= b <= 1:
            raise ValueError(f"need k1 >= 0 and 0 <= b <= 1, got k1={k1}, b={b}")
        self.k1, self.b = k1, b
        self._tf = [Counter(doc) for doc in documents]
        self._len = [len(doc) for doc in documents]
        self._avg = (sum(self._len) / len(self._len)) if self._len else 0.0
        df: Counter = Counter()
        for tf in self._tf:
            df.update(tf.keys())
        n = len(self._tf)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        self._postings: dict[str, list[int]] = {}
        for i, tf in enumerate(self._tf):
            for t in tf:
                self._postings.setdefault(t, []).append(i)

    def scores(self, concepts: Sequence[Sequence[tuple[Sequence[str], float]]]) -> dict[int, float]:
        """Document number -> score, for documents matching at least one concept.

        A concept is a list of alternative names, each (terms, weight); a document earns a
        concept's score once, through its best name, and a name counts only when all its words
        are there ("phone system" is not matched by "systems" alone). A name's score is
        averaged over its words, so a five-word expansion counts like the acronym it expands,
        and its word pairs add on top when the phrase appears as written.
        """
        out: dict[int, float] = {}
        for concept in concepts:
            best: dict[int, float] = {}
            for terms, weight in concept:
                words = [t for t in terms if not is_pair(t)] or list(terms)  # a word pair alone is its own name
                if weight <= 0:
                    continue
                postings = [self._postings.get(t, ()) for t in words]
                having = postings[0] if len(postings) == 1 else set(postings[0]).intersection(*postings[1:])
                for i in having:
                    s = sum(self._term_score(t, i) for t in terms if self._tf[i][t])
                    best[i] = max(best.get(i, 0.0), weight * s / len(words))
            for i, s in best.items():
                out[i] = out.get(i, 0.0) + s
        return out

    def _term_score(self, term: str, i: int) -> float:
        tf = self._tf[i][term]
        norm = self.k1 * (1 - self.b + self.b * self._len[i] / self._avg)
        return self.idf[term] * tf * (self.k1 + 1) / (tf + norm)
