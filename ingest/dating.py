"""A publication date for a document nobody has described yet, read from its own opening.

Answers say how old the guidance they quote is ("[1] is from a 2019 document"), so an
undescribed document should not be "undated" when its title page says when it came out. Only
what reads as a publication date counts:

* a labelled date opening a line: "Published: 3 April 2014", "Publication date: December
  2019", "First published 2021" (the first one, in the opening of the document);
* a dateline: a line that is only a date, with its month ("December 2019", "- 11 December 2006").

A date inside a sentence ("from April 2021", "building on the model first published in
December 2012") says when something else happened, not when this document was written, and is
left alone; metadata.yaml still has the last word.
"""

from __future__ import annotations

import re
from typing import Iterable, Optional

from opmodel.dates import MONTH_NAMES, MONTHS

OPENING_CHARS = 3000  # the title page and the first paragraphs
_DATE = rf"(?:(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+)?(?P<month>{MONTHS})\s+(?P<year>(?:19|20)\d\d)\b"
_LABEL = (r"(?i:first published|published|publication date|date of publication|date published|"
          r"issue date|date issued|issued)")
_LABELLED = re.compile(rf"^[ \t]*{_LABEL}\b[ \t]*(?:on|in)?[ \t]*[:\-–]?[ \t]*(?:{_DATE}|(?P<bare>(?:19|20)\d\d)\b)", re.M)
_DATELINE = re.compile(rf"^[\s\-–—•·]*{_DATE}\s*$")


def published_from_text(lines: Iterable[str]) -> Optional[str]:
    """YYYY, YYYY-MM or YYYY-MM-DD from the document's opening lines, or None."""
    opening, size = [], 0
    for line in lines:
        opening.append(line)
        size += len(line) + 1
        if size >= OPENING_CHARS:
            break
    text = "\n".join(opening)
    found = _LABELLED.search(text)
    if found:
        return _iso(found)
    for line in opening:
        found = _DATELINE.match(line)
        if found:
            return _iso(found)
    return None


def _iso(found: re.Match) -> str:
    if found.groupdict().get("bare"):
        return found.group("bare")
    month = MONTH_NAMES.index(found.group("month")) + 1
    day = found.group("day")
    date = f"{found.group('year')}-{month:02d}"
    return f"{date}-{int(day):02d}" if day and 1 <= int(day) <= 31 else date
