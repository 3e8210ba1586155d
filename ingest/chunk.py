"""Cut a document into passages shaped for citation: the unit a reader wants quoted.

* A heading (a short line without closing punctuation that content follows, or a markdown
  ``#``) is not quoted itself; it becomes the section path of the passages under it.
  Consecutive headings nest ("News > Primary care IT services: ..."); a heading after content
  replaces the deepest one, since plain text does not say how deep it is.
* A definition ("Term: meaning") is one passage whose section ends with the term
  ("Definitions > Clinical system"), so it is cited and found by its term.
* A list stays with the sentence that introduces it. A list too long for one passage is split
  between items; the later parts carry the introduction in their section path, because the
  passage text itself must stay one verbatim stretch of the document.
* A paragraph is one passage when it fits; otherwise it is cut between sentences into
  near-equal parts of at most 1,200 characters (see ingest.split).
* A table is a passage per row: the first with the row naming the columns above it (and a
  sentence introducing the table, "...as follows:"), the others with the column names in
  their section path, so each row is found and quoted as what its columns say it is.
* A fragment (under FRAGMENT_CHARS and not a sentence of three words or more: "Stakeholders:",
  a dateline) joins the passage it leads into, since on its own it answers nothing.

Passage text is a contiguous stretch of Document.text(): blocks joined by newlines, bullets
and dashes as in the source. Passage.sentences holds [start, end) of each sentence (list
markers excluded), so an answer can quote exactly one sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from opmodel.passage import Passage

from ingest.catalog import DocumentInfo
from ingest.dating import date_from_text
from ingest.load import Block, Document
from ingest.split import sentence_offsets, split_unit
from ingest.text import ends_sentence, is_bullet, is_numbered_item

FORMAT_VERSION = "16"  # bump when a change here or in a loader changes passages: every document is re-read
FRAGMENT_CHARS = 60
HEADING_CHARS = 80
HEADING_WORDS = 12
MAX_HEADING_RUN = 3

_DEFINITION = re.compile(r"^(?P<term>[A-Z0-9][^:.!?;]{0,99}?):\s+(?P<meaning>\S.*)$")
_DEFINITIONS_SECTION = re.compile(r"\b(definitions?|glossary|terms|terminology|abbreviations|acronyms|interpretation)\b", re.I)
# Words that open a label or a sentence, never a defined term: "Note: ...", "It says: ...".
_REMARKS = frozenset("note notes nb n.b example examples source sources see tip warning important".split())
_NOT_TERMS = _REMARKS | frozenset(
    """q a question answer tel telephone email e-mail web website date updated published author re
    subject contact address phone fax it this these that those they we he she there here which who
    i you our their its""".split()
)
# "1. Introduction", "2.3 Funding arrangements": a section number, then a capitalised title.
_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.?\s+[A-Z][A-Za-z0-9’'-]*(?:\s|$)")  # "6. COVID-19 response"
_DATE_LINE = re.compile(r"^[\d\s/.,-]*(?:[A-Za-z]{3,9}\.?\s+)?[\d\s/.,-]*$")


@dataclass
class _Unit:
    """Consecutive blocks that belong in one passage unless they exceed MAX_CHARS."""

    section: list[str]
    lead: list[Block] = field(default_factory=list)  # paragraphs, the last one introducing items
    items: list[Block] = field(default_factory=list)  # list items
    term: Optional[str] = None  # set for a definition
    table: bool = False  # lead: a table's first row (its column names); items: the rows under it

    @property
    def blocks(self) -> list[Block]:
        return self.lead + self.items

    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks)

    def is_fragment(self) -> bool:
        text = self.text()
        short = len(text) < FRAGMENT_CHARS and (not ends_sentence(text) or len(text.split()) < 3)
        return self.term is None and not self.table and short  # a short table is still its rows


def chunk_document(document: Document, info: DocumentInfo, doc_hash: str = "") -> list[Passage]:
    units = _merge_fragments(_units(document.blocks))
    passages: list[Passage] = []
    for unit in units:
        base = unit.section + ([unit.term] if unit.term else [])
        for text, page, section in _table_parts(unit, base) if unit.table else split_unit(unit.blocks, len(unit.lead), base):
            passages.append(
                Passage(
                    source=document.source,
                    text=text,
                    ordinal=len(passages),
                    title=info.title,
                    status=info.status,
                    published=info.published,
                    page=page,
                    section=section,
                    sentences=tuple(sentence_offsets(text)),
                    status_note=info.status_note,
                    doc_hash=doc_hash,
                    provenance=info.provenance(),
                    url=info.url,
                )
            )
    return passages


def _table_parts(unit: _Unit, base: list[str]):
    """One passage per row, so a question about one service meets that row and not a whole
    table of others. The first row comes with the column names (and any introduction) above
    it; the later ones name the columns in their section path."""
    columns = unit.lead[-1].text
    groups = [(unit.lead + unit.items[:1], len(unit.lead), base)]
    # A long table repeats its column names at the top of each page: once is enough.
    groups += [([row], 0, base + [columns]) for row in unit.items[1:] if row.text != columns]
    for blocks, lead, section in groups:
        yield from split_unit(blocks, lead, section)


# -- recognising structure ---------------------------------------------------------------


def _units(blocks: tuple[Block, ...]) -> list[_Unit]:
    units: list[_Unit] = []
    path: list[tuple[int, str]] = []  # (level, heading)
    after_heading = False
    looks_like_heading = _heading_shapes(blocks)
    for i, block in enumerate(blocks):
        in_definitions = any(_DEFINITIONS_SECTION.search(h) for _, h in path)
        term = _definition_term(block.text, in_definitions)
        # In a definitions section a short "Term: meaning" is a definition; elsewhere a short
        # unpunctuated line is a heading ("Primary care IT services: Operating model published").
        heading = looks_like_heading[i] and not (in_definitions and term)
        if not in_definitions and (heading or not _neighbour_defines(blocks, i)):
            term = None
        if heading:
            path = _enter_heading(path, block, after_heading)
            after_heading = True
            continue
        after_heading = False
        section = [h for _, h in path]
        current = units[-1] if units else None
        same = current is not None and current.section == section
        if block.table_row and same and current.table:
            current.items.append(block)
        elif block.table_row and same and _introduces(current, blocks, i) and current.text().endswith(":"):
            current.lead.append(block)  # "Who funds what:" stays with the table it introduces
            current.table = True
        elif block.table_row:
            units.append(_Unit(section, lead=[block], table=True))
        elif is_bullet(block.text) and same and not current.table and (current.items or _introduces(current, blocks, i)):
            current.items.append(block)
        elif is_bullet(block.text):
            units.append(_Unit(section, items=[block]))
        else:
            units.append(_Unit(section, lead=[block], term=term))
    return units


def _introduces(unit: _Unit, blocks: tuple[Block, ...], i: int) -> bool:
    """The unit's last block sits right before this first list item, so it introduces the list."""
    return bool(unit.lead) and blocks[i - 1] is unit.lead[-1]


def _enter_heading(path: list[tuple[int, str]], block: Block, after_heading: bool) -> list[tuple[int, str]]:
    numbered = _NUMBERED.match(block.text)
    if block.heading_level:
        level = block.heading_level
    elif numbered:
        level = numbered.group(1).count(".") + 1  # "2.3" sits under "2"
    elif after_heading and path:
        level = path[-1][0] + 1  # a run of headings: each one nests in the one before
    else:
        level = path[-1][0] if path else 1
    return [(lvl, h) for lvl, h in path if lvl < level] + [(level, block.text)]


def _heading_shapes(blocks: tuple[Block, ...]) -> list[bool]:
    """Which blocks look like headings. More than MAX_HEADING_RUN short unnumbered lines in a
    row are a list (references, contacts, table cells), not headings nested ever deeper."""
    shapes = [
        _is_heading(block, blocks[i + 1] if i + 1 < len(blocks) else None, blocks[i - 1] if i else None)
        for i, block in enumerate(blocks)
    ]
    start = 0
    while start < len(blocks):
        end = start
        while end < len(blocks) and shapes[end] and not (blocks[end].heading_level or _NUMBERED.match(blocks[end].text)):
            end += 1
        if end - start > MAX_HEADING_RUN:
            shapes[start:end] = [False] * (end - start)
        start = end + 1
    return shapes


def _is_heading(block: Block, following: Optional[Block], previous: Optional[Block] = None) -> bool:
    if block.heading_level:
        return True
    if block.table_row:
        return False  # "Telephony  Practice  Practice" is short and unpunctuated, but a row
    text = block.text
    if is_bullet(text) and not _NUMBERED.match(text):
        return False
    if is_bullet(text) and any(b is not None and is_numbered_item(b.text) for b in (previous, following)):
        return False  # an item of a numbered list, not a numbered section heading (a "•" list may end above one)
    return (
        following is not None
        and len(text) <= HEADING_CHARS
        and len(text.split()) <= HEADING_WORDS
        and (text[0].isupper() or bool(_NUMBERED.match(text)))
        and _reads_as_words(text)
        and text[-1] not in ".,;:!-–—"
        and not _DATE_LINE.match(text)
        and not _is_note(text)
        and not _is_labelled_date(text)
        and date_from_text([text]) is None  # "Last updated 9 September 2026 by the team" dates the page
    )


def _reads_as_words(text: str) -> bool:
    """Headings are words, not code or table cells ("4 CARD32 N_PARENTS", "0x100 = flag")."""
    visible = text.replace(" ", "")
    letters = sum(c.isalpha() for c in visible)
    return letters >= 0.6 * len(visible) and not any(c in visible for c in "_={}<>[]|\\")


def _is_labelled_date(text: str) -> bool:
    """"Published: 3 April 2023" dates the document; it heads nothing."""
    match = _DEFINITION.match(text)
    return bool(match) and bool(_DATE_LINE.match(match.group("meaning")))


def _is_note(text: str) -> bool:
    """"Note: see section 4" is a remark, not a heading, however short."""
    match = _DEFINITION.match(text)
    return bool(match) and match.group("term").split()[0].lower().rstrip(".") in _REMARKS


def _definition_term(text: str, lenient: bool) -> Optional[str]:
    """The term of a "Term: meaning" line. Outside a definitions section only short terms count,
    so a sentence with a colon in it ("The framework says: ...") stays a paragraph."""
    match = _DEFINITION.match(text)
    if not match:
        return None
    term, meaning = match.group("term").strip(), match.group("meaning")
    words = term.split()
    if words[0].lower().rstrip(".") in _NOT_TERMS:
        return None
    if lenient:
        return term if len(words) <= 16 else None
    return term if len(words) <= 6 and len(meaning.split()) >= 3 else None


def _neighbour_defines(blocks: tuple[Block, ...], i: int) -> bool:
    """Outside a definitions section, definitions come in runs ("Lot 1: ...", "Lot 2: ...");
    a lone "Title: subtitle ..." line is a heading or a sentence."""
    return any(
        0 <= j < len(blocks)
        and _definition_term(blocks[j].text, lenient=False) is not None
        and not _is_heading(blocks[j], blocks[j + 1] if j + 1 < len(blocks) else None, blocks[j - 1] if j else None)
        for j in (i - 1, i + 1)
    )


def _merge_fragments(units: list[_Unit]) -> list[_Unit]:
    """Right to left, so a chain of fragments ("Organisations in scope:", "Note: ...") all
    lands on the list they lead into."""
    merged: list[_Unit] = []
    for unit in reversed(units):
        after = merged[-1] if merged else None
        if unit.is_fragment() and after and after.section == unit.section and after.term is None:
            after.lead[:0] = unit.blocks
        else:
            merged.append(unit)
    merged.reverse()
    result: list[_Unit] = []
    for unit in merged:  # a fragment with nothing after it joins what came before
        before = result[-1] if result else None
        if unit.is_fragment() and before and before.section == unit.section and before.term is None and not before.table:
            (before.items if before.items else before.lead).extend(unit.blocks)
        else:
            result.append(unit)
    return result
