"""What the documents (and the domain lexicon) know: which of a question's words and names are
foreign to them. The scorer weighs these as question-level features; a decline names what the
documents never mention."""

from __future__ import annotations

from answer import bm25, lexicon
# One vocabulary for both answerers: the words the rules' scope judge knows, read the same way.
from answer.scope import _ACRONYM, _NAME, _known_stem as known_stem, capitalised_words  # noqa: F401
from answer.scope import _as_typed as as_typed, absent_periods, known_word, unknown_words  # noqa: F401


def unknown_names(question: str, vocabulary) -> tuple[str, ...]:
    """Capitalised words not starting a sentence, and acronyms, that neither the documents nor
    the lexicon know, as typed ("Cerner", "HSCN" in a corpus that never names it)."""
    acronyms = [t for t in _NAME.findall(question) if _ACRONYM.fullmatch(t)]
    names = list(dict.fromkeys(capitalised_words(question) + acronyms))
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
