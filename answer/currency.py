"""Currency warnings: tell the reader when a quote rests on old guidance or names a body
that no longer exists, with the date and the body that does the job now."""

from __future__ import annotations

import re

from answer import bm25, lexicon
from opmodel.passage import UNDESCRIBED_NOTE, Passage


def year(published: str | None) -> str | None:
    return published[:4] if published and published[:4].isdigit() else None


def passage_note(markers: list[int], passage: Passage) -> str | None:
    """'[2] is from a 2018 document, now superseded: “<title>”.' for anything not current."""
    if passage.status == "current":
        return None
    when = year(passage.published)
    dated = f"a {when} document" if when else "an undated document"
    cited = " and ".join(f"[{n}]" for n in markers)
    verb = "are" if len(markers) > 1 else "is"
    if _status_unknown(passage):
        # Nothing says how current it is. Say only what is known; what the operator could add
        # to the catalogue is for `opmodel ingest` and `opmodel sources`, not for the reader.
        if when:
            return f"{cited} {verb} from a {when} document whose status is not stated: “{passage.title}”."
        return f"{cited} {verb} from a document whose date is not stated: “{passage.title}”."
    return f"{cited} {verb} from {dated}, now {passage.status}: “{passage.title}”."


def _status_unknown(passage: Passage) -> bool:
    """"unknown", or the "historical" older indexes assumed for a document nobody described."""
    return passage.status == "unknown" or passage.status_note == UNDESCRIBED_NOTE


def currency_notes(quoted: list[tuple[int, Passage, str]]) -> list[str]:
    """Notes for quoted (marker, passage, quoted text) triples, each said once."""
    by_source: dict[str, tuple[Passage, list[int]]] = {}
    for n, passage, _ in quoted:
        markers = by_source.setdefault(passage.source, (passage, []))[1]
        if n not in markers:
            markers.append(n)
    notes = [passage_note(markers, passage) for passage, markers in by_source.values()]
    for _, _, text in quoted:
        notes += [s.note for s in lexicon.successions_in(text)]
    unique: list[str] = []
    for note in notes:
        if note and note not in unique:
            unique.append(note)
    return unique


# "Is the 2018 LMC guidance still current?", "Has the GPSoC guidance been superseded?": the
# catalogue knows, the documents rarely say so of themselves.
ASKS_ABOUT_CURRENCY = re.compile(
    r"\bstill (?:current|valid|in force|in date|applicable|relevant|up to date|the latest|in use|used)\b"
    r"|\b(?:superseded|out of date|outdated|up-to-date|up to date)\b|\bstatus of\b|\bcurrent (?:version|edition)\b",
    re.I,
)
# ...of a document, not of a thing ("is the IG toolkit still used?" is for the quotes to answer).
_A_DOCUMENT = re.compile(r"\b(?:guidance|guidelines|document|model|page|edition|version|article|news|framework|"
                         r"publication|advice)\b", re.I)
CATALOGUE_LEAD = "opmodel's catalogue (not a quote from the document):"


def asks_about_currency(question: str) -> bool:
    """Does the question ask whether a document is still current?"""
    return bool(ASKS_ABOUT_CURRENCY.search(question) and _A_DOCUMENT.search(question))


def document_asked_about(question: str, passages: list[Passage]) -> Passage:
    """Of the passages' documents, the one whose title shares most words with the question
    ("the GPSoC guidance": "GP Systems of Choice (GPSoC): guidance for practices"), the
    best-ranked on a tie."""
    words = set(bm25.words(question))
    return max(passages, key=lambda p: (len(words & set(bm25.words(p.title))), -passages.index(p)))


def catalogue_statement(passage: Passage) -> str:
    """What the corpus metadata says of the passage's document: its date, status and why."""
    if _status_unknown(passage):
        dated = f" ({passage.published})" if passage.published else " (date not stated)"
        return f"{CATALOGUE_LEAD} “{passage.title}”{dated}: its status is not stated."
    dated = f" ({passage.published})" if passage.published else ""
    why = f" {passage.status_note}" if passage.status_note else ""
    return f"{CATALOGUE_LEAD} “{passage.title}”{dated} is {passage.status}.{why}"
