"""Text from documents and file names on its way to a terminal.

A document (or a file name) may hold control characters: an ESC sequence can recolour,
clear or retitle the terminal of whoever reads the answer. Ingest drops them from passages
(ingest.text), and everything printed from stored text passes through ``printable`` as well,
so an index built before that rule, or a file name, cannot do it either.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline (and carriage return, which \\s covers), DEL, and C1 but NEL.
CONTROL = re.compile("[\x00-\x08\x0e-\x1b\x7f\x80-\x84\x86-\x9f]")
_TERMINAL_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` without control characters, tab and newline kept."""
    return _TERMINAL_CONTROL.sub("", text)
