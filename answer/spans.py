"""Is this span of words really in that passage? The check behind every model-written sentence.

A model copying a passage changes what a reader would not call a change: curly quotes become
straight, a line break becomes a space, a ligature its letters. Those are folded on both sides
(whitespace runs to one space, every quote mark to ' or ", NFKC); nothing else is. Case,
spelling, dashes, digits and word order must match, and an ellipsis inside a span is not a
quote. What is shown is the passage's own text at the place found, never the model's copy.
"""

from __future__ import annotations

import unicodedata
from typing import Optional

# A span this short ("the ICB", "is responsible") would be found in almost any passage.
MIN_SPAN_WORDS = 4

_QUOTE_MARKS = {
    **dict.fromkeys("‘’‚‛′`´", "'"),
    **dict.fromkeys("“”„‟″«»", '"'),
}
# Trimmed from a span's ends only: a model often opens or closes a copied phrase with them.
_EDGE = " \t\n'\".,;:!?…"


def _fold(text: str) -> tuple[str, list[int]]:
    """The folded text, and for each of its characters the index of the character it came from."""
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for piece in unicodedata.normalize("NFKC", char):
            piece = _QUOTE_MARKS.get(piece, piece)
            if piece.isspace() or unicodedata.category(piece) == "Cf":  # zero-width joiners too
                if out and out[-1] != " ":
                    out.append(" ")
                    origin.append(index)
                continue
            out.append(piece)
            origin.append(index)
    while out and out[-1] == " ":
        out.pop()
        origin.pop()
    return "".join(out), origin


def find_span(span: str, passage_text: str) -> Optional[str]:
    """The passage's own words matching ``span`` (quote marks and whitespace folded), or None
    when the span is not there or too short to prove anything."""
    wanted, _ = _fold(span)
    wanted = wanted.strip(_EDGE)
    if len(wanted.split()) < MIN_SPAN_WORDS or "..." in wanted:
        return None
    folded, origin = _fold(passage_text)
    at = folded.find(wanted)
    if at < 0:
        return None
    return passage_text[origin[at] : origin[at + len(wanted) - 1] + 1]
