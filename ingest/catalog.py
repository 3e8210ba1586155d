"""What we know about each source document: corpus/metadata.yaml, read into typed entries.

Every passage carries its document's title, date and status, so an answer can say when it
rests on old guidance. A document without an entry still ingests, with its file name as
title and status "historical" (the cautious choice: the answer will warn that it may be
out of date) until someone describes it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import yaml

from opmodel.errors import ConfigError, DocumentError
from opmodel.passage import STATUSES, UNDESCRIBED_NOTE

log = logging.getLogger(__name__)

METADATA_FILE = "metadata.yaml"
DEFAULT_STATUS = "historical"
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_FIELDS = {"title", "publisher", "published", "kind", "status", "notes", "status_note", "superseded_terms"}


@dataclass(frozen=True)
class DocumentInfo:
    source: str  # file name within the corpus folder
    title: str
    status: str  # one of opmodel.passage.STATUSES
    publisher: Optional[str] = None
    published: Optional[str] = None  # YYYY, YYYY-MM or YYYY-MM-DD
    kind: Optional[str] = None
    notes: Optional[str] = None
    status_note: Optional[str] = None  # why the status; defaults to the notes
    superseded_terms: dict[str, str] = field(default_factory=dict)  # old name -> what it is called now
    described: bool = True  # False when the defaults stand in for a missing entry

    def __post_init__(self):
        where = f"{METADATA_FILE}, entry {self.source!r}"
        if not self.title or not self.title.strip():
            raise ValueError(f"{where}: title is empty")
        if self.status not in STATUSES:
            raise ValueError(f"{where}: status must be one of {', '.join(STATUSES)}, got {self.status!r}")
        if self.published is not None and not _DATE.match(self.published):
            raise ValueError(f"{where}: published must look like YYYY, YYYY-MM or YYYY-MM-DD, got {self.published!r}")
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in self.superseded_terms.items()):
            raise ValueError(f"{where}: superseded_terms must map old names to new names, got {self.superseded_terms!r}")

    @classmethod
    def undescribed(cls, source: str) -> "DocumentInfo":
        stem = Path(source).stem.replace("_", " ").replace("-", " ").strip() or source
        return cls(source=source, title=stem, status=DEFAULT_STATUS, described=False, status_note=UNDESCRIBED_NOTE)

    @classmethod
    def from_entry(cls, source: str, entry: object) -> "DocumentInfo":
        where = f"{METADATA_FILE}, entry {source!r}"
        if not isinstance(entry, dict):
            raise ValueError(f"{where}: expected title, status, ... fields, got {entry!r}")
        unknown = set(entry) - _FIELDS
        if unknown:
            raise ValueError(f"{where}: unknown field(s) {', '.join(sorted(map(str, unknown)))}; known: {', '.join(sorted(_FIELDS))}")

        def text(name: str) -> Optional[str]:
            value = entry.get(name)
            if value is None:
                return None
            if isinstance(value, (dict, list)):
                raise ValueError(f"{where}: {name} must be text, got {value!r}")
            return " ".join(str(value).split())  # dates may arrive as ints or date objects

        notes = text("notes")
        return cls(
            source=source,
            title=text("title") or Path(source).stem,
            status=text("status") or DEFAULT_STATUS,
            publisher=text("publisher"),
            published=text("published"),
            kind=text("kind"),
            notes=notes,
            status_note=text("status_note") or notes,
            superseded_terms=dict(entry.get("superseded_terms") or {}),
        )


class Catalog:
    """The parsed metadata file. Bad entries are kept as errors, not raised at load time,
    so one typo fails only its own document and the rest of the corpus still ingests."""

    def __init__(self, entries: dict[str, DocumentInfo], errors: dict[str, str], path: Optional[Path] = None):
        self.entries = entries
        self.errors = errors
        self.path = path

    def info(self, source: str) -> DocumentInfo:
        """The entry for ``source``; the defaults when it has none. DocumentError when it is invalid."""
        if source in self.errors:
            raise DocumentError(self.errors[source])
        return self.entries.get(source) or DocumentInfo.undescribed(source)

    def described(self) -> set[str]:
        return set(self.entries) | set(self.errors)


def load_catalog(corpus_dir: Path) -> Catalog:
    """Read ``<corpus_dir>/metadata.yaml``; an absent file is an empty catalog."""
    path = Path(corpus_dir) / METADATA_FILE
    if not path.exists():
        return Catalog({}, {}, None)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}".replace("\n", " ")) from exc
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{path} must map file names to entries, got a {type(raw).__name__}")
    entries, errors = {}, {}
    for source, entry in raw.items():
        try:
            entries[str(source)] = DocumentInfo.from_entry(str(source), entry)
        except ValueError as exc:
            log.warning("%s", exc)
            errors[str(source)] = str(exc)
    return Catalog(entries, errors, path)
