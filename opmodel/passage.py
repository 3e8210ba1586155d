"""The unit everything cites: a passage of one document, with its document's currency.

Ingest produces passages, the index stores them in Chroma (text as the document, the rest
as flat metadata), retrieval and the answer composer read them back unchanged.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Optional

from opmodel.table_rows import CELL_SEPARATOR as TABLE_CELL_SEPARATOR  # between a row's cells
from opmodel.table_rows import labelled_text

# "unknown": nothing (no catalogue entry, no statement in the document) says, so no answer calls
# it current or historical; it is shown as "date not stated" when it has no date either.
STATUSES = ("current", "superseded", "historical", "unknown")
# The status note older indexes gave a document no catalogue described (ingest no longer writes it).
UNDESCRIBED_NOTE = "not described in metadata.yaml yet, so its status is assumed, not known"


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class Passage:
    source: str  # file name within the corpus folder, e.g. "001_f5b8b55b8638404c.txt"
    text: str  # verbatim from the document, whitespace normalised
    ordinal: int  # position of the passage within its document, from 0
    title: str
    status: str  # one of STATUSES
    published: Optional[str] = None  # ISO date or year-month as precise as the source allows
    page: Optional[int] = None  # 1-based PDF page of the passage's start
    section: Optional[str] = None  # heading path, "Definitions > Clinical system"
    sentences: tuple[tuple[int, int], ...] = ()  # [start, end) offsets of each sentence in text
    status_note: Optional[str] = None  # why the status, e.g. "NHS Commissioning Board is now NHS England"
    doc_hash: str = ""  # hash of the whole source file, to detect changed documents
    # JSON: where the document's title, date and status came from ("catalogue", "text", "pdf",
    # "file name", "edition", "default") and its edition, for `opmodel sources` (see ingest.describe)
    provenance: Optional[str] = None
    # Other files holding this same passage, as (source, doc_hash): it is indexed once (see ingest.duplicates)
    also_in: tuple[tuple[str, str], ...] = ()
    url: Optional[str] = None  # the document's web address, from its catalogue entry
    id: str = field(default="")

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, got {self.status!r}")
        if not self.text.strip():
            raise ValueError(f"passage {self.ordinal} of {self.source} has no text")
        if not self.id:
            # Every stored field is in the key: a passage whose title, status or document hash
            # changed is a different record, so Index.publish never skips it as unchanged.
            key = json.dumps([self.text, self.to_metadata()], sort_keys=True)
            object.__setattr__(self, "id", content_hash(key))

    def embedding_text(self) -> str:
        """What the embedder sees: the section path gives short passages their context, and a
        table row is its label and each cell under its column's name ("Telephony — Funded
        by: Practice"), so the model reads which cell says what."""
        text = labelled_text(self.text, self.column_names) if TABLE_CELL_SEPARATOR in self.text else self.text
        return f"{self.shown_section}: {text}" if self.shown_section else text

    @property
    def embedding_key(self) -> str:
        """Two passages with the same embedding text share one embedding."""
        return content_hash(self.embedding_text())

    @property
    def defined_term(self) -> Optional[str]:
        """The term this passage defines: the chunker files "Term: meaning" under the term
        ("Definitions > Clinical system"), so it is the innermost heading opening the text."""
        term = (self.section or "").split(" > ")[-1]
        return term if term and self.text.startswith(f"{term}:") else None

    @property
    def column_names(self) -> Optional[str]:
        """The row naming a table's columns, when the passage holds table rows: its first row,
        or, for a later part of a long table, the innermost heading the chunker filed it under."""
        leaf = (self.section or "").split(" > ")[-1]
        if TABLE_CELL_SEPARATOR in leaf:
            return leaf
        return next((line for line in self.text.split("\n") if TABLE_CELL_SEPARATOR in line), None)

    @property
    def shown_section(self) -> Optional[str]:
        """The section path a reader is shown: without the row naming a table's columns, since
        a row is shown with each cell under its column's name (see opmodel.table_rows)."""
        columns = self.column_names if TABLE_CELL_SEPARATOR in self.text else None
        if not (self.section and columns):
            return self.section
        return " > ".join(h for h in self.section.split(" > ") if h != columns) or None

    def sentence_texts(self) -> list[str]:
        if not self.sentences:
            return [self.text]
        return [self.text[a:b] for a, b in self.sentences]

    def to_metadata(self) -> dict:
        """Flat scalars only: Chroma rejects None and nested values."""
        meta = {
            "source": self.source,
            "ordinal": self.ordinal,
            "title": self.title,
            "status": self.status,
            "published": self.published,
            "page": self.page,
            "section": self.section,
            "sentences": json.dumps(self.sentences),
            "status_note": self.status_note,
            "doc_hash": self.doc_hash,
            "embedding_key": self.embedding_key,
            "provenance": self.provenance,
            "also_in": json.dumps(self.also_in) if self.also_in else None,
            "url": self.url,
        }
        return {k: v for k, v in meta.items() if v is not None}

    @classmethod
    def from_record(cls, id: str, text: str, meta: dict) -> "Passage":
        return cls(
            id=id,
            source=meta["source"],
            text=text,
            ordinal=int(meta["ordinal"]),
            title=meta["title"],
            status=meta["status"],
            published=meta.get("published"),
            page=meta.get("page"),
            section=meta.get("section"),
            sentences=tuple(tuple(s) for s in json.loads(meta.get("sentences", "[]"))),
            status_note=meta.get("status_note"),
            doc_hash=meta.get("doc_hash", ""),
            provenance=meta.get("provenance"),
            also_in=tuple(tuple(pair) for pair in json.loads(meta.get("also_in", "[]"))),
            url=meta.get("url"),
        )
