"""Answers as a terminal shows them: the direct answer, then the numbered passages it rests on
with their document, date, status and section, the quoted text wrapped to the window. A table
row, in the answer or in a passage, is shown as its label and one "Column: cell" line per cell
(see opmodel.table_rows), not as cells strung together with " | "."""

from __future__ import annotations

import shutil
import textwrap

from answer.types import Answer, Citation, Summary
from opmodel.table_rows import FIELD_INDENT, label_quoted_rows, shown

MAX_WIDTH = 100
STATUS_FLAG = {"current": "current", "superseded": "SUPERSEDED", "historical": "HISTORICAL", "unknown": "status not stated"}


def width() -> int:
    return max(40, min(MAX_WIDTH, shutil.get_terminal_size((80, 24)).columns))


def _wrap(text: str, indent: str, cols: int) -> str:
    """Each line filled to ``cols``, keeping its own indentation (a row's fields)."""
    out = []
    for line in text.splitlines():
        body = line.strip()
        own = indent + line[: len(line) - len(line.lstrip())]
        more = own + (FIELD_INDENT if own != indent else "")
        out.append(textwrap.fill(body, cols, initial_indent=own, subsequent_indent=more) if body else "")
    return "\n".join(out)


def labelled_answer(answer: Answer) -> str:
    """The answer text with each quoted table row as labelled fields."""
    columns = {c.n: c.passage.column_names for c in answer.citations}
    return label_quoted_rows(answer.text, answer.quotes, columns.get)


def where(c: Citation) -> str:
    p = c.passage
    bits = [p.published or "undated", STATUS_FLAG.get(p.status, p.status)]
    if p.page is not None:
        bits.append(f"page {p.page}")
    if p.shown_section:
        bits.append(f"section: {p.shown_section}")
    bits.append(p.source)
    return " · ".join(bits)


def render_citation(c: Citation, cols: int) -> str:
    p = c.passage
    head = textwrap.fill(f"[{c.n}] {p.title}", cols, subsequent_indent="    ")
    meta = textwrap.fill(where(c), cols, initial_indent="    ", subsequent_indent="    ")
    if p.url:  # whole, never wrapped: a terminal makes a link of it only when it is one piece
        meta += f"\n    {p.url}"
    return f"{head}\n{meta}\n{_wrap(shown(p.text, p.column_names), '    │ ', cols)}"


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
    parts.append(_wrap(labelled_answer(answer), "", cols))
    if answer.citations:
        label = "Nearest passages (not an answer)" if answer.abstained else "Sources"
        parts.append(f"{label}:")
        parts.extend(render_citation(c, cols) for c in answer.citations)
    return "\n\n".join(parts)
