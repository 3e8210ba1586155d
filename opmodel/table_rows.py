"""Table rows as text, and as the labelled fields a reader sees.

A row is stored as the loaders read it: its cells joined by " | " ("Telephony | | Practice",
an empty cell kept between its neighbours so every cell stays under its column). That text
is what the corpus holds and what answers quote, verbatim. Shown to a reader, the same row is
its label (the first cell) and each other cell under its column's name:

    Telephony — Commissioner: Practice; Funding: Practice

so nobody has to count pipes to know which cell says who pays. The column names come from the
row naming them (the table's first row, see ``Passage.column_names``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Optional, Sequence

CELL_SEPARATOR = " | "
FIELD_INDENT = "  "  # a row's fields, shown under its label
# A pipe with a space (or the end of the row) on each side: "A|B" inside a cell is its text.
_SEPARATOR = re.compile(r"(?:^|(?<= ))\|(?= |$)")


def is_row(line: str) -> bool:
    return CELL_SEPARATOR in line


def join_cells(cells: Sequence[str], names_columns: bool = False) -> str:
    """A row's text from its cells in column order. Empty cells at the end say nothing and are
    left out; an empty cell before a full one keeps its place (" | | "). The row naming the
    columns drops an empty corner cell too ("| Commissioned by | Funded by" reads as
    "Commissioned by | Funded by"), as the rows under it show their label there."""
    cells = [" ".join(c.split()) for c in cells]
    while cells and not cells[-1]:
        cells.pop()
    while names_columns and cells and not cells[0]:
        cells.pop(0)
    return " ".join(CELL_SEPARATOR.join(cells).split())


def split_cells(row: str) -> list[str]:
    return [cell.strip() for cell in _SEPARATOR.split(row)]


@dataclass(frozen=True)
class LabelledRow:
    label: str  # the first cell: what the row is about ("Telephony"); may be empty
    fields: tuple[tuple[str, str], ...]  # (column name, cell) of every other non-empty cell

    def one_line(self) -> str:
        """"Telephony — Commissioner: Practice; Funding: Practice"."""
        fields = ""
        for name, value in self.fields:
            if fields:  # "…call recording. Commissioner: Practice": a cell ending its sentence needs no ";"
                fields += " " if fields[-1] in ".!?;" else "; "
            fields += f"{name}: {value}" if name else value
        if self.label and fields:
            return f"{self.label} — {fields}"
        return self.label or fields


def labelled(row: str, columns: Optional[str]) -> LabelledRow:
    """``row`` under the names in ``columns`` (a row's text). A row naming one column fewer
    than the rows have cells left its corner empty: its names start at the second cell. Cells
    beyond the names (a ragged row) are shown without one."""
    cells = split_cells(row)
    names = split_cells(columns) if columns else []
    if len(names) == len(cells) - 1:
        names = [""] + names
    names += [""] * (len(cells) - len(names))
    fields = tuple((name, cell) for name, cell in zip(names[1:], cells[1:]) if cell)
    return LabelledRow(cells[0], fields)


def has_rows(text: str) -> bool:
    return any(is_row(line) for line in text.split("\n"))


def display_parts(text: str, columns: Optional[str]) -> list[LabelledRow | str]:
    """Each line (or " … "-joined piece) of a passage or quote as a reader should see it: a
    table row as a LabelledRow, other text as it is. The row naming the columns is left out
    when there are rows under it: its names are in every field."""
    lines = [line.strip() for piece in text.split(" … ") for line in piece.split("\n") if line.strip()]
    under = [line for line in lines if is_row(line) and line != columns]
    return [labelled(line, columns) if is_row(line) else line
            for line in lines if not (under and line == columns)]


def labelled_text(text: str, columns: Optional[str]) -> str:
    """A passage's text with each row on one line as its label and named cells."""
    if not has_rows(text):
        return text
    return "\n".join(part if isinstance(part, str) else part.one_line() for part in display_parts(text, columns))


def row_lines(row: LabelledRow) -> list[str]:
    """The row's label, then one "Column: cell" line per cell, indented under it."""
    fields = [f"{FIELD_INDENT}{name}: {value}" if name else f"{FIELD_INDENT}{value}" for name, value in row.fields]
    return ([row.label] if row.label else []) + fields


def shown(text: str, columns: Optional[str]) -> str:
    """A passage's text as a reader sees it: its rows as labelled fields, the rest as it is."""
    if not has_rows(text):
        return text
    lines: list[str] = []
    for part in display_parts(text, columns):
        lines += [part] if isinstance(part, str) else row_lines(part)
    return "\n".join(lines)


def label_quoted_rows(answer_text: str, quotes: Sequence[str], columns_of: Callable[[int], Optional[str]]) -> str:
    """An answer's text with each of its ``quotes`` that holds a table row (“… | …” [n], and
    the column names the composer may add after it) shown as labelled fields, the marker on
    the first line; ``columns_of(n)`` names the columns of the passage cited [n]. Quotes of
    running text are left as they are."""
    for quote in quotes:
        if not has_rows(quote):
            continue
        marked = re.compile(re.escape(f"“{quote}” [") + r"(?P<n>\d+)\](?: \(columns: [^\n]*\))?")

        def one(match: re.Match, quote: str = quote) -> str:
            lines: list[str] = []
            for part in display_parts(quote, columns_of(int(match.group("n")))):
                lines += [f"“{part}”"] if isinstance(part, str) else row_lines(part)
            lines[0] += f" [{match.group('n')}]"
            return "\n".join(lines)

        answer_text = marked.sub(one, answer_text)
    return answer_text
