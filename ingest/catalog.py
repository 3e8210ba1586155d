"""What a catalogue says about each source document: a folder's metadata.yaml, read into
typed entries.

Every passage carries its document's title, date and status, so an answer can say when it
rests on old guidance. A catalogue entry has the last word on each field it gives; a field it
leaves out (or a document it does not list) is read from the document itself (see
ingest.describe), and only where neither says anything does a default stand: the file name
as title, no date, status "unknown".

A folder of documents may bring its own catalogue: ``opmodel ingest PATH`` reads
``PATH/metadata.yaml`` as well as the corpus folder's, and a file is described by the
catalogue of the nearest folder above it that lists it (see Catalogs).

Mistakes in a catalogue are the operator's to fix, so they are named precisely (file, entry,
line) and fail only the entry they are in: a key listed twice, a date that is no date, an
unknown status. A file that is not YAML at all stops the ingest, since nothing in it can be
trusted; an empty one is a warning, since it describes nothing.
"""

from __future__ import annotations

import datetime
import json
import logging
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Optional

import yaml

from opmodel.errors import ConfigError, DocumentError
from opmodel.passage import STATUSES

log = logging.getLogger(__name__)

METADATA_FILE = "metadata.yaml"
DEFAULT_STATUS = "unknown"  # nothing says: no answer calls it current, nor historical
_DATE = re.compile(r"^(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?$")
_FIELDS = {"title", "publisher", "published", "kind", "status", "notes", "status_note", "superseded_terms", "edition",
           "url"}
# A web address citations can link to: http(s), a host, and nothing that would break Slack's <url|title> link.
_URL = re.compile(r"https?://[^\s/?#<>|]+[^\s<>|]*", re.IGNORECASE)
# Where a document's title, date or status came from, as `opmodel sources` shows it.
ORIGINS = ("catalogue", "text", "pdf", "file name", "edition", "default")
DESCRIBED_FIELDS = ("title", "published", "status")


def check_url(value: str) -> None:
    """ValueError unless ``value`` is an http:// or https:// address."""
    if not _URL.fullmatch(value):
        raise ValueError(f"url must be an http:// or https:// address with no spaces, got {value!r}")


def check_date(value: str) -> None:
    """ValueError unless ``value`` is YYYY, YYYY-MM or YYYY-MM-DD and a real date."""
    found = _DATE.match(value)
    if not found:
        raise ValueError(f"published must look like YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}")
    year, month, day = int(found["y"]), int(found["m"] or 1), int(found["d"] or 1)
    try:
        datetime.date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"published {value!r} is not a date ({exc})") from None


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
    described: bool = True  # False when no catalogue lists the document
    edition: Optional[str] = None  # "2021-2023", "Version 1.0": which edition of its title this is
    # field -> one of ORIGINS, for title, published and status; a field missing here is the catalogue's
    origins: dict[str, str] = field(default_factory=dict)
    where: str = ""  # "metadata.yaml, entry 'x.txt', line 3": prefixes every error about this entry
    url: Optional[str] = None  # where the document can be read online; citations link to it

    def __post_init__(self):
        where = self.where or f"{METADATA_FILE}, entry {self.source!r}"
        if not self.title or not self.title.strip():
            raise ValueError(f"{where}: title is empty")
        if self.status not in STATUSES:
            raise ValueError(f"{where}: status must be one of {', '.join(STATUSES)}, got {self.status!r}")
        if self.published is not None:
            try:
                check_date(self.published)
            except ValueError as exc:
                raise ValueError(f"{where}: {exc}") from None
        if self.url is not None:
            try:
                check_url(self.url)
            except ValueError as exc:
                raise ValueError(f"{where}: {exc}") from None
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in self.superseded_terms.items()):
            raise ValueError(f"{where}: superseded_terms must map old names to new names, got {self.superseded_terms!r}")
        bad = {k: v for k, v in self.origins.items() if k not in DESCRIBED_FIELDS or v not in ORIGINS}
        if bad:
            raise ValueError(f"{where}: origins must map {', '.join(DESCRIBED_FIELDS)} to one of {', '.join(ORIGINS)}, got {bad!r}")

    def provenance(self) -> str:
        """What each passage of the document records of where its description came from."""
        out = {name: self.origin(name) for name in DESCRIBED_FIELDS}
        if self.edition:
            out["edition"] = self.edition
        return json.dumps(out, sort_keys=True)

    def origin(self, name: str) -> str:
        return self.origins.get(name, "catalogue")

    def defaulted(self, name: str) -> bool:
        """True when no catalogue gave this field, so the document itself may say."""
        return self.origin(name) in ("file name", "default")

    @classmethod
    def undescribed(cls, source: str) -> "DocumentInfo":
        return cls(source=source, title=file_title(source), status=DEFAULT_STATUS, described=False,
                   origins={"title": "file name", "published": "default", "status": "default"})

    @classmethod
    def from_entry(cls, source: str, entry: object, where: str = "") -> "DocumentInfo":
        where = where or f"{METADATA_FILE}, entry {source!r}"
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

        terms = entry.get("superseded_terms") or {}
        if not isinstance(terms, dict):
            raise ValueError(f"{where}: superseded_terms must map old names to new names (old: new), got {terms!r}")
        notes = text("notes")
        title, published, status = text("title"), text("published"), text("status")
        origins = {"title": "catalogue" if title else "file name",
                   "published": "catalogue" if published else "default",
                   "status": "catalogue" if status else "default"}
        return cls(
            source=source,
            title=title or file_title(source),
            status=status or DEFAULT_STATUS,
            publisher=text("publisher"),
            published=published,
            kind=text("kind"),
            notes=notes,
            status_note=text("status_note") or notes,
            superseded_terms=dict(terms),
            edition=text("edition"),
            origins=origins,
            where=where,
            url=text("url"),
        )


def file_title(source: str) -> str:
    """The title a file name gives: "lmc_it-page.txt" -> "lmc it page"."""
    return Path(source).stem.replace("_", " ").replace("-", " ").strip() or source


class Catalog:
    """One parsed metadata file. Bad entries are kept as errors, not raised at load time,
    so one typo fails only its own document and the rest of the corpus still ingests."""

    def __init__(self, entries: dict[str, DocumentInfo], errors: dict[str, str], path: Optional[Path] = None,
                 warnings: Optional[list[str]] = None):
        self.entries = entries
        self.errors = errors
        self.path = path
        self.warnings = warnings or []

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
        text = path.read_text(encoding="utf-8")
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}".replace("\n", " ")) from exc
    if root is None or (isinstance(root, yaml.MappingNode) and not root.value):
        warning = f"{path} is empty: it describes no document, so every document is described by its own text"
        log.warning("%s", warning)
        return Catalog({}, {}, path, [warning])
    if not isinstance(root, yaml.MappingNode):
        raise ConfigError(f"{path} must map file names to entries, got {_kind(root)}")
    entries, errors = {}, {}
    first_line: dict[str, int] = {}
    for key_node, value_node in root.value:
        source, line = str(key_node.value), key_node.start_mark.line + 1
        where = f"{path}, entry {source!r}, line {line}"
        try:
            if source in first_line:
                raise ValueError(f"{where}: {source!r} is listed twice (also at line {first_line[source]}); "
                                 "keep one entry, since which one counts is otherwise a guess")
            first_line[source] = line
            entries[source] = DocumentInfo.from_entry(source, _construct(value_node, where), where)
        except ValueError as exc:
            log.warning("%s", exc)
            entries.pop(source, None)
            errors[source] = str(exc)
    return Catalog(entries, errors, path)


def _construct(node: yaml.Node, where: str) -> object:
    """The entry's value, with its own keys checked for repeats. Scalars stay the text as
    written, so "published: 2023-02-30" is reported as a bad date, not a YAML crash."""
    if not isinstance(node, yaml.MappingNode):
        return yaml.SafeLoader("").construct_object(node, deep=True) if not isinstance(node, yaml.ScalarNode) else node.value or None
    out: dict = {}
    lines: dict[str, int] = {}
    for key_node, value_node in node.value:
        key, line = str(key_node.value), key_node.start_mark.line + 1
        if key in lines:
            raise ValueError(f"{where}: field {key!r} is given twice (lines {lines[key]} and {line})")
        lines[key] = line
        if isinstance(value_node, yaml.ScalarNode):
            value = _scalar(value_node)
            check = {"published": check_date, "url": check_url}.get(key)
            if check and value is not None:
                try:
                    check(str(value))
                except ValueError as exc:
                    raise ValueError(f"{where}: line {line}: {exc}") from None
        else:
            value = yaml.SafeLoader("").construct_object(value_node, deep=True)
        out[key] = value
    return out


def _scalar(node: yaml.ScalarNode) -> Optional[str]:
    """A scalar as written; YAML's null spelled any way is None."""
    if node.style is None and node.value in ("", "~", "null", "Null", "NULL"):
        return None
    return node.value


def _kind(node: yaml.Node) -> str:
    return {"SequenceNode": "a list", "ScalarNode": "a single value"}.get(type(node).__name__, "something else")


class Catalogs:
    """The catalogues that may describe an ingest's files: the corpus folder's and those of
    the folders the user named. A file is described by the nearest catalogue above it that
    lists it, under its path relative to that catalogue's folder."""

    def __init__(self, folders: list[Path]):
        self.by_folder: dict[Path, Catalog] = {}
        for folder in folders:
            resolved = Path(folder).resolve()
            if resolved not in self.by_folder:
                self.by_folder[resolved] = load_catalog(folder)

    @property
    def warnings(self) -> list[str]:
        return [w for catalog in self.by_folder.values() for w in catalog.warnings]

    def lookup(self, path: Path, source: str) -> DocumentInfo:
        """The entry describing the file at ``path`` (indexed as ``source``), or the defaults.
        DocumentError when that entry is invalid."""
        resolved = Path(path).resolve()
        nearest = sorted((f for f in self.by_folder if resolved.is_relative_to(f)), key=lambda f: len(f.parts), reverse=True)
        for folder in nearest:
            catalog = self.by_folder[folder]
            key = resolved.relative_to(folder).as_posix()
            if key in catalog.described():
                info = catalog.info(key)
                return replace(info, source=source)
        return DocumentInfo.undescribed(source)

    def path_of(self, folder: Path) -> Path:
        catalog = self.by_folder.get(Path(folder).resolve())
        return catalog.path if catalog and catalog.path else Path(folder) / METADATA_FILE

    def unlisted(self, folder: Path, present: set[Path]) -> list[str]:
        """Entries of ``folder``'s catalogue naming no file among ``present`` (resolved paths)."""
        resolved = Path(folder).resolve()
        catalog = self.by_folder.get(resolved)
        if not catalog:
            return []
        return sorted(s for s in catalog.described() if (resolved / s).resolve() not in present)
