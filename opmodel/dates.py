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
