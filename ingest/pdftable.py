"""Tables on a PDF page, put back together row by row from pypdf's layout text.

Layout mode keeps a table's columns apart with runs of spaces, but a cell whose text wraps
spreads over several lines, interleaved with the lines of its neighbours:

    Clinical system    The digital application used by the    ICB    NHS England
                       practice to store and manage its
                       electronic patient records.

Read as paragraphs, those lines give fragments that belong to no cell. Here:

* a table starts at a line of three or more cells, and that line's cells give the columns (a
  table of two columns needs two such lines and short left cells that are not list numbers);
* it goes on while lines fit those columns: each piece of text starts inside a column and
  ends before the next one starts (running text below the table crosses them);
* rows are told apart by vertical space: cell padding puts more space between rows than
  between the lines of one cell, wherever the cells are aligned (word processors put a
  cell's text at the top, reportlab at the bottom). A table without that extra space is
  read as word processors lay it out: each line of three or more cells (two, in a table of
  two columns) starts a row;
* a row's cells are each column's pieces, top to bottom; a column with none is an empty cell,
  kept so the cells after it stay under their own column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

MIN_CELLS = 3  # pieces on one line that start a table
# Two pieces on a line are as often a label and its value, a numbered item ("1.    Scope") or a
# page set in two columns of text: a two-column table needs several such lines, and a left
# column of short cells that are not list numbers.
MIN_TWO_CELL_LINES = 2
TEXT_COLUMN_CHARS = 30  # median left cell at least this long: columns of running text
_LIST_LABEL = re.compile(r"^(?:[•◦▪●○■‣⁃∙·►▸✓✔\-–—*+]|\(?(?:\d{1,3}(?:\.\d{1,3})*|[a-zA-Z]|[ivxIVX]{1,4})[.)]?)$")
SLACK = 2  # characters: layout mode rounds positions to whole characters
ROW_SPACE = 2  # SPACE_UNITs beyond a cell's line spacing that separate two rows
_PIECE = re.compile(r"\S+(?: {1,2}\S+)*")  # text runs apart from the next by 3+ spaces


@dataclass(frozen=True)
class Row:
    start: int  # index of the row's first line on the page
    end: int  # index after its last line
    cells: tuple[tuple[str, ...], ...]  # per column, its cell's lines top to bottom (none: an empty cell)
    columns: tuple[int, ...] = ()  # where its table's columns start on the line
    opens_table: bool = False  # the first row found of its table: the one naming the columns


def pieces(raw: str) -> list[tuple[int, str]]:
    """(column, text) of each run of text on a layout line."""
    return [(m.start(), m.group()) for m in _PIECE.finditer(raw)]


def find_rows(lines: Sequence[tuple[str, int]], leading: int, carried: Sequence[int] = ()) -> list[Row]:
    """The table rows among a page's (layout line, space above it) pairs, in page order;
    ``leading`` is the space between the lines of a paragraph. ``carried``: the columns of a
    table that ran to the foot of the page before; rows opening this page that fit them carry
    on that table, whatever cells their first line leaves empty."""
    laid = [pieces(raw) for raw, _ in lines]
    rows: list[Row] = []
    i = 0
    while i < len(lines):
        if len(laid[i]) < 2:
            i += 1
            continue
        carries = i == 0 and bool(carried) and _columns_of(laid[0], list(carried)) is not None
        columns = list(carried) if carries else [start for start, _ in laid[i]]
        end = i + 1
        while end < len(lines) and _columns_of(laid[end], columns) is not None:
            end += 1
        if not carries and len(columns) < MIN_CELLS and not _two_column_table(laid[i:end]):
            i += 1
            continue
        # A header row with an empty first cell ("     ICB     Practice") fits the columns of
        # the rows under it without starting the table itself.
        first = i - 1 if i and len(laid[i - 1]) >= 2 and (not rows or rows[-1].end < i) \
            and _columns_of(laid[i - 1], columns) is not None else i
        found = _rows(lines, laid, columns, first, end, leading, opens=not carries)
        rows.extend(found)
        i = found[-1].end
    return rows


def _two_column_table(laid: list[list[tuple[int, str]]]) -> bool:
    left = [line[0][1] for line in laid if len(line) == 2]
    if len(left) < MIN_TWO_CELL_LINES or any(_LIST_LABEL.match(cell) for cell in left):
        return False
    return sorted(map(len, left))[len(left) // 2] < TEXT_COLUMN_CHARS


def _columns_of(line: list[tuple[int, str]], columns: list[int]):
    """The column of each piece, or None when the line does not fit the table's columns."""
    found: list[int] = []
    for start, text in line:
        column = max((k for k, c in enumerate(columns) if c <= start + SLACK), default=None)
        if column is None or (found and column <= found[-1]):
            return None
        if column + 1 < len(columns) and start + len(text) > columns[column + 1]:
            return None  # runs into the next column: running text, not a cell
        found.append(column)
    return found


def _rows(lines, laid, columns: list[int], first: int, end: int, leading: int, opens: bool) -> list[Row]:
    inner = min([leading] + [lines[j][1] for j in range(first + 1, end)])

    def spaced(j: int) -> bool:
        return lines[j][1] >= inner + ROW_SPACE

    # A short line in the first column set apart below the table is the text after it (a
    # heading, a short paragraph), not a row.
    while end - 1 > first and spaced(end - 1) and len(laid[end - 1]) == 1 and laid[end - 1][0][0] <= columns[0] + SLACK:
        end -= 1
    padded = any(spaced(j) for j in range(first + 1, end))
    starts = [j for j in range(first + 1, end) if (spaced(j) if padded else len(laid[j]) >= min(MIN_CELLS, len(columns)))]
    bounds = list(zip([first] + starts, starts + [end]))
    return [Row(a, b, _cells(laid, columns, a, b), tuple(columns), opens_table=opens and a == first) for a, b in bounds]


def _cells(laid, columns: list[int], start: int, end: int) -> tuple[tuple[str, ...], ...]:
    cells: list[list[str]] = [[] for _ in columns]
    for j in range(start, end):
        for column, (_, text) in zip(_columns_of(laid[j], columns), laid[j]):
            cells[column].append(text)
    return tuple(tuple(cell) for cell in cells)
