"""Files and folders in, one published index version out, and a report of what changed.

A document is re-read only when its fingerprint changed: the file's bytes, its catalogue
entry and the chunker's format version. Unchanged documents keep their passages and
embeddings, so re-ingesting an unchanged corpus reads no document and computes nothing.
A file that fails to load is reported and the rest still publish; if it was indexed before,
its previous passages stay. The publish itself is atomic (Index.publish), so an ingest that
dies part-way leaves the previous version answering.

One ingest at a time per index: each holds the index's ingest lease (opmodel.index_lease) from
before it reads the current version until it has published, and a second one waits for it
(``wait`` seconds, then IngestBusyError), then plans from what the first published. Holding
the lease, it first drops the unfinished versions a killed or failed ingest left behind, so
they cannot fill the disk. Should another ingest publish anyway (a lease taken over in a race),
the publish refuses and this ingest plans again from the new version.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional

from opmodel.errors import DocumentError, IndexChangedError, IndexCorruptError
from opmodel.index import Index
from opmodel.index_lease import IngestLease
from opmodel.passage import Passage, content_hash

from ingest.catalog import METADATA_FILE, Catalogs, DocumentInfo
from ingest.chunk import FORMAT_VERSION, chunk_document
from ingest.describe import describe
from ingest.duplicates import drop_duplicates
from ingest.editions import apply_editions
from ingest.load import DEFAULT_MAX_BYTES, SUPPORTED_SUFFIXES, check_file_size, load_document

log = logging.getLogger(__name__)
PLANS = 3  # a plan overtaken by another ingest's publish is made again, this many times in all
DEFAULT_WAIT_S = 600.0


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # unchanged since the last ingest
    failed: list[tuple[str, str]] = field(default_factory=list)  # (source, message naming it)
    warnings: list[str] = field(default_factory=list)
    passages: int = 0  # passages in the index after this ingest
    embedded: int = 0  # embeddings computed (the rest were reused)
    documents: int = 0  # documents in the index after this ingest
    duplicates: int = 0  # passages also found in another document, indexed once under it

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def warn(self, message: str) -> None:
        log.warning("%s", message)
        self.warnings.append(message)


@dataclass(frozen=True)
class _Scope:
    """A folder the user asked for: indexed documents under it that are gone get removed."""

    prefix: Optional[str]  # source prefix ("" = the whole corpus); None = outside the corpus


def run_ingest(
    index: Index,
    paths: Iterable[Path | str],
    corpus_dir: Path | str,
    *,
    rebuild: bool = False,
    progress: bool = False,
    max_document_bytes: int = DEFAULT_MAX_BYTES,
    wait: float = DEFAULT_WAIT_S,
    on_wait: Optional[Callable[[str], None]] = None,
) -> IngestReport:
    """``on_wait`` hears once, in words, that another ingest holds the index and this one waits."""
    paths = list(paths)
    with IngestLease(index, wait, on_wait or (lambda message: log.warning("%s", message))):
        left_behind = index.drop_unpublished()
        for plan in range(1, PLANS + 1):
            try:
                report = _ingest(index, paths, corpus_dir, rebuild, progress, max_document_bytes)
                break
            except IndexChangedError as exc:
                if plan == PLANS:
                    raise
                log.warning("%s; planning again from it", exc)
        index.remove_orphan_folders()  # the version this publish retired past its grace, if any
    if left_behind:
        report.warn(f"removed {left_behind} unfinished index version(s) that an earlier ingest, "
                    "stopped part-way, had left behind")
    return report


def _ingest(index: Index, paths: list, corpus_dir: Path | str, rebuild: bool, progress: bool,
            max_document_bytes: int) -> IngestReport:
    corpus_dir = Path(corpus_dir)
    report = IngestReport()
    paths = [Path(p) for p in paths] or [corpus_dir]
    # Each folder named (or holding a file named) may bring its own catalogue.
    folders = [corpus_dir] + [p if p.is_dir() else p.parent for p in paths if p.exists()]
    catalogs = Catalogs(folders)
    for message in catalogs.warnings:
        report.warn(message)
    files, scopes = _discover(paths, corpus_dir, report)
    planned_from = index.current_version()  # before reading it: the publish checks nobody moved on
    stored = _stored_passages(index, rebuild, report)
    previous = _fingerprints(stored)

    fresh: dict[str, list[Passage]] = {}

    def read(source: str, path: Path, force: bool = False) -> None:
        try:
            info = catalogs.lookup(path, source)
            catalogue = catalogs.path_of(_nearest_folder(path, folders))
            check_file_size(path, source, max_document_bytes)  # before hashing a 5 GB file
            fingerprint = document_fingerprint(_read_bytes(path, source), info)
            if not (rebuild or force) and previous.get(source) == fingerprint:
                report.skipped.append(source)
                if not info.described:
                    report.warn(f"{source}: still no entry in {catalogue}; described by its own text "
                                "(`opmodel sources` shows what was read)")
                return
            document = load_document(path, source, max_document_bytes)
            info = describe(document, info)  # what the catalogue leaves out, the document may say
            if not info.described:
                report.warn(f"{source}: no entry in {catalogue}; {_described_as(info)}. "
                            f"Add an entry to {catalogue} to correct any of these.")
            fresh[source] = chunk_document(document, info, fingerprint)
            if not force:
                (report.updated if source in previous else report.added).append(source)
        except DocumentError as exc:
            report.failed.append((source, str(exc)))
            if source in previous:
                report.warn(f"{source}: kept its previously indexed passages")

    for source, path in _progress(sorted(files.items()), progress and len(files) > 1, "Reading"):
        read(source, path)
    report.removed = sorted(s for s in previous if s not in files and _in_scopes(s, scopes))
    # A passage indexed once for several files goes with its document: the others that hold
    # it are read again, so it comes back under one of them (see ingest.duplicates).
    gone = set(report.removed) | set(fresh)
    for source in sorted({s for p in stored if p.source in gone for s, _ in p.also_in} - gone):
        path = files.get(source) or corpus_dir / source
        if path.is_file():
            read(source, path, force=True)
    _check_catalogs(catalogs, [p for p in paths if p.is_dir()], corpus_dir, files, report)
    if not report.changed and not rebuild:
        report.documents = len(previous)
        report.passages = index.snapshot().count if previous else 0
        return report

    removed = set(report.removed)
    kept = [p for p in stored if p.source not in fresh and p.source not in removed]
    passages = apply_editions(kept + [p for ps in fresh.values() for p in ps])
    present = (set(previous) | set(fresh)) - removed
    passages, report.duplicates = drop_duplicates(passages, present, set(fresh))
    passages.sort(key=lambda p: (p.source, p.ordinal))
    holding = {p.source for p in passages}
    for source in sorted(set(fresh) - holding):
        report.warn(f"{source}: every passage is also in another document, so it is cited under that one")
    bar = _bar(len(passages), progress)
    try:
        result = index.publish(passages, progress=bar.update if bar else None, rebuild=rebuild,
                               planned_from=planned_from)
    finally:
        if bar:
            bar.close()
    report.passages, report.embedded = result.passages, result.embedded
    report.documents = len(present)
    return report


def _stored_passages(index: Index, rebuild: bool, report: IngestReport) -> list[Passage]:
    """The current version's passages; none when a rebuild finds it damaged, since the rebuild
    re-reads every document named and must not stop at what it is replacing."""
    try:
        return index.passages() if index.documents() else []
    except IndexCorruptError as exc:
        if not rebuild:
            raise
        log.info("reading the current version failed: %s", exc)
        report.warn("the index is damaged; rebuilding it from the documents named "
                    "(documents indexed from other folders are not kept: ingest those again)")
        return []


def _fingerprints(stored: list[Passage]) -> dict[str, str]:
    """source -> doc_hash of every indexed document, including those all of whose passages
    are indexed under another document (known from that one's ``also_in``)."""
    out = {p.source: p.doc_hash for p in stored}
    for p in stored:
        for source, doc_hash in p.also_in:
            out.setdefault(source, doc_hash)
    return out


def _described_as(info: DocumentInfo) -> str:
    """"indexed as 'X' (from its text), dated 2023-12-01 from its text, status current (from its text)"."""
    said = {"text": "from its text", "pdf": "from the PDF's metadata", "file name": "from its file name",
            "default": "nothing stated"}
    dated = f"dated {info.published} {said[info.origin('published')]}" if info.published else "undated (date not stated)"
    return (f"indexed as {info.title!r} ({said[info.origin('title')]}), {dated}, "
            f"status {info.status} ({said[info.origin('status')]})")


def document_fingerprint(data: bytes, info: DocumentInfo) -> str:
    """Changes when the file, its catalogue entry or the way we chunk changes."""
    described = {k: v for k, v in asdict(info).items() if k != "where"}  # an entry moved down the file is the same entry
    entry = json.dumps(described, sort_keys=True, default=str)
    return content_hash(f"{hashlib.sha256(data).hexdigest()}\x1f{entry}\x1f{FORMAT_VERSION}")


def source_name(path: Path, corpus_dir: Path) -> str:
    """The file's path within the corpus folder, or just its name when it lives elsewhere."""
    try:
        return path.resolve().relative_to(corpus_dir.resolve()).as_posix()
    except ValueError:
        return path.name


def _discover(paths: list[Path], corpus_dir: Path, report: IngestReport) -> tuple[dict[str, Path], list[_Scope]]:
    files: dict[str, Path] = {}
    scopes: list[_Scope] = []

    def add(path: Path) -> None:
        source = source_name(path, corpus_dir)
        if source in files and files[source].resolve() != path.resolve():
            report.failed.append((str(path), f"{path}: another file is already indexed as {source!r}; rename one"))
            return
        files[source] = path
        if not _inside(path, corpus_dir):
            report.warn(
                f"{source}: {path} is outside {corpus_dir}/; it is indexed as {source!r} and the next "
                f"ingest of {corpus_dir}/ will remove it. Copy it into {corpus_dir}/ to keep it."
            )

    for path in paths:
        if path.is_dir():
            relative = source_name(path, corpus_dir) if _inside(path, corpus_dir) else None
            scopes.append(_Scope(None if relative is None else "" if relative == "." else relative + "/"))
            for found in sorted(p for p in path.rglob("*") if p.is_file() or p.is_symlink()):
                if _ignored(found.relative_to(path)):
                    continue
                if found.is_symlink():
                    # A link found in a folder may lead anywhere (another team's share, /etc); only a
                    # file named on the command line is followed.
                    report.warn(f"skipped {found}: a symbolic link (to {os.readlink(found)}); copy the file "
                                f"in, or name it on the command line, to index it")
                    continue
                if found.suffix.lower() in SUPPORTED_SUFFIXES:
                    add(found)
                else:
                    report.warn(f"skipped {found}: {found.suffix or 'files without an extension'} not supported (use {', '.join(SUPPORTED_SUFFIXES)})")
        elif path.is_file():
            if path.suffix.lower() in SUPPORTED_SUFFIXES:
                add(path)
            else:
                report.failed.append((path.name, f"{path}: unsupported file type; use {', '.join(SUPPORTED_SUFFIXES)}"))
        else:
            report.failed.append((str(path), f"{path}: no such file or folder"))
    return files, scopes


def _ignored(relative: Path) -> bool:
    """Hidden files, the catalogue and README files describe the corpus; they are not part of it."""
    name = relative.name.lower()
    return any(part.startswith(".") for part in relative.parts) or name == METADATA_FILE or name.startswith("readme")


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def _in_scopes(source: str, scopes: list[_Scope]) -> bool:
    return any(scope.prefix is not None and source.startswith(scope.prefix) for scope in scopes)


def _nearest_folder(path: Path, folders: list[Path]) -> Path:
    """The deepest of ``folders`` holding ``path``: whose catalogue should describe it."""
    holding = [f for f in folders if _inside(path, f)]
    return max(holding, key=lambda f: len(f.resolve().parts)) if holding else path.parent


def _check_catalogs(catalogs: Catalogs, folders: list[Path], corpus_dir: Path, files: dict[str, Path],
                    report: IngestReport) -> None:
    """An entry naming no file in a folder we read whole is a typo or a deleted document."""
    present = {path.resolve() for path in files.values()}
    for folder in folders:
        is_corpus = folder.resolve() == corpus_dir.resolve()
        for source in catalogs.unlisted(folder, present):
            if is_corpus:
                report.warn(f"{METADATA_FILE} describes {source}, which is not in the corpus folder")
            else:
                report.warn(f"{catalogs.path_of(folder)} describes {source}, which is not in {folder}")


def _read_bytes(path: Path, source: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"{source}: cannot read the file ({exc.strerror or exc})") from exc


def _progress(items: list, enabled: bool, label: str):
    if not enabled:
        return items
    from tqdm import tqdm

    return tqdm(items, desc=label, unit="file", file=sys.stderr, leave=False)


def _bar(total: int, enabled: bool):
    if not enabled or not total:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc="Indexing", unit="passage", file=sys.stderr)
