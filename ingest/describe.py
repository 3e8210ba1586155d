"""What a document says of itself: its title, date, edition and status, for every field no
catalogue entry gives.

Users drop in what they have (web pages saved as text, an ICB's policy, a newsletter), and
most of it states its own title and date; an undescribed document called "historical" and
"undated" misleads every answer that cites it. Each field records where it came from
(``DocumentInfo.origins``: catalogue, text, pdf, file name, default) so `opmodel sources`
can show an operator what to fix.

* title: the catalogue's; else the PDF's metadata title or a markdown "# " heading; else the
  first heading of the text (a short line without closing punctuation that more text follows,
  and not a generic one such as "News" or "Introduction"); else the file name. A line naming
  the publisher ("NHS … Integrated Care Board", "Primary Care Digital Team", "… ICB - News")
  gives way to the heading after it: two documents from one ICB are not one title.
* published and edition: see ingest.dating; the PDF's creation date comes last.
* status: what the opening states of this document: "Status: current" (or "Approved", a
  document-control status meaning in force), "This guidance has
  been superseded by ...", "Superseded by ...", "Archived", "withdrawn". Nothing stated is
  "unknown", never "historical": an unknown status is no verdict on the document. Without a
  statement, the period the document says it is in force for ("Applies from 1 April 2026 to
  31 March 2027") makes it current while it runs and historical once it is over, as of the
  ingest that read it.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from typing import Optional

from ingest.catalog import DocumentInfo
from ingest.dating import date_from_text, opening, period_from_text, years_from_title
from ingest.load import Document

TITLE_BLOCKS = 4  # a title is among the first few blocks, after a site's section label
TITLE_CHARS = 150
_GENERIC = frozenset("""news introduction contents overview summary home menu background foreword
    about guidance publication document article press release skip to main content""".split())
_GENERIC_LINES = {"skip to main content", "table of contents", "press release", "executive summary"}
# Who publishes it, above the title: "NHS Wrenmoor and Ashby Integrated Care Board", "Primary
# Care Digital Team", a site's "… ICB - News". A document is cited by what it is, not by whom.
_PUBLISHER = re.compile(
    r"^.*\b(?:integrated care board|icb|ccg|clinical commissioning group|nhs trust|foundation trust|"
    r"commissioning support unit|csu|local medical committee|lmc|team|directorate|nhs england)"
    r"(?:\s*[-–—|:]\s*(?:news|latest news|blog|home|press releases?|updates?))?$", re.I)
_STATUS_WORDS = {"current": "current", "in force": "current", "active": "current", "live": "current",
                 "superseded": "superseded", "replaced": "superseded", "out of date": "superseded",
                 "archived": "historical", "withdrawn": "historical", "historical": "historical",
                 "historic": "historical", "rescinded": "historical", "approved": "current"}
_STATE = "|".join(sorted(map(re.escape, _STATUS_WORDS), key=len, reverse=True))
_OPENS = r"(?:^|(?<=[.;|]\s))[ \t]*"
_LABELLED_STATUS = re.compile(rf"{_OPENS}(?i:(?:document |publication )?status)\s*[:\-–]\s*(?P<state>(?i:{_STATE}))\b"
                              r"(?P<rest>[^.\n]*)", re.M)
_THIS = r"(?:this|the present) (?:document|guidance|page|publication|edition|version|policy|briefing|article|information|content|framework|operating model|note|bulletin|newsletter)"
_STATED = re.compile(rf"(?i:\b{_THIS}\b(?: (?:has|had) been| is(?: now)?| was| has now been) (?P<state>{_STATE}))"
                     r"(?P<rest>[^.\n]*)")
# A line that is only the label, or the label and by whom or when: "Archived", "[Withdrawn]",
# "Superseded by: GP IT operating model 2023". "Archived records are kept ..." is a sentence.
_LINE_LABEL = re.compile(r"^[\s\[(]*(?P<state>(?i:superseded|replaced|archived|withdrawn))"
                         r"(?P<rest>(?:\s+(?i:by|on|in)\b:?[^\n]{0,120})?)[\s\])]*$", re.M)


def describe(document: Document, info: DocumentInfo, today: Optional[datetime.date] = None) -> DocumentInfo:
    """``info`` with each field the catalogue left out read from ``document``; ``today`` (by
    default the date of the ingest) tells whether a period it states is over."""
    lines = opening(block.text for block in document.blocks)
    origins = dict(info.origins)
    title, edition, published, status, note = info.title, info.edition, info.published, info.status, info.status_note
    if info.defaulted("title"):
        title, origins["title"] = _title(document)
        title = title or info.title
    if info.defaulted("published"):
        dated = date_from_text(lines)
        from_title = years_from_title(title) if origins.get("title") not in ("file name", None) else None
        if dated:
            published, origins["published"] = dated.published, "text"
            # The years a title names tell its editions apart better than a "Version 1.0" does.
            edition = edition or (from_title.edition if from_title else None) or dated.edition
        elif from_title:
            published, origins["published"] = from_title.published, "pdf" if origins["title"] == "pdf" else "text"
            edition = edition or from_title.edition
        elif document.created:
            published, origins["published"] = document.created, "pdf"
    elif edition is None:
        from_title = years_from_title(title)
        edition = from_title.edition if from_title else None
    if info.defaulted("status"):
        stated = stated_status(lines) or status_from_period(lines, today or datetime.date.today())
        if stated:
            (status, note), origins["status"] = stated, "text"
    return dataclasses.replace(info, title=title, edition=edition, published=published, status=status,
                               status_note=note, origins=origins)


def stated_status(lines: list[str]) -> Optional[tuple[str, str]]:
    """(status, the statement) the opening makes of the document itself, or None."""
    text = "\n".join(lines)
    for pattern in (_LABELLED_STATUS, _STATED, _LINE_LABEL):
        found = pattern.search(text)
        if found:
            status = _STATUS_WORDS[found.group("state").lower()]
            statement = " ".join(found.group(0).split()).strip(" .;[]()")
            return status, statement[0].upper() + statement[1:]
    return None


def status_from_period(lines: list[str], today: datetime.date) -> Optional[tuple[str, str]]:
    """Current while the period the document states it is in force for runs, historical after."""
    period = period_from_text(lines)
    if not period:
        return None
    start, end = period
    if (start + "-00-00")[:10] <= today.isoformat() <= end:
        return "current", f"In force from {start} to {end}, as its text states"
    if end < today.isoformat():
        return "historical", f"Its text states it was in force from {start} to {end}"
    return None


def _title(document: Document) -> tuple[Optional[str], str]:
    """The PDF's title or the first heading; a line naming the publisher only when nothing
    after it in the opening reads as a title."""
    if document.title and (document.is_pdf or not _PUBLISHER.match(document.title)):
        return document.title, "pdf" if document.is_pdf else "text"
    blocks = document.blocks
    titles = [b.text for i, b in enumerate(blocks[:TITLE_BLOCKS])
              if i + 1 < len(blocks) and _reads_as_title(b.text) and not b.table_row]
    title = next((t for t in titles if not _PUBLISHER.match(t)), titles[0] if titles else document.title)
    return (title, "text") if title else (None, "file name")


def _reads_as_title(text: str) -> bool:
    words = text.split()
    return (
        len(text) <= TITLE_CHARS
        and 2 <= len(words) <= 25
        and text[0].isupper()
        and text[-1] not in ".,;:!?-–—"
        and text.lower() not in _GENERIC_LINES
        and not (len(words) <= 2 and all(w.lower() in _GENERIC for w in words))
        and date_from_text([text]) is None
        and stated_status([text]) is None
        and sum(c.isalpha() for c in text) >= 0.6 * len(text.replace(" ", ""))
    )
