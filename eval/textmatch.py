"""How the eval compares texts: one place, so pairs, metrics and baseline agree.

Two strengths of normalisation:

* ``normalise_whitespace`` is what "verbatim" means here (the corpus contract: passage text is
  verbatim from the document with whitespace normalised; invisible soft hyphens and zero-width
  spaces count as whitespace, as the ingest treats them). Citation validity and the check that
  every evidence quote is really in the corpus use it.
* ``normalise_loose`` is for finding an evidence quote inside a cited passage or an answer:
  whitespace collapsed, curly quotes and dashes folded to ASCII, Unicode compatibility forms
  folded (NFKC) and case folded. Case and typography are not what an answer gets right or
  wrong, and the answer composer may legitimately re-case the start of a quoted sentence.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

_FOLD = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"',
    "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u00a0": " ",
})
_MARKER = re.compile(r"\[\d+\]")
# Invisible characters the ingest drops as whitespace (soft hyphen, zero-width spaces, BOM).
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
TEXT_SUFFIXES = (".txt", ".md")


def normalise_whitespace(text: str) -> str:
    return " ".join(_INVISIBLE.sub("", text).split())


def normalise_loose(text: str) -> str:
    return normalise_whitespace(unicodedata.normalize("NFKC", text).translate(_FOLD)).casefold()


def strip_markers(text: str) -> str:
    """Answer text without its [n] citation markers, so a marker never splits a quote."""
    return normalise_whitespace(_MARKER.sub(" ", text))


def load_corpus_texts(corpus_dir: Path) -> dict[str, str]:
    """File name -> whitespace-normalised text of every text document in the corpus folder."""
    return {
        path.name: normalise_whitespace(path.read_text(encoding="utf-8"))
        for path in sorted(Path(corpus_dir).iterdir())
        if path.suffix.lower() in TEXT_SUFFIXES and path.name.lower() != "readme.md"
    }
