"""Typos in questions: "Who pays for the practice telephny?", "What is the Registation Authority?".

A misspelt word is unknown to the lexical side and to the scope judge, so the question is
answered from its other words or declined. A word is read as a corpus word when it is a
plausible typo of one:

* it has at least MIN_LENGTH letters and neither the corpus nor the lexicon knows its stem;
* it is not an English word: "season" is not a typo of the corpus's "reason" (the dictionary is
  the embedding model's own WordPiece vocabulary, ~22,000 whole words, so nothing is downloaded);
* a corpus word is one edit away (a letter inserted, dropped, changed, or two swapped); the most
  frequent such word wins.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Callable, Iterable, Optional

MIN_LENGTH = 5
_WORD = re.compile(r"[A-Za-z]+")


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Whole words of the packaged MiniLM's vocabulary (empty if the model is not there)."""
    try:
        from opmodel.embedding import model_dir

        lines = (model_dir() / "vocab.txt").read_text(encoding="utf-8").split()
    except (OSError, ImportError):
        return frozenset()
    return frozenset(w for w in lines if w.isalpha())


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def one_edit(a: str, b: str) -> bool:
    """Optimal string alignment distance exactly 1."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = next((k for k in range(len(a)) if a[k] != b[k]), len(a))
    if len(a) < len(b):
        return a[i:] == b[i + 1 :]
    return a[i + 1 :] == b[i + 1 :] or (i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :])


def _may_be_typo(word: str, known: Callable[[str], bool], dictionary: frozenset[str]) -> bool:
    """A lower-case word long enough to be a typo, that neither English nor the domain knows."""
    return len(word) >= MIN_LENGTH and word not in dictionary and not known(word)


def may_hold_typos(question: str, known: Callable[[str], bool]) -> bool:
    """Cheap check before a Speller is needed: a long word the domain and English do not know."""
    dictionary = english_words()
    return any(_may_be_typo(w.lower(), known, dictionary) for w in _WORD.findall(question))


class Speller:
    """Corrections towards the words of one corpus, looked up through their single deletions."""

    def __init__(self, counts: Counter, dictionary: Iterable[str] = ()):
        self.counts = counts
        self.dictionary = frozenset(dictionary)
        self._by_deletion: dict[str, list[str]] = {}
        for word in counts:
            if len(word) >= MIN_LENGTH - 1:
                for key in _deletes(word) | {word}:
                    self._by_deletion.setdefault(key, []).append(word)

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> "Speller":
        return cls(Counter(w for t in texts for w in _WORD.findall(t.lower())), english_words())

    def suggest(self, word: str) -> Optional[str]:
        found = {c for key in _deletes(word) | {word} for c in self._by_deletion.get(key, ()) if one_edit(word, c)}
        return max(found, key=lambda c: (self.counts[c], c)) if found else None

    def correct(self, question: str, known: Callable[[str], bool]) -> tuple[str, tuple[tuple[str, str], ...]]:
        """The question with its typos replaced, and (typed, read as) for each one.
        ``known(word)``: does the domain know the word already (its stem, a lexicon word)?"""
        fixes: list[tuple[str, str]] = []

        def replace(match: re.Match) -> str:
            typed = match.group(0)
            word = typed.lower()
            if word in self.counts or not _may_be_typo(word, known, self.dictionary):
                return typed
            better = self.suggest(word)
            if better is None:
                return typed
            fixes.append((typed, better))
            return better.capitalize() if typed[0].isupper() else better

        return _WORD.sub(replace, question), tuple(fixes)
