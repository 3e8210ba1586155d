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


def normalise_whitespace(text: str) -> str:
    return " ".join(_INVISIBLE.sub("", text).split())


def normalise_loose(text: str) -> str:
    return normalise_whitespace(unicodedata.normalize("NFKC", text).translate(_FOLD)).casefold()


def strip_markers(text: str) -> str:
    """Answer text without its [n] citation markers, so a marker never splits a quote."""
    return normalise_whitespace(_MARKER.sub(" ", text))


def corpus_files(corpus_dir: Path) -> list[tuple[str, Path]]:
    """(source name, path) of every document `opmodel ingest` would index in the folder: the
    supported files, in subfolders too, named by their path within it; hidden files, the
    catalogue (metadata.yaml) and README files left out, as the ingest leaves them."""
    from ingest.load import SUPPORTED_SUFFIXES
    from ingest.pipeline import source_name

    corpus_dir = Path(corpus_dir)
    found = []
    for path in sorted(p for p in corpus_dir.rglob("*") if p.is_file()):
        relative = path.relative_to(corpus_dir)
        if any(part.startswith(".") for part in relative.parts) or relative.name.lower().startswith("readme"):
            continue
        if path.suffix.lower() in SUPPORTED_SUFFIXES:
            found.append((source_name(path, corpus_dir), path))
    return found


def document_text(path: Path, source: str) -> str:
    """The whitespace-normalised text a document's passages are verbatim in: the text the
    product's own loader reads from the file (``ingest.load.load_document``), whatever its format.

    For a text file that is its lines; a Markdown pipe table's rows are "cell | cell" without the
    outer pipes and the delimiter row; a PDF has no text of its own to compare with, so its pages
    are read as the ingest reads them (running headers and footers dropped, hyphenated line ends
    rejoined, table rows as "cell | cell"). Citations and evidence quotes are then checked against
    what the product saw, not against raw markup or pypdf's raw lines.
    """
    from ingest.load import load_document

    return normalise_whitespace(load_document(Path(path), source).text())


def load_corpus_texts(corpus_dir: Path) -> dict[str, str]:
    """Source name -> whitespace-normalised text of every document in the corpus folder
    (.txt, .md and .pdf, see ``document_text``)."""
    return {source: document_text(path, source) for source, path in corpus_files(corpus_dir)}
