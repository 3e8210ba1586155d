"""Read a source file into a Document: its paragraphs, list items and headings, in order.

Each Block is one paragraph, list item or heading, whitespace-normalised (see ingest.text),
with the PDF page it starts on. Lines the source broke in the middle of a sentence are
joined back, so the chunker sees whole paragraphs whatever the file's line wrapping.

* ``.txt``: one paragraph per line (how web pages and exports usually arrive), except where a
  line was broken mid-sentence (it ends without punctuation and the next line starts in
  lower case, or the file is hard-wrapped and the line runs to the wrap width). Lines whose
  cells are apart by tabs (a pasted table) are table rows.
* ``.md``: paragraphs are blank-line separated (CommonMark); ``#`` and underlined headings
  become headings; list items start new blocks; each row of a pipe table is a block, its
  cells apart by " | " as a PDF table row's are.
* ``.pdf``: see ingest.pdf.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from opmodel.errors import DocumentError
from opmodel.terminal import CONTROL

from ingest.text import ends_clause, is_bullet, markdown_row, normalise_space, starts_lowercase

SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf")
DEFAULT_MAX_BYTES = 20_000_000  # of text: a 50 MB text file took ~50 minutes and ~1 GB to index
MAX_CONTROL_SHARE = 0.1  # more control characters than this and a .txt/.md file is not text

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_MD_UNDERLINE = re.compile(r"^(=+|-+)\s*$")
_MD_RULE = re.compile(r"^(?:[-*_]\s*){3,}$")
_MD_TABLE_ROW = re.compile(r"^\|(.*)\|$")  # "| Telephony | Practice |"
_MD_TABLE_DELIMITER = re.compile(r"^\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?$")  # "|---|:--:|"


@dataclass(frozen=True)
class Block:
    text: str  # whitespace-normalised, never empty
    page: Optional[int] = None  # 1-based PDF page the block starts on
    heading_level: int = 0  # > 0 when the source itself marks the block as a heading
    table_row: bool = False  # a row of table cells as laid out on a PDF page: never a heading

    def __post_init__(self):
        if not self.text:
            raise ValueError("a block needs text")


@dataclass(frozen=True)
class Document:
    source: str
    blocks: tuple[Block, ...]
    title: Optional[str] = None  # what the file calls itself (PDF metadata, a markdown "# " heading)
    created: Optional[str] = None  # YYYY-MM-DD the PDF's metadata says it was made

    @property
    def is_pdf(self) -> bool:
        return self.source.lower().endswith(".pdf")

    def text(self) -> str:
        """The document as the chunker sees it; every passage is a substring of this."""
        return "\n".join(block.text for block in self.blocks)


def load_document(path: Path, source: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Raises DocumentError, naming the file, for anything we cannot read as text, and for a
    document with more than ``max_bytes`` of text."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentError(f"{source}: unsupported file type {suffix or '(none)'!r}; use {', '.join(SUPPORTED_SUFFIXES)}")
    title = created = None
    if suffix == ".pdf":
        from ingest.pdf import read_pdf

        blocks, title, created = read_pdf(path, source)
    else:
        check_file_size(path, source, max_bytes)
        text = read_text(path, source)
        blocks = markdown_blocks(text) if suffix == ".md" else text_blocks(text)
        if suffix == ".md":
            title = next((b.text for b in blocks if b.heading_level == 1), None)
    if not blocks:
        raise DocumentError(f"{source}: the file has no text to index")
    document = Document(source=source, blocks=tuple(blocks), title=title, created=created)
    _check_size(source, len(document.text().encode("utf-8")), max_bytes, "of text")
    return document


def check_file_size(path: Path, source: str, max_bytes: int) -> None:
    """For text files, before reading them: their size is their text's size."""
    if path.suffix.lower() == ".pdf":
        return  # a PDF's bytes are mostly fonts and images; its text is checked once read
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DocumentError(f"{source}: cannot read the file ({exc.strerror or exc})") from exc
    _check_size(source, size, max_bytes, "")


def _check_size(source: str, size: int, max_bytes: int, what: str) -> None:
    if size > max_bytes:
        raise DocumentError(
            f"{source}: skipped, {size / 1e6:.1f} MB {what + ' ' if what else ''}is over the limit of "
            f"{max_bytes / 1e6:g} MB per document (OPMODEL_MAX_DOCUMENT_MB); split it into smaller "
            "documents or raise the limit"
        )


def read_text(path: Path, source: str) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"{source}: cannot read the file ({exc.strerror or exc})") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(
            f"{source}: not UTF-8 text (byte 0x{data[exc.start]:02x} at position {exc.start}); "
            "save it as UTF-8 and ingest again"
        ) from exc
    controls = len(CONTROL.findall(text))
    if text and controls > MAX_CONTROL_SHARE * len(text):
        # NULs are valid UTF-8, so a binary file renamed .txt decodes; it is still not text.
        raise DocumentError(
            f"{source}: not text ({controls:,} of its {len(text):,} characters are control characters "
            "such as NUL); is it a binary file saved as .txt?"
        )
    return text


def text_blocks(text: str) -> list[Block]:
    raw_lines = text.splitlines()
    rows = _tab_rows(raw_lines)
    lines = [normalise_space(line) for line in raw_lines]
    wrap = _wrap_width([line for i, line in enumerate(lines) if line and i not in rows])
    blocks: list[Block] = []
    follows_blank = True
    for i, line in enumerate(lines):
        if not line:
            follows_blank = True
            continue
        if i in rows:
            blocks.append(Block(line, table_row=True))
        elif blocks and not follows_blank and not blocks[-1].table_row and _continues(blocks[-1].text, line, wrap):
            blocks[-1] = Block(join_lines(blocks[-1].text, line))
        else:
            blocks.append(Block(line))
        follows_blank = False
    return blocks


def _tab_rows(lines: list[str]) -> set[int]:
    """Lines of a table pasted from a word processor or a web page: two or more runs of lines
    whose cells are apart by tabs. Their text keeps to the whitespace rule (a tab reads as a
    space), but each is a row of its own, never joined to the next."""
    cells = [len([c for c in line.split("\t") if c.strip()]) if "\t" in line.strip() else 0 for line in lines]
    rows: set[int] = set()
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and cells[j] >= 2:
            j += 1
        if j - i >= 2:
            rows.update(range(i, j))
        i = max(j, i + 1)
    return rows


def markdown_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    open_paragraph = False
    for raw in text.splitlines():
        line = normalise_space(raw)
        heading = _MD_HEADING.match(line)
        if not line:
            open_paragraph = False
        elif heading and heading.group(2):
            blocks.append(Block(heading.group(2), heading_level=len(heading.group(1))))
            open_paragraph = False
        elif open_paragraph and _MD_UNDERLINE.match(line):
            # A setext heading: the paragraph line above is underlined with === or ---.
            blocks[-1] = Block(blocks[-1].text, heading_level=1 if line.startswith("=") else 2)
            open_paragraph = False
        elif _MD_TABLE_DELIMITER.match(line) and "|" in line and blocks and blocks[-1].table_row:
            blocks[-1] = Block(markdown_row(blocks[-1].text, names_columns=True), table_row=True)
            open_paragraph = False
        elif _MD_RULE.match(line) or (_MD_TABLE_DELIMITER.match(line) and "|" in line):
            open_paragraph = False
        elif _MD_TABLE_ROW.match(line):
            # Its cells as a PDF table row's are, so both read the same (an empty cell too).
            blocks.append(Block(markdown_row(_MD_TABLE_ROW.match(line).group(1)), table_row=True))
            open_paragraph = False
        elif open_paragraph and not is_bullet(line):
            blocks[-1] = Block(join_lines(blocks[-1].text, line))
        else:
            blocks.append(Block(line))
            open_paragraph = True
    return blocks


def join_lines(first: str, second: str) -> str:
    """A compound split after its hyphen ("multi-" / "function") is joined without a space."""
    if first.endswith("-") and len(first) > 1 and first[-2].isalpha() and starts_lowercase(second):
        return first + second
    return f"{first} {second}"


def _continues(previous: str, line: str, wrap: Optional[int]) -> bool:
    if is_bullet(line) or ends_clause(previous):
        return False
    if starts_lowercase(line):
        return True
    return wrap is not None and len(previous) >= 0.75 * wrap


def _wrap_width(lines: list[str]) -> Optional[int]:
    """The column a hard-wrapped file is wrapped at; None when lines are whole paragraphs."""
    long_lines = sorted(len(line) for line in lines if len(line) >= 30)
    if len(long_lines) < 5:
        return None
    width = long_lines[int(0.9 * (len(long_lines) - 1))]
    return width if width <= 100 else None
