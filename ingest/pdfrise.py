"""Superscripts and subscripts set with text rise (the PDF ``Ts`` operator), put on the line.

pypdf's layout mode mislays text after a rise: in

    (funds the clinical system) Tj 4.5 Ts (1) Tj 0 Ts ( under the ICB-Practice Agreement) Tj

the footnote marker and the words after it come out as a line of their own, above the line
they belong to and at its left margin, which scrambles every paragraph holding a footnote
reference. So before extraction the page's rises are set to zero, and a raised run of a few
characters (a footnote marker: "1", "12", "*") is dropped; anything longer keeps its text, on
the line. Word and most typesetters position a superscript without ``Ts``; that already
reads as part of its line.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

MARKER_BYTES = 4  # a footnote marker's text: up to two characters, even in a two-byte font
_SHOW = (b"Tj", b"TJ")


def flatten_text_rise(page) -> None:
    """Rewrite ``page``'s content stream in memory (the file is untouched) when it uses text rise."""
    from pypdf.generic import ContentStream, NameObject

    contents = page.get_contents()
    if contents is None or b"Ts" not in contents.get_data():
        return
    try:
        stream = ContentStream(contents, page.pdf)
        rise, kept = 0.0, []
        for operands, operator in stream.operations:
            if operator == b"Ts":
                rise = float(operands[0]) if operands else 0.0
                continue
            if rise > 0 and operator in _SHOW and _shown_bytes(operands) <= MARKER_BYTES:
                continue
            kept.append((operands, operator))
        stream.operations = kept
        # Set in the page's dictionary: pypdf lets only a writer's pages replace_contents().
        page[NameObject("/Contents")] = stream
    except Exception:  # a stream pypdf cannot rewrite is still extracted as it is
        log.debug("could not flatten the text rise of a page", exc_info=True)


def _shown_bytes(operands) -> int:
    """Bytes of text a Tj or TJ shows (TJ's numbers are spacing, not text)."""
    if not operands:
        return 0
    shown = operands[0]
    parts = shown if isinstance(shown, list) else [shown]
    return sum(len(part) for part in parts if isinstance(part, (str, bytes)))
