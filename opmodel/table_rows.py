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
from typing import Optional, Sequence

CELL_SEPARATOR = " | "
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
        fields = "; ".join(f"{name}: {value}" if name else value for name, value in self.fields)
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


def display_rows(text: str, columns: Optional[str]) -> list[LabelledRow | str]:
    """Each line of a passage or quote as a reader should see it: a table row as a
    LabelledRow, other lines as they are. The row naming the columns is left out: its names
    are in every field below it."""
    out: list[LabelledRow | str] = []
    for line in text.split("\n"):
        if columns and line.strip() == columns:
            continue
        out.append(labelled(line, columns) if is_row(line) else line)
    return out
