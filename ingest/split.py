"""Fit a unit of blocks (a paragraph, a definition, a list with its introduction) into
passages of at most MAX_CHARS, cutting only between list items, then between sentences,
then (a last resort for a giant sentence) between words.

Every passage is one contiguous stretch of the unit's text, so it stays verbatim. Parts are
near-equal in size rather than full-then-scraps. A list's introduction stays glued to its
first item; later parts of the list name the introduction in their section path instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from opmodel.passage import TABLE_CELL_SEPARATOR

from ingest.load import Block
from ingest.sentences import sentence_spans
from ingest.text import bullet_marker_length

MAX_CHARS = 1200

@dataclass(frozen=True)
class _Atom:
    """A stretch of a unit's text that is never cut: a sentence, or a whole list item."""

    start: int
    end: int
    item: bool


def split_unit(blocks: list[Block], lead: int, base: list[str]) -> list[tuple[str, Optional[int], Optional[str]]]:
    """(text, page, section) of each passage cut from ``blocks``, of which the first ``lead``
    are paragraphs and the rest list items; ``base`` is the section path."""
    text = "\n".join(b.text for b in blocks)
    starts = _block_starts(blocks)
    if len(text) <= MAX_CHARS:
        return [(text, blocks[0].page, " > ".join(base) or None)]
    atoms = _atoms(blocks, lead, text, starts)
    groups = _pack(atoms, text)
    intro = _intro_label(text, atoms)
    out = []
    for group in groups:
        continues_list = intro is not None and group[0].item and group[0] is not _first_item(atoms)
        section = base + ([intro] if continues_list else [])
        page = blocks[max(i for i, s in enumerate(starts) if s <= group[0].start)].page
        out.append((text[group[0].start : group[-1].end], page, " > ".join(section) or None))
    return out


def _block_starts(blocks: list[Block]) -> list[int]:
    starts, offset = [], 0
    for block in blocks:
        starts.append(offset)
        offset += len(block.text) + 1
    return starts


def _atoms(blocks: list[Block], lead: int, text: str, starts: list[int]) -> list[_Atom]:
    atoms: list[_Atom] = []
    for index, (block, start) in enumerate(zip(blocks, starts)):
        end, item = start + len(block.text), index >= lead
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
    """Consecutive atoms in as few groups as MAX_CHARS allows, as equal in size as possible:
    the smallest size limit that needs no more groups than MAX_CHARS itself, found by
    bisection. The introduction of a list is glued to its first item."""
    first_item = _first_item(atoms)

    def greedy(limit: int) -> list[list[_Atom]]:
        groups: list[list[_Atom]] = [[atoms[0]]]
        for previous, atom in zip(atoms, atoms[1:]):
            size = atom.end - groups[-1][0].start
            glued = atom is first_item and not previous.item
            if size <= limit or (glued and size <= MAX_CHARS):
                groups[-1].append(atom)
            else:
                groups.append([atom])
        return groups

    fewest = len(greedy(MAX_CHARS))
    low, high = (atoms[-1].end - atoms[0].start) // fewest, MAX_CHARS
    while low < high:
        middle = (low + high) // 2
        if len(greedy(middle)) <= fewest:
            high = middle
        else:
            low = middle + 1
    return greedy(low)


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


def sentence_offsets(text: str) -> list[tuple[int, int]]:
    """Each sentence's [start, end); a table row ("Telephony | Practice | Practice") is quoted whole,
    since one cell means nothing without the others."""
    spans, offset = [], 0
    for line in text.split("\n"):
        marker = bullet_marker_length(line)
        if TABLE_CELL_SEPARATOR in line and line.strip():
            spans.append((offset + marker, offset + len(line.rstrip())))
        else:
            spans.extend(sentence_spans(line[marker:], offset + marker))
        offset += len(line) + 1
    return spans
