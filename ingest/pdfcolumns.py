"""Pages set in two columns of text, read down the left column and then down the right.

Layout mode prints both columns on the same lines, so read line by line a sentence of the
left column runs on into the right column's ("...GP IT services fund their own telephony...").
A page is in two columns when most of its lines break at the same place, a gutter no line
crosses, and the text on the left of it is running text, not a table's short cells or its
other columns. Lines
crossing the gutter above or below the columns (a title across the page) keep their place.
"""

from __future__ import annotations

from collections import Counter
from typing import Optional, Sequence

from ingest.pdftable import SLACK, TEXT_COLUMN_CHARS, pieces

MIN_COLUMN_LINES = 8  # lines with text on both sides of the gutter: fewer is a table or a coincidence
MIN_SHARE = 0.5  # of the page's lines, in the stretch that no line crosses
TABLE_SHARE = 0.25  # of that stretch's lines with several cells left of the gutter: a table

Line = tuple[str, int]  # layout text, space above it


def read_columns(lines: Sequence[Line]) -> Optional[list[Line]]:
    """The page's lines, the left column's before the right column's; None when the page is
    not in two columns."""
    gutter = _gutter(lines)
    if gutter is None:
        return None
    inside = [not _crosses(raw, gutter) for raw, _ in lines]
    first = inside.index(True)
    last = len(inside) - 1 - inside[::-1].index(True)
    if not all(inside[first : last + 1]) or last + 1 - first < max(MIN_COLUMN_LINES, MIN_SHARE * len(lines)):
        return None
    # A table's last column (a page of rows "Body 23   Body 23 holds...   Signs off") leaves a
    # gutter too; its lines have several cells left of it, where a column of text has one run.
    cells_left = sum(len(pieces(raw[:gutter])) > 1 for raw, _ in lines[first : last + 1])
    if cells_left > TABLE_SHARE * (last + 1 - first):
        return None
    left, right = [], []
    left_space = right_space = 0
    for raw, space in lines[first : last + 1]:
        left_space, right_space = left_space + space, right_space + space
        if raw[:gutter].strip():
            left.append((raw[:gutter].rstrip(), left_space))
            left_space = 0
        if raw[gutter:].strip():
            right.append((raw[gutter:].rstrip(), right_space))
            right_space = 0
    return [*lines[:first], *left, *right, *lines[last + 1 :]]


def _gutter(lines: Sequence[Line]) -> Optional[int]:
    """Where the right column starts, if most lines have two pieces of running text apart there."""
    laid = [pieces(raw) for raw, _ in lines]
    starts = Counter(line[1][0] for line in laid if len(line) == 2)
    if not starts:
        return None
    column, _ = starts.most_common(1)[0]
    near = [line for line in laid if len(line) == 2 and abs(line[1][0] - column) <= SLACK]
    if len(near) < MIN_COLUMN_LINES:
        return None
    left = sorted(len(line[0][1]) for line in near)
    if left[len(left) // 2] < TEXT_COLUMN_CHARS:
        return None  # short left cells: a two-column table, read as rows
    return min(line[1][0] for line in near)


def _crosses(raw: str, gutter: int) -> bool:
    return any(start < gutter - SLACK < start + len(text) for start, text in pieces(raw))
