"""A document's date and edition, read from what it says of itself, for a document no
catalogue dates.

Answers say how old the guidance they quote is ("[1] is from a 2019 document"), so a document
should not be "undated" when its own text says when it came out. Only what reads as the date
of this document counts, looked for in this order:

* a labelled date opening a line or a sentence in the opening of the document: "Published:
  3 April 2014", "Published: 2023-12-01.", "Publication date: December 2019", "First
  published 2021", "Last updated 5 May 2024", "Approval date: 22 April 2026", "Version 1.0 3
  July 2023" or "Version 1.0, published 2 May 2019" (which also name the edition). Of
  several, the latest: an update dates the text as it now stands;
* a dateline: a line that is only a date, with its month ("December 2019", "- 11 December
  2006"), or a press release's ("LONDON, 4 November 2025 - ...");
* a title naming its years ("Operating Model 2021-2023", "2014-16", "2021/22"): dated by its
  first year, and that span is the edition;
* the PDF's creation date, last, since exports and re-saves reset it (see ingest.describe).

The period it is in force for ("Applies from 1 April 2026 to 31 March 2027") is read too: it
says whether the document is still in force (see ingest.describe).

A date inside a sentence ("from April 2021", "building on the model first published in
December 2012") says when something else happened, not when this document was written, and
is left alone; a catalogue entry still has the last word.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Iterable, Optional

from opmodel.dates import MONTH_NAMES, MONTHS

OPENING_CHARS = 3000  # the title page and the first paragraphs
_WORDY = rf"(?:(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+)?(?P<month>{MONTHS}),?\s+(?P<year>(?:19|20)\d\d)\b"
_ISO = r"(?P<iy>(?:19|20)\d\d)-(?P<im>\d{2})(?:-(?P<id>\d{2}))?\b"
_UK = r"(?P<ud>\d{1,2})/(?P<um>\d{1,2})/(?P<uy>(?:19|20)\d\d)\b"
_BARE = r"(?P<bare>(?:19|20)\d\d)\b"
_ANY_DATE = rf"(?:{_ISO}|{_UK}|{_WORDY}|{_BARE})"
_LABEL = (r"(?i:first published|published|publication date|date of publication|date published|"
          r"issue date|date issued|issued|last updated|updated|last modified|page last updated|"
          r"approval date|date of approval|date approved|approved on|approved)")
# A label opens a line or a sentence: "... for practices. Published: 2023-12-01. Status: current."
_OPENS = r"(?:^|(?<=[.;|]\s))[ \t]*"
_LABELLED = re.compile(rf"{_OPENS}{_LABEL}\b[ \t]*(?:on|in)?[ \t]*[:\-–]?[ \t]*{_ANY_DATE}", re.M)
_VERSION = re.compile(
    rf"{_OPENS}(?P<edition>(?i:version|v|issue|edition)\.?\s*\d{{1,2}}(?:\.\d{{1,2}})*)\b[ \t,:–\-(]*"
    rf"(?:(?i:published|issued|dated)[ \t:]*)?{_ANY_DATE}", re.M)
_DATELINE = re.compile(rf"^[\s\-–—•·]*(?:{_WORDY}|{_ISO})\s*$")
# A press release's: the place in capitals, the date, a dash ("CASTLE MILLS, WRENMOOR, 4 November 2025 - ...").
_PRESS_DATELINE = re.compile(rf"^[A-Z][A-Z'’.\-]*(?:[ ,]+[A-Z][A-Z'’.\-]*)*,\s*{_WORDY}\s*[-–—:]")
# "2021-2023", "2021 to 2023", "2014-16", "2021/22": the years a document covers, in its title.
_YEARS = re.compile(r"\b(?P<first>(?:19|20)\d\d)\s*(?:[-–—/]|\bto\b)\s*(?P<last>(?:19|20)?\d\d)\b")


# "Applies from 1 April 2026 to 31 March 2027", "Period covered: 1 April 2025 to 31 March 2028",
# "Covers 1 April 2019 to 31 March 2021": the period the document itself is in force for.
_DAY = rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{MONTHS}),?\s+(?:19|20)\d\d"
_PERIOD = re.compile(rf"(?:^|(?<=[.;|]\s)|\b(?:it|this \w+)\s)[ \t]*(?i:applies|is in force|in force|is valid|valid|"
                     rf"period covered|covers|covering|runs)\b[ \t]*(?i:from)?[ \t:]*(?P<start>{_DAY})\s*"
                     rf"(?:to|until|-|–)\s*(?P<end>{_DAY})", re.M)


@dataclass(frozen=True)
class Dating:
    published: str  # YYYY, YYYY-MM or YYYY-MM-DD
    how: str  # "labelled", "version", "dateline", "title years": what the text said
    edition: Optional[str] = None  # "Version 1.0", "2021-2023"


def opening(lines: Iterable[str]) -> list[str]:
    """The first lines of a document, up to OPENING_CHARS: where it says what it is."""
    out, size = [], 0
    for line in lines:
        out.append(line)
        size += len(line) + 1
        if size >= OPENING_CHARS:
            break
    return out


def date_from_text(lines: Iterable[str]) -> Optional[Dating]:
    """The date the document's opening gives itself, or None."""
    first = opening(lines)
    text = "\n".join(first)
    labelled = [d for d in (_iso(m, "labelled") for m in _LABELLED.finditer(text)) if d]
    versions = [d for d in (_iso(m, "version", edition=" ".join(m.group("edition").split())) for m in _VERSION.finditer(text)) if d]
    if labelled or versions:
        # The latest stated date; a version line names the edition whatever its date.
        best = max(labelled + versions, key=lambda d: _sortable(d.published))
        edition = versions[0].edition if versions else None
        return Dating(best.published, best.how, edition)
    for line in first:
        found = _DATELINE.match(line) or _PRESS_DATELINE.match(line)
        if found and (dated := _iso(found, "dateline")):
            return dated
    return None


def years_from_title(title: Optional[str]) -> Optional[Dating]:
    """A title naming the span it covers ("... Operating Model 2021-2023"): its first year."""
    found = _YEARS.search(title or "")
    if not found:
        return None
    first, last = found.group("first"), found.group("last")
    if len(last) == 2:
        last = first[:2] + last
    if not 0 < int(last) - int(first) <= 10:
        return None  # "1990-2020" is a history, "2023-2021" no span at all
    return Dating(first, "title years", edition=found.group(0))


def valid(published: str) -> bool:
    try:
        parts = [int(p) for p in published.split("-")]
        datetime.date(parts[0], *(parts[1:] + [1, 1])[:2])
        return True
    except (ValueError, IndexError):
        return False


def _sortable(published: str) -> str:
    return (published + "-00-00")[:10]


def _iso(found: re.Match, how: str, edition: Optional[str] = None) -> Optional[Dating]:
    g = found.groupdict()
    if g.get("bare"):
        date = g["bare"]
    elif g.get("iy"):
        date = f"{g['iy']}-{g['im']}" + (f"-{g['id']}" if g.get("id") else "")
    elif g.get("uy"):
        date = f"{g['uy']}-{int(g['um']):02d}-{int(g['ud']):02d}"
    else:
        month = MONTH_NAMES.index(g["month"]) + 1
        date = f"{g['year']}-{month:02d}" + (f"-{int(g['day']):02d}" if g.get("day") else "")
    return Dating(date, how, edition) if valid(date) else None  # "31 February 2023" dates nothing


def period_from_text(lines: Iterable[str]) -> Optional[tuple[str, str]]:
    """(first day, last day) of the period the opening says the document is in force for."""
    found = _PERIOD.search("\n".join(opening(lines)))
    if not found:
        return None
    start, end = (_iso(re.match(_WORDY, found.group(g)), "period") for g in ("start", "end"))
    return (start.published, end.published) if start and end else None
