"""Answers as a terminal shows them: the direct answer, then the numbered passages it rests on
with their document, date, status and section, the quoted text wrapped to the window."""

from __future__ import annotations

import shutil
import textwrap

from answer.types import Answer, Citation, Summary

MAX_WIDTH = 100
STATUS_FLAG = {"current": "current", "superseded": "SUPERSEDED", "historical": "HISTORICAL"}


def width() -> int:
    return max(40, min(MAX_WIDTH, shutil.get_terminal_size((80, 24)).columns))


def _wrap(text: str, indent: str, cols: int) -> str:
    paragraphs = [line.strip() for line in text.splitlines()]
    return "\n".join(
        textwrap.fill(p, cols, initial_indent=indent, subsequent_indent=indent) if p else ""
        for p in paragraphs
    )


def where(c: Citation) -> str:
    p = c.passage
    bits = [p.published or "undated", STATUS_FLAG.get(p.status, p.status)]
    if p.page is not None:
        bits.append(f"page {p.page}")
    if p.section:
        bits.append(f"section: {p.section}")
    bits.append(p.source)
    return " · ".join(bits)


def render_citation(c: Citation, cols: int) -> str:
    p = c.passage
    head = textwrap.fill(f"[{c.n}] {p.title}", cols, subsequent_indent="    ")
    meta = textwrap.fill(where(c), cols, initial_indent="    ", subsequent_indent="    ")
    if p.url:  # whole, never wrapped: a terminal makes a link of it only when it is one piece
        meta += f"\n    {p.url}"
    return f"{head}\n{meta}\n{_wrap(p.text, '    │ ', cols)}"


def summary_heading(summary: Summary) -> str:
    return f"Summary by {summary.model} (a language model; each sentence rests on the words quoted under it)"


def render_summary(summary: Summary, cols: int) -> str:
    lines = [f"{summary_heading(summary)}:"]
    for sentence in summary.sentences:
        marks = "".join(f"[{n}]" for n in sentence.markers)
        lines.append(textwrap.fill(f"{sentence.text} {marks}", cols, initial_indent="  ", subsequent_indent="  "))
        lines += [textwrap.fill(f"[{q.n}] “{q.text}”", cols, initial_indent="    ", subsequent_indent="     ")
                  for q in sentence.quotes]
    return "\n".join(lines)


def render_answer(answer: Answer, cols: int | None = None) -> str:
    cols = cols or width()
    parts = [render_summary(answer.summary, cols)] if answer.summary else []
    parts.append(_wrap(answer.text, "", cols))
    if answer.citations:
        label = "Nearest passages (not an answer)" if answer.abstained else "Sources"
        parts.append(f"{label}:")
        parts.extend(render_citation(c, cols) for c in answer.citations)
    return "\n\n".join(parts)
