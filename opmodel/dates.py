"""How dates are written in these documents: the month names and the years they span.

The loaders read a document's own publication date with them, and the answering core tells
a dated sentence or a year in a question by them; one spelling serves both.
"""

from __future__ import annotations

import re

MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December")
MONTHS = "|".join(MONTH_NAMES)  # a regex alternation; capitalised only: "may choose", "march on" date nothing
YEAR = re.compile(r"\b(?:19|20)\d\d\b")

# A period: a financial year ("2026/27", "2023-24") or an edition's span ("2014-16", "2025-2028").
PERIOD = re.compile(r"\b((?:19|20)\d\d)\s*[/–-]\s*((?:19|20)?\d\d)\b")
LONGEST_PERIOD = 10  # years; a longer "span" is two unrelated years ("1990-2026" in a history)


def periods(text: str) -> dict[tuple[int, int], str]:
    """The periods ``text`` names, as (first year, last year), each with its first spelling."""
    out: dict[tuple[int, int], str] = {}
    for found in PERIOD.finditer(text):
        start, end = found.groups()
        first = int(start)
        last = int(end) if len(end) == 4 else first // 100 * 100 + int(end)
        if last < first and len(end) == 2:
            last += 100  # "1999/00"
        if 0 < last - first <= LONGEST_PERIOD:
            out.setdefault((first, last), found.group(0))
    return out
