"""PDF pages into Blocks that remember their page, without the page furniture.

pypdf's layout mode gives lines in reading position, with blank lines where the page has
vertical gaps and the lines' indentation kept. From those lines:

* running headers and footers (lines at the top or bottom of most pages, compared with their
  digits blanked so "Page 3 of 40" matches "Page 4 of 40") and bare page numbers are dropped;
* a word hyphenated at a line end is rejoined ("commis-" / "sioned" -> "commissioned");
* lines are joined into paragraphs: a line continues the one above unless a gap, a list
  marker or the end of a short line ending a sentence says a new paragraph starts;
* a paragraph cut by a page break continues on the next page (its page is where it starts);
* list glyphs from symbol fonts (private-use code points) become "•".

The chunker's verbatim rule then applies to this text: a passage from a PDF is found in the
extracted, cleaned text, not necessarily in the raw bytes.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Optional

from opmodel.errors import DocumentError

from ingest.load import Block, join_lines
from ingest.text import ends_clause, ends_sentence, is_bullet, normalise_space, starts_lowercase

EDGE_LINES = 3  # lines at the top and at the bottom of a page where headers and footers live
_PAGE_NUMBER = re.compile(r"^(?:page\s*)?[-–—(\[]?\s*(?:\d{1,4}|[ivxlc]{1,6})\s*[-–—)\]]?(?:\s*(?:of|/)\s*\d{1,4})?$", re.I)
_SYMBOL_BULLET = re.compile("^(\\s*)[\x7f\x95\uf000-\uf0ff\u2022\u25cf\u25aa\u25a0\u2023\u2043\u2219]\\s+")
_HYPHEN_END = re.compile(r"[^\W\d_]-$")


def read_pdf(path: Path, source: str) -> list[Block]:
    return _paragraphs(_strip_furniture(_page_lines(_open(path, source), source)))


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


def _page_lines(reader, source: str) -> list[list[str]]:
    """Each page's lines, right-trimmed; "" marks a vertical gap."""
    pages = []
    for number, page in enumerate(reader.pages, start=1):
        try:
            text = page.extract_text(extraction_mode="layout")
        except Exception as exc:  # pypdf raises many types on broken content streams
            raise DocumentError(f"{source}: cannot extract the text of page {number} ({exc.__class__.__name__}: {exc})") from exc
        lines = [_SYMBOL_BULLET.sub(r"\1• ", line.rstrip()) for line in text.splitlines()]
        pages.append(lines)
    if not any(line.strip() for lines in pages for line in lines):
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


def _strip_furniture(pages: list[list[str]]) -> list[list[str]]:
    """Drop running headers/footers and page numbers from the top and bottom of each page.
    A header is the same line (digits aside) at the same place from the top or bottom of at
    least half the pages, so a repeated sentence in the body is never taken for one."""
    counts: Counter[tuple[int, str]] = Counter()
    for lines in pages:
        counts.update({(place, _signature(lines[i])) for place, i in _edges(lines)})
    repeated = {key for key, n in counts.items() if n >= 2 and n >= 0.5 * len(pages)}
    cleaned = []
    for lines in pages:
        furniture = {
            i for place, i in _edges(lines)
            if (place, _signature(lines[i])) in repeated or _PAGE_NUMBER.match(lines[i].strip())
        }
        cleaned.append([line for i, line in enumerate(lines) if i not in furniture])
    return cleaned


def _edges(lines: list[str]) -> list[tuple[int, int]]:
    """(place, index) of the first and last EDGE_LINES text lines; place 0.. from the top, -1.. from the bottom."""
    text = [i for i, line in enumerate(lines) if line.strip()]
    top = list(enumerate(text[:EDGE_LINES]))
    bottom = [(-1 - k, i) for k, i in enumerate(reversed(text[-EDGE_LINES:]))]
    return top + bottom


def _signature(line: str) -> str:
    return re.sub(r"\d+", "#", normalise_space(line).lower())


def _paragraphs(pages: list[list[str]]) -> list[Block]:
    width = _full_width(pages)
    blocks: list[Block] = []
    previous: Optional[str] = None  # the raw line the last block ended with; None after a gap
    last = ""  # the last raw text line seen, gap or not
    indent = 0  # indentation of the last block's first line
    for page_number, lines in enumerate(pages, start=1):
        # A page break ends a paragraph only where a sentence ends: a full last line is no
        # evidence across pages, and a list's introduction often starts the next page.
        previous = last if blocks and not ends_sentence(blocks[-1].text) else None
        top = True  # blank lines before the first text of a page are margin, not a gap
        for i, raw in enumerate(lines):
            text = normalise_space(raw)
            if not text:
                previous = None if not top else previous
                continue
            top = False
            if (
                blocks
                and previous is not None
                and not _introduces_list(text, lines[i + 1 :], width)
                and _continues(blocks[-1].text, previous, raw, indent, width)
            ):
                blocks[-1] = Block(_join(blocks[-1].text, text), page=blocks[-1].page)
            else:
                blocks.append(Block(text, page=page_number))
                indent = _indent(raw)
            previous = last = raw
    return blocks


def _continues(paragraph: str, previous: str, raw: str, indent: int, width: int) -> bool:
    text = raw.strip()
    if is_bullet(text):
        return False
    if _HYPHEN_END.search(paragraph) and starts_lowercase(text):
        return True
    full = len(previous) >= 0.7 * width
    if ends_clause(paragraph):
        return full  # a sentence ended inside a paragraph, not at its short last line
    if is_bullet(paragraph) and _indent(raw) > indent:
        return True  # the wrapped tail of a list item
    return full or starts_lowercase(text)


def _introduces_list(text: str, rest: list[str], width: int) -> bool:
    """A one-line "... will provide:" right above a list item starts its own paragraph."""
    following = next((line.strip() for line in rest if line.strip()), "")
    return text.endswith(":") and len(text) < 0.7 * width and is_bullet(following)


def _join(paragraph: str, line: str) -> str:
    """Rejoin a word hyphenated at the line end; keep real compounds ("NHS-funded") whole."""
    if _HYPHEN_END.search(paragraph) and starts_lowercase(line):
        return paragraph[:-1] + line
    return join_lines(paragraph, line)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _full_width(pages: list[list[str]]) -> int:
    widths = sorted(len(line.rstrip()) for lines in pages for line in lines if line.strip())
    return max(1, widths[int(0.9 * (len(widths) - 1))]) if widths else 1
