"""Sentence boundaries inside one line of text, for quoting the exact sentence that answers.

A full stop ends a sentence only when whitespace and a capital, digit, quote or bracket follow
it, and the word before it is not an abbreviation ("e.g.", "i.e.", "No.", "Dr.") or an
initial ("J."). "etc." ends a sentence only before an ordinary capitalised word ("etc. These"),
not before an acronym or name ("etc. NHS England"), because both occur mid-sentence.
"""

from __future__ import annotations

import re

_CANDIDATE = re.compile(r"[.!?][\"'”’)\]]*(?=\s+[\"'“‘(\[]*[A-Z0-9•–])")
_ABBREVIATIONS = frozenset(
    """e.g. i.e. eg. ie. viz. cf. vs. v. no. nos. dr. mr. mrs. ms. prof. st. approx. ref. refs. fig.
    vol. para. paras. ch. sec. dept. ltd. co. inc. al. pp. p. jan. feb. mar. apr. jun. jul. aug.
    sep. sept. oct. nov. dec. tel. ext. est. min. max.""".split()
)
_INITIALS = re.compile(r"^(?:[A-Za-z]\.)+$")
_ORDINARY_WORD = re.compile(r"\s+[\"'“‘(]*[A-Z][a-z]+\b")


def sentence_spans(line: str, offset: int = 0) -> list[tuple[int, int]]:
    """[start, end) of each sentence in ``line``, shifted by ``offset``; whitespace excluded."""
    spans = []
    start = _skip_space(line, 0)
    for match in _CANDIDATE.finditer(line):
        end = match.end()
        if end <= start or not _is_boundary(line, match.start(), end):
            continue
        spans.append((offset + start, offset + end))
        start = _skip_space(line, end)
    if start < len(line.rstrip()):
        spans.append((offset + start, offset + len(line.rstrip())))
    return spans


def _is_boundary(line: str, stop: int, end: int) -> bool:
    if line[stop] != ".":
        return True
    word = line[: stop + 1].rsplit(None, 1)[-1].lstrip("\"'“‘([").lower()
    if word == "etc.":
        return bool(_ORDINARY_WORD.match(line, end))
    return word not in _ABBREVIATIONS and not _INITIALS.match(word)


def _skip_space(line: str, index: int) -> int:
    while index < len(line) and line[index].isspace():
        index += 1
    return index
