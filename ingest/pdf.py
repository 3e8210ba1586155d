"""PDF pages into Blocks that remember their page, without the page furniture.

pypdf's layout mode gives lines in reading position, with blank lines where the page has
vertical gaps and the lines' indentation kept. From those lines:

* a page set in two columns of text is read column by column (see ingest.pdfcolumns);
* running headers and footers (lines at the top or bottom of most pages, compared with their
  digits blanked so "Page 3 of 40" matches "Page 4 of 40") and bare page numbers are dropped;
* a word hyphenated at a line end is rejoined ("commis-" / "sioned" -> "commissioned");
* lines are joined into paragraphs: a line continues the one above unless a gap, a list
  marker or the end of a short line ending a sentence says a new paragraph starts;
* a paragraph cut by a page break continues on the next page (its page is where it starts),
  past the footnotes at the bottom of the page, which follow it;
* footnote markers set with text rise are dropped first (see ingest.pdfrise);
* list glyphs from symbol fonts (private-use code points) become "•", and ligatures ("ﬁ")
  their letters;
* a table of contents is dropped, and each table row is a block of its cells joined by " | "
  a cell's wrapped lines rejoined (see ingest.pdftable).

The chunker's verbatim rule then applies to this text: a passage from a PDF is found in the
extracted, cleaned text, not necessarily in the raw bytes.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import reduce
from pathlib import Path
from typing import Optional

from opmodel.errors import DocumentError
from opmodel.table_rows import join_cells

from ingest import pdftable
from ingest.pdfcolumns import read_columns
from ingest.pdfrise import flatten_text_rise
from ingest.load import Block, join_lines
from ingest.text import ends_clause, ends_sentence, is_bullet, normalise_space, starts_lowercase

EDGE_LINES = 3  # lines at the top and at the bottom of a page where headers and footers live
SPACE_UNIT = 0.25  # vertical space is measured in quarters of the font height
_PAGE_NUMBER = re.compile(r"^(?:page\s*)?[-–—(\[]?\s*(?:\d{1,4}|[ivxlc]{1,6})\s*[-–—)\]]?(?:\s*(?:of|/)\s*\d{1,4})?$", re.I)
_SYMBOL_BULLET = re.compile("^(\\s*)[\x7f\x95\uf000-\uf0ff\u2022\u25cf\u25aa\u25a0\u2023\u2043\u2219]\\s+")
# Typeset text keeps its ligature glyphs ("ﬁnance"); spelled out, the words match the question's.
_LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
                            "\ufb05": "st", "\ufb06": "st"})
_HYPHEN_END = re.compile(r"[^\W\d_]-$")
# A table of contents entry: leader dots (or an ellipsis run) and then a page number.
_LEADER = re.compile(r"(?:\.\s?){4,}\s*(?:\d{1,4}|[ivxlc]{1,6})$|…{2,}\s*\d{1,4}$", re.I)
_CONTENTS_TITLE = re.compile(r"^(?:table of )?contents$", re.I)
MIN_CONTENTS_ENTRIES = 3
_FOOTNOTE = re.compile(r"^(?:\d{1,3}|[*†‡§])\s+\S")
_NOTE_TEXT = re.compile(r"https?://|www\.|[.!?)]$")
_POINTS_BACK = re.compile(r"^(These|This|They|Such|Those|It)\s+[a-z]")


def read_pdf(path: Path, source: str) -> tuple[list[Block], Optional[str], Optional[str]]:
    """The PDF's paragraphs, the title its metadata gives (if a plausible one) and the date
    its metadata says it was created (YYYY-MM-DD), a document's date of last resort."""
    reader = _open(path, source)
    pages = [_in_reading_order(lines) for lines in _strip_furniture(_page_lines(reader, source))]
    return _paragraphs(_drop_contents(pages)), _title(reader), _created(reader)


_PDF_DATE = re.compile(r"^(?:D:)?((?:19|20)\d\d)(\d\d)(\d\d)")


def _created(reader) -> Optional[str]:
    """/CreationDate ("D:20230703120000Z") as 2023-07-03; None when absent or not a date."""
    try:
        raw = str((reader.metadata or {}).get("/CreationDate") or "")
    except Exception:  # unreadable metadata: no date rather than no document
        return None
    found = _PDF_DATE.match(raw.strip())
    if not found:
        return None
    import datetime

    try:
        return datetime.date(*map(int, found.groups())).isoformat()
    except ValueError:
        return None


def _in_reading_order(lines: list[_Line]) -> list[_Line]:
    """A page set in two columns, left column first (see ingest.pdfcolumns)."""
    ordered = read_columns([(line.raw, line.space) for line in lines])
    return lines if ordered is None else [_Line(raw, space) for raw, space in ordered]


def _title(reader) -> Optional[str]:
    """Word processors fill /Title with the file name or "Microsoft Word - draft3.docx" when
    nobody set one: only a title of a few words that is not a file name counts."""
    try:
        title = normalise_space(str((reader.metadata or {}).get("/Title") or ""))
    except Exception:  # unreadable metadata: the file name stands in, as before
        return None
    if len(title.split()) < 2 or len(title) > 200 or re.search(r"\.(docx?|pdf|pptx?|odt|rtf)$|^microsoft word\b", title, re.I):
        return None
    return title


def _open(path: Path, source: str):
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError(f"{source}: the PDF is password-protected; save an unprotected copy and ingest that")
        count = len(reader.pages)
    except DocumentError:
        raise
    except (DependencyError, NotImplementedError) as exc:
        raise DocumentError(f"{source}: the PDF uses encryption this installation cannot open ({exc})") from exc
    except FileNotDecryptedError as exc:
        raise DocumentError(f"{source}: the PDF is password-protected; save an unprotected copy and ingest that") from exc
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError, RecursionError) as exc:
        raise DocumentError(f"{source}: not a readable PDF, the file is damaged or not a PDF ({exc.__class__.__name__}: {exc})") from exc
    if count == 0:
        raise DocumentError(f"{source}: the PDF has no pages")
    return reader


@dataclass(frozen=True)
class _Line:
    raw: str  # as laid out: leading spaces show indentation
    space: int  # vertical distance from the line above, in quarters of the font height


def _page_lines(reader, source: str) -> list[list[_Line]]:
    """Each page's text lines with the vertical space above each."""
    pages = []
    for number, page in enumerate(reader.pages, start=1):
        flatten_text_rise(page)
        try:
            # A small font-height weight makes pypdf emit one blank line per quarter font
            # height of vertical space, which is what tells paragraphs apart.
            text = page.extract_text(extraction_mode="layout", layout_mode_font_height_weight=SPACE_UNIT)
        except Exception as exc:  # pypdf raises many types on broken content streams
            raise DocumentError(f"{source}: cannot extract the text of page {number} ({exc.__class__.__name__}: {exc})") from exc
        lines, space = [], 0
        for line in text.splitlines():
            if line.strip():
                lines.append(_Line(_SYMBOL_BULLET.sub(r"\1• ", line.rstrip().translate(_LIGATURES)), space + 1))
                space = 0
            else:
                space += 1
        pages.append(lines)
    if not any(pages):
        raise DocumentError(_no_text_message(reader, source))
    return pages


def _no_text_message(reader, source: str) -> str:
    count = len(reader.pages)
    pages, verb = (f"{count} pages", "hold") if count != 1 else ("1 page", "holds")
    if any(_has_images(page) for page in reader.pages):
        return (
            f"{source}: its {pages} {verb} images but no text: a scanned or image-only PDF. "
            "Run it through OCR (for example `ocrmypdf`) and ingest the result"
        )
    return f"{source}: no text in its {pages}: the PDF is blank or holds only drawings"


def _has_images(page) -> bool:
    try:
        objects = page.get("/Resources", {}).get("/XObject", {})
        return any(obj.get_object().get("/Subtype") == "/Image" for obj in objects.values())
    except Exception:  # unreadable resources: we only wanted a better message
        return False


def _strip_furniture(pages: list[list[_Line]]) -> list[list[_Line]]:
    """Drop running headers/footers and page numbers from the top and bottom of each page.

    Furniture is a line that recurs (digits aside) at the same place from the top or bottom
    of at least half the pages, or a bare page number, and that sits apart from the body: a
    gap separates it from the text it borders. So a repeated line of body text is kept, and so
    is a line shaped like lines inside the pages (a table's rows)."""
    counts: Counter[tuple[int, str]] = Counter()
    inside: Counter[str] = Counter()  # pages whose body (edges aside) holds a line of this shape
    for lines in pages:
        edges = _edges(lines)
        counts.update({(place, _signature(lines[i].raw)) for place, i in edges})
        at_edge = {i for _, i in edges}
        inside.update({_signature(line.raw) for i, line in enumerate(lines) if i not in at_edge})
    # A table's rows repeat their shape, digits aside ("Band 3 ... £300"), down every page,
    # so one ending a page is content; a running header or footer is found only at the edges.
    repeated = {key for key, n in counts.items() if n >= 2 and n >= 0.5 * len(pages) and inside[key[1]] < 2}
    leading = _leading(pages)

    def gap(line: _Line) -> bool:  # any space beyond the body's line spacing
        return line.space > leading

    def furniture(place: int, line: _Line) -> bool:
        return (place, _signature(line.raw)) in repeated or bool(_PAGE_NUMBER.match(line.raw.strip()))

    cleaned = []
    for lines in pages:
        top = 0
        while top < min(EDGE_LINES, len(lines)) and furniture(top, lines[top]):
            top += 1
        while top and top < len(lines) and not gap(lines[top]):
            top -= 1
        bottom = 0
        while bottom < min(EDGE_LINES, len(lines) - top) and furniture(-1 - bottom, lines[-1 - bottom]):
            bottom += 1
        while bottom and bottom < len(lines) - top and not gap(lines[-bottom]):
            bottom -= 1
        cleaned.append(lines[top : len(lines) - bottom])
    return cleaned


def _drop_contents(pages: list[list[_Line]]) -> list[list[_Line]]:
    """Drop a table of contents: its entries name every heading, so as a passage it would match
    questions on any subject and answer none. A contents page holds at least
    MIN_CONTENTS_ENTRIES entries, or continues the contents of the page before."""
    cleaned, continuing = [], False
    for lines in pages:
        leaders = [bool(_LEADER.search(line.raw.strip())) for line in lines]
        if sum(leaders) < MIN_CONTENTS_ENTRIES and not (continuing and any(leaders)):
            cleaned.append(lines)
            continuing = False
            continue
        drop = set()
        for i, is_entry in enumerate(leaders):
            if not is_entry:
                continue
            drop.add(i)
            # An entry too long for one line wraps: its leaders, or the end of its title, go on.
            wrapped = _LEADER.fullmatch(lines[i].raw.strip()) or starts_lowercase(lines[i].raw.strip())
            if wrapped and i and not leaders[i - 1]:
                drop.add(i - 1)
        drop.update(i for i, line in enumerate(lines) if _CONTENTS_TITLE.match(line.raw.strip()))
        cleaned.append([line for i, line in enumerate(lines) if i not in drop])
        continuing = True
    return cleaned


def _edges(lines: list[_Line]) -> list[tuple[int, int]]:
    """(place, index) of the first and last EDGE_LINES lines; place 0.. from the top, -1.. from the bottom."""
    top = list(enumerate(range(min(EDGE_LINES, len(lines)))))
    bottom = [(-1 - k, len(lines) - 1 - k) for k in range(min(EDGE_LINES, len(lines)))]
    return top + bottom


def _gap_test(leading: int):
    """Is there more space above this line than between the lines of a paragraph (``leading``)?"""
    return lambda line: line.space >= max(leading + 1, 1.3 * leading)


def _signature(line: str) -> str:
    return re.sub(r"\d+", "#", normalise_space(line).lower())


def _paragraphs(pages: list[list[_Line]]) -> list[Block]:
    leading = _leading(pages)
    gap_above = _gap_test(leading)
    # A line "fills" the column when it is nearly as wide as the widest lines. Where the
    # document separates paragraphs with space, a missing gap already says "same paragraph",
    # so only a clearly short line (a heading, a last line) may end one.
    uses_gaps = sum(gap_above(line) for lines in pages for line in lines[1:]) >= 0.05 * sum(map(len, pages))
    width = _full_width(pages) * (0.5 if uses_gaps else 0.7)
    blocks: list[Block] = []
    previous: Optional[str] = None  # the raw line the last block ended with; None after a gap
    indent = 0  # indentation of the last block's first line
    notes: list[Block] = []  # the last page's footnotes, placed after the paragraph it carries on to the next
    carried: tuple[int, ...] = ()  # the columns of a table that ran to the foot of the last page

    def start(block: Block) -> None:
        """A new block: the footnotes held back from the page before come first."""
        blocks.extend(notes)
        notes.clear()
        blocks.append(block)
    for page_number, page_lines in enumerate(pages, start=1):
        # A page break ends a paragraph only where a sentence ends: a full last line is no
        # evidence across pages, and a list's introduction often starts the next page. A
        # sentence opening with a word that points back ("These are described later...")
        # still belongs to the paragraph before, whose last sentence ended the page.
        if blocks and ends_sentence(blocks[-1].text) and not (page_lines and _points_back(page_lines[0].raw)):
            previous = None
        body = _footnotes_start(page_lines, gap_above)
        lines = page_lines[:body]
        found = pdftable.find_rows([(line.raw, line.space) for line in lines], leading, carried)
        rows = {row.start: row for row in found}
        carried = found[-1].columns if found and found[-1].end == len(lines) else ()  # a table going on overleaf
        i = 0
        while i < len(lines):
            line = lines[i]
            if i in rows:
                row = rows[i]
                cells = [reduce(_join, map(normalise_space, cell)) if cell else "" for cell in row.cells]
                start(Block(join_cells(cells, names_columns=row.opens_table), page=page_number, table_row=True))
                previous, i = lines[row.end - 1].raw, row.end
                continue
            text = normalise_space(line.raw)
            gap = i > 0 and gap_above(line)
            following = lines[i + 1].raw.strip() if i + 1 < len(lines) else ""
            # Across a gap, only a sentence plainly carrying on ("...funds the" / "clinical system")
            # continues: in a column of a two-column page the other column's gaps show as its own.
            if (
                blocks
                and previous is not None
                and (not gap or (starts_lowercase(text) and not ends_clause(blocks[-1].text)))
                and not blocks[-1].table_row
                and not _introduces_list(blocks[-1].text, text, following, width)
                and _continues(blocks[-1].text, previous, line.raw, indent, width)
            ):
                blocks[-1] = Block(_join(blocks[-1].text, text), page=blocks[-1].page)
            else:
                start(Block(text, page=page_number))
                indent = _indent(line.raw)
            previous = line.raw
            i += 1
        blocks.extend(notes)  # a page that only carried its paragraph on: the notes before it follow
        notes.clear()
        for line in page_lines[body:]:
            text = normalise_space(line.raw)
            if _FOOTNOTE.match(text) or not notes:
                notes.append(Block(text, page=page_number))
            else:
                notes[-1] = Block(_join(notes[-1].text, text), page=page_number)
    blocks.extend(notes)
    return blocks


def _footnotes_start(lines: list[_Line], gap_above) -> int:
    """Where a page's footnotes start (``len(lines)`` when it has none): the groups of lines
    below the body, each set apart by space and opening with its number ("3 See
    https://..."), and reading as notes (a sentence or a link), not as a "2 Purpose" heading."""
    start, end = len(lines), len(lines)
    for i in range(len(lines) - 1, 0, -1):
        if not gap_above(lines[i]):
            continue
        note = " ".join(normalise_space(line.raw) for line in lines[i:end])
        if not (_FOOTNOTE.match(note) and _NOTE_TEXT.search(note)):
            break
        start = end = i
    return start


def _continues(paragraph: str, previous: str, raw: str, indent: int, width: float) -> bool:
    """Does ``raw`` carry on the paragraph? ``width``: the length from which a line fills the column."""
    text = raw.strip()
    if is_bullet(text):
        return False
    if _HYPHEN_END.search(paragraph) and starts_lowercase(text):
        return True
    full = len(previous.strip()) >= width
    if ends_clause(paragraph):
        return full  # a sentence ended inside a paragraph, not at its short last line
    if is_bullet(paragraph) and _indent(raw) > indent:
        return True  # the wrapped tail of a list item
    return full or starts_lowercase(text)


def _points_back(line: str) -> bool:
    return bool(_POINTS_BACK.match(line.strip()))


def _introduces_list(paragraph: str, text: str, following: str, width: float) -> bool:
    """A one-line "... will provide:" right above a list item starts its own paragraph, unless
    the paragraph above stops mid-sentence: then the line is its wrapped end ("... for GP" /
    "digital services to:"), which a list follows just the same."""
    return text.endswith(":") and len(text) < width and is_bullet(following) and ends_clause(paragraph)


def _join(paragraph: str, line: str) -> str:
    """Rejoin a word hyphenated at the line end; keep real compounds ("NHS-funded") whole."""
    if _HYPHEN_END.search(paragraph) and starts_lowercase(line):
        return paragraph[:-1] + line
    return join_lines(paragraph, line)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _full_width(pages: list[list[_Line]]) -> int:
    """Characters in a line that spans the column (indentation aside: a centred or
    right-aligned heading reaches the margin without filling the line)."""
    widths = sorted(len(line.raw.strip()) for lines in pages for line in lines)
    return max(1, widths[int(0.9 * (len(widths) - 1))]) if widths else 1


def _leading(pages: list[list[_Line]]) -> int:
    """The space from one line of a paragraph to the next, in SPACE_UNITs; more is a gap.
    It is the smallest spacing that is common (not the most common one: a document of short
    paragraphs has more gaps than wrapped lines), ignoring rare tight pairs like subscripts."""
    spaces = Counter(line.space for lines in pages for line in lines[1:])
    total = sum(spaces.values())
    if total < 8:  # too few lines to tell: assume single spacing, 1.2 font heights
        return round(1.2 / SPACE_UNIT)
    return min(space for space, n in spaces.items() if n >= 0.15 * total)
