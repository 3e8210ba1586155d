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
  near-equal parts of at most MAX_CHARS.
* A fragment (under FRAGMENT_CHARS, not a sentence: "Stakeholders:", a dateline) joins the
  passage it leads into, since on its own it answers nothing.

Passage text is a contiguous stretch of Document.text(): blocks joined by newlines, bullets
and dashes as in the source. Passage.sentences holds [start, end) of each sentence (list
markers excluded), so an answer can quote exactly one sentence.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Optional

from opmodel.passage import Passage

from ingest.catalog import DocumentInfo
from ingest.load import Block, Document
from ingest.sentences import sentence_spans
from ingest.text import bullet_marker_length, ends_sentence, is_bullet

FORMAT_VERSION = "1"  # bump when a change here changes passages: every document is re-chunked
MAX_CHARS = 1200
FRAGMENT_CHARS = 60
HEADING_CHARS = 80
HEADING_WORDS = 12

_DEFINITION = re.compile(r"^(?P<term>[A-Z0-9][^:.!?;]{0,99}?):\s+(?P<meaning>\S.*)$")
_DEFINITIONS_SECTION = re.compile(r"\b(definitions?|glossary|terms|terminology|abbreviations|acronyms|interpretation)\b", re.I)
# Words that open a label or a sentence, never a defined term: "Note: ...", "It says: ...".
_NOT_TERMS = frozenset(
    """note notes nb n.b example examples source sources see tip warning important tel telephone
    email e-mail web website date updated published author re subject contact address phone fax
    it this these that those they we he she there here which who i you our their its""".split()
)
_DATE_LINE = re.compile(r"^[\d\s/.,-]*(?:[A-Za-z]{3,9}\.?\s+)?[\d\s/.,-]*$")


@dataclass
class _Unit:
    """Consecutive blocks that belong in one passage unless they exceed MAX_CHARS."""

    section: list[str]
    lead: list[Block] = field(default_factory=list)  # paragraphs, the last one introducing items
    items: list[Block] = field(default_factory=list)  # list items
    term: Optional[str] = None  # set for a definition

    @property
    def blocks(self) -> list[Block]:
        return self.lead + self.items

    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks)

    def is_fragment(self) -> bool:
        text = self.text()
        return self.term is None and len(text) < FRAGMENT_CHARS and not ends_sentence(text)


def chunk_document(document: Document, info: DocumentInfo, doc_hash: str = "") -> list[Passage]:
    units = _merge_fragments(_units(document.blocks))
    passages: list[Passage] = []
    for unit in units:
        for text, page, section in _split(unit):
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
                    sentences=tuple(_sentences(text)),
                    status_note=info.status_note,
                    doc_hash=doc_hash,
                )
            )
    return passages


# -- recognising structure ---------------------------------------------------------------


def _units(blocks: tuple[Block, ...]) -> list[_Unit]:
    units: list[_Unit] = []
    path: list[tuple[int, str]] = []  # (level, heading)
    after_heading = False
    for i, block in enumerate(blocks):
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        in_definitions = any(_DEFINITIONS_SECTION.search(h) for _, h in path)
        term = _definition_term(block.text, in_definitions)
        if term is not None and not in_definitions and not _neighbour_defines(blocks, i):
            term = None
        if term is None and _is_heading(block, following):
            path = _enter_heading(path, block, after_heading)
            after_heading = True
            continue
        after_heading = False
        section = [h for _, h in path]
        current = units[-1] if units else None
        if is_bullet(block.text) and current is not None and current.section == section and current.items:
            current.items.append(block)
        elif is_bullet(block.text) and current is not None and current.section == section and _introduces(current, blocks, i):
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
    if block.heading_level:
        level = block.heading_level
    elif after_heading and path:
        level = path[-1][0] + 1  # a run of headings: each one nests in the one before
    else:
        level = path[-1][0] if path else 1
    return [(lvl, h) for lvl, h in path if lvl < level] + [(level, block.text)]


def _is_heading(block: Block, following: Optional[Block]) -> bool:
    if block.heading_level:
        return True
    text = block.text
    return (
        following is not None
        and len(text) <= HEADING_CHARS
        and len(text.split()) <= HEADING_WORDS
        and (text[0].isupper() or text[0].isdigit())
        and text[-1] not in ".,;:!-–—"
        and not is_bullet(text)
        and not _DATE_LINE.match(text)
        and not _is_note(text)
    )


def _is_note(text: str) -> bool:
    """"Note: see section 4" is a remark, not a heading, however short."""
    match = _DEFINITION.match(text)
    return bool(match) and match.group("term").split()[0].lower().rstrip(".") in _NOT_TERMS


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
        0 <= j < len(blocks) and _definition_term(blocks[j].text, lenient=False) is not None
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
        if unit.is_fragment() and before and before.section == unit.section and before.term is None:
            (before.items if before.items else before.lead).extend(unit.blocks)
        else:
            result.append(unit)
    return result


# -- fitting units into passages ---------------------------------------------------------


@dataclass(frozen=True)
class _Atom:
    """A stretch of a unit's text that is never cut: a sentence, or a whole list item."""

    start: int
    end: int
    item: bool


def _split(unit: _Unit) -> list[tuple[str, Optional[int], Optional[str]]]:
    """(text, page, section) of each passage cut from the unit."""
    base = unit.section + ([unit.term] if unit.term else [])
    text = unit.text()
    starts = _block_starts(unit.blocks)
    if len(text) <= MAX_CHARS:
        return [(text, unit.blocks[0].page, " > ".join(base) or None)]
    atoms = _atoms(unit, text, starts)
    groups = _pack(atoms, text)
    intro = _intro_label(text, atoms)
    out = []
    for group in groups:
        continues_list = intro is not None and group[0].item and group[0] is not _first_item(atoms)
        section = base + ([intro] if continues_list else [])
        page = unit.blocks[max(i for i, s in enumerate(starts) if s <= group[0].start)].page
        out.append((text[group[0].start : group[-1].end], page, " > ".join(section) or None))
    return out


def _block_starts(blocks: list[Block]) -> list[int]:
    starts, offset = [], 0
    for block in blocks:
        starts.append(offset)
        offset += len(block.text) + 1
    return starts


def _atoms(unit: _Unit, text: str, starts: list[int]) -> list[_Atom]:
    atoms: list[_Atom] = []
    for index, (block, start) in enumerate(zip(unit.blocks, starts)):
        end, item = start + len(block.text), index >= len(unit.lead)
        if item and end - start <= MAX_CHARS:
            atoms.append(_Atom(start, end, item=True))
            continue
        spans = sentence_spans(block.text, start)
        spans[0] = (start, spans[0][1])  # a list marker stays with its first sentence
        for a, b in spans:
            atoms.extend(_Atom(x, y, item) for x, y in _hard_cut(text, a, b))
    return atoms


def _hard_cut(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A single sentence longer than MAX_CHARS is cut between words, as a last resort."""
    pieces = []
    while end - start > MAX_CHARS:
        cut = text.rfind(" ", start, start + MAX_CHARS)
        cut = cut if cut > start else start + MAX_CHARS
        pieces.append((start, cut))
        start = cut + 1 if text[cut : cut + 1] == " " else cut
    return pieces + [(start, end)]


def _pack(atoms: list[_Atom], text: str) -> list[list[_Atom]]:
    """Consecutive atoms in near-equal groups of at most MAX_CHARS. The introduction of a list
    is glued to its first item so the list never starts without it."""
    first_item = _first_item(atoms)
    total = atoms[-1].end - atoms[0].start
    target = total / math.ceil(total / MAX_CHARS)
    groups: list[list[_Atom]] = [[atoms[0]]]
    for previous, atom in zip(atoms, atoms[1:]):
        group = groups[-1]
        size = atom.end - group[0].start
        glued = atom is first_item and not previous.item
        if size <= MAX_CHARS and (glued or group[-1].end - group[0].start < target):
            group.append(atom)
        else:
            groups.append([atom])
    return groups


def _first_item(atoms: list[_Atom]) -> Optional[_Atom]:
    return next((a for a in atoms if a.item), None)


def _intro_label(text: str, atoms: list[_Atom]) -> Optional[str]:
    """The sentence before the list, shortened for a section path."""
    first = _first_item(atoms)
    index = atoms.index(first) if first else 0
    if index == 0:
        return None
    label = text[atoms[index - 1].start : atoms[index - 1].end].rstrip(" :,;–-")
    if len(label) > 80:
        label = label[:80].rsplit(" ", 1)[0] + "…"
    return label


def _sentences(text: str) -> list[tuple[int, int]]:
    spans, offset = [], 0
    for line in text.split("\n"):
        marker = bullet_marker_length(line)
        spans.extend(sentence_spans(line[marker:], offset + marker))
        offset += len(line) + 1
    return spans
