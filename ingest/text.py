"""Small facts about lines of text that the loaders and the chunker share.

Whitespace rule (the verbatim contract): within a line, every run of whitespace (including
non-breaking and other Unicode spaces) becomes one space and the ends are trimmed; invisible
soft hyphens and zero-width spaces are dropped, and so are control characters (C0 and C1:
a stray ESC from a document must never reach a terminal or a Slack message); everything
else, bullets and dashes included, is kept exactly as the source has it. A passage's text, with its whitespace collapsed the
same way, can therefore be found in the source document.
"""

from __future__ import annotations

import re

from opmodel.table_rows import join_cells
from opmodel.terminal import CONTROL

_SPACE = re.compile(r"\s+")
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]|" + CONTROL.pattern)
# A list item: a bullet glyph, a dash, or a short number/letter label, then a space.
_LABEL = r"\(?(?:\d{1,3}|[a-z]|[ivx]{1,4})[.)]"  # "1.", "(a)", "iv)": a numbered or lettered item
_BULLET = re.compile(rf"^(?:[•◦▪▫●○■□‣⁃∙·►▸✓✔\-–—*+]|{_LABEL})\s+\S")
_NUMBERED_ITEM = re.compile(rf"^{_LABEL}\s+\S")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*$")
_MD_CELL_EDGE = re.compile(r"(?<!\\)\|")  # an escaped "\|" is text inside a cell
_CLAUSE_END = re.compile(r"[.!?:;][\"'”’)\]]*$")


def normalise_space(line: str) -> str:
    return _SPACE.sub(" ", _INVISIBLE.sub("", line)).strip()


def normalise_document(text: str) -> str:
    """The whole document under the whitespace rule, one line per source line, no blank lines."""
    lines = (normalise_space(line) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def is_bullet(line: str) -> bool:
    return bool(_BULLET.match(line))


def is_numbered_item(line: str) -> bool:
    """A list item with a number or letter for its marker, not a glyph."""
    return bool(_NUMBERED_ITEM.match(line))


def bullet_marker_length(line: str) -> int:
    """Characters of ``line`` taken by its list marker and the space after it (0 if none)."""
    match = _BULLET.match(line)
    return match.end() - 1 if match else 0


def ends_sentence(line: str) -> bool:
    return bool(_SENTENCE_END.search(line))


def ends_clause(line: str) -> bool:
    """Ends where a line may legitimately end: a full stop, question, colon or semicolon."""
    return bool(_CLAUSE_END.search(line))


def starts_lowercase(line: str) -> bool:
    return bool(line) and line[0].islower()


def markdown_row(inner: str, names_columns: bool = False) -> str:
    """A markdown pipe table row (outer pipes aside) as its cells joined by " | ", however the
    author spaced them ("|ICB|Practice|" and "| ICB | Practice |" are one row)."""
    return join_cells(_MD_CELL_EDGE.split(inner), names_columns)
