"""What the documents (and the domain lexicon) know: which of a question's words and names are
foreign to them. The scorer weighs these as question-level features; a decline names what the
documents never mention."""

from __future__ import annotations

import re

from answer import bm25, lexicon

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9&\-]*")
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9&]+(?=s?\b)")
LEXICON_WORDS = frozenset(
    w
    for phrase in [*lexicon.ACRONYMS, *(e for v in lexicon.ACRONYMS.values() for e in v), *lexicon.EQUIVALENTS,
                   *lexicon.SYNONYMS, *lexicon.BROADER]
    for w in bm25.words(phrase)
)


def known_stem(stem: str, vocabulary) -> bool:
    return stem in vocabulary or stem in LEXICON_WORDS


def known_word(word: str, vocabulary) -> bool:
    """Does the corpus (its stems) or the NHS lexicon know this lower-case word?"""
    return known_stem(bm25.stem(word), vocabulary)


def unknown_words(question: str, vocabulary) -> tuple[str, ...]:
    words = dict.fromkeys(bm25.words(question))
    return tuple(w for w in words if not known_stem(w, vocabulary))


def unknown_names(question: str, vocabulary) -> tuple[str, ...]:
    """Capitalised words after the first, and acronyms, that neither the documents nor the
    lexicon know, as typed ("Cerner", "HSCN" in a corpus that never names it)."""
    names = [t for i, t in enumerate(_NAME.findall(question)) if (i > 0 and t[0].isupper()) or _ACRONYM.fullmatch(t)]
    return tuple(dict.fromkeys(t for t in names if not all(known_stem(w, vocabulary) for w in bm25.words(t))))


def absent_acronyms(question: str, corpus) -> tuple[str, ...]:
    """Acronyms the lexicon knows but the documents never use under any of their names
    ("HSCN" asked of documents naming neither HSCN nor N3)."""
    return tuple(
        a for a in dict.fromkeys(_ACRONYM.findall(question))
        if bm25.words(a) and not corpus.mentions(a)
        and not any(corpus.mentions(n) for n, w in lexicon.related_terms(a.lower()).items() if w >= lexicon.LINEAGE_NAME)
    )


def absent_years(question_years, vocabulary) -> tuple[str, ...]:
    """Years the question names that no document mentions: outside every document's period."""
    return tuple(y for y in question_years if y not in vocabulary)


def as_typed(question: str, stem: str) -> tuple[str, ...]:
    """The question's word for a stem ("mergers" for "merger")."""
    return tuple(dict.fromkeys(w for w in _NAME.findall(question) if bm25.stem(w.lower()) == stem))[:1] or (stem,)
