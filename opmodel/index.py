"""The passage index: versioned Chroma collections behind a pointer.

Every ingest that changes anything writes a complete new collection, then flips a pointer
(the metadata of a small ``<prefix>-pointer`` collection) to it in one write. Readers
resolve the pointer and read one collection, so they never see a half-written corpus, and an
ingest that fails part-way leaves the pointer, and the answers, where they were. Embeddings
are reused by content hash, so an unchanged passage is never embedded twice. The rules that
make concurrent ingests and garbage collection safe are in ``opmodel.index_versions``.

The same code runs against an embedded ``PersistentClient`` and a ``chroma run`` server.

Staying current when another process publishes: ``snapshot()`` costs one small read
(about 0.3 ms embedded, under 1 ms against a local server), and ``snapshot().collection``
changes exactly when a new version is published. Anything derived from ``passages()`` (the
BM25 side) is keyed by it: take one snapshot per question, rebuild the derived structure
when its collection differs from the one it was built from, and pass the same snapshot to
``search`` so both sides read one version (``answer.retrieve.Retriever`` does this).

An embedded index also gets, with each version it publishes, a read-only copy of it for
answering without loading Chroma (``opmodel.index_snapshot``); the copy goes when its version
is dropped.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional, Sequence

import numpy as np

from opmodel import index_snapshot as copies
from opmodel import index_versions as versions
from opmodel.embedding import Embedder
from opmodel.errors import (
    EmbedderMismatchError,
    IndexChangedError,
    IndexCorruptError,
    IndexMissingError,
    IndexUnreachableError,
    OpmodelError,
)
from opmodel.index_client import chroma_client, disk_full, is_disk_full, remove_orphan_segment_folders, require_index
from opmodel.passage import Passage
from opmodel.settings import Settings

__all__ = ["Index", "Snapshot", "PublishResult", "chroma_client", "open_index"]

log = logging.getLogger(__name__)

Progress = Callable[[int], None]  # called with the number of passages just written
PAGE = 5000  # rows per read: one response for 100k passages would be ~100 MB of JSON
TOUCH_EVERY_S = 30.0
PROBE_K = 10  # results asked of each probe: a damaged file returns fewer, or not the passage itself
# How Chroma's core words a file it cannot read (seen with truncated, zeroed and garbled files).
DAMAGE_SIGNS = ("hnsw", "segment", "error getting embedding", "malformed", "corrupt")


@dataclass(frozen=True)
class Snapshot:
    """One published version of the index."""

    collection: str
    model: str
    dimension: int
    count: int
    built_at: float


@dataclass
class PublishResult:
    version: Optional[str]  # None when nothing changed and nothing was written
    passages: int
    embedded: int  # passages whose embeddings had to be computed
    reused: int


class Index:
    def __init__(
        self,
        client,
        embedder: Embedder,
        prefix: str = "opmodel",
        *,
        location: str = "",
        folder: Optional[Path] = None,
        grace_seconds: float = 120.0,
        stale_build_seconds: float = 900.0,
    ):
        import re

        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,200}", prefix or ""):
            raise ValueError(f"prefix must be letters, digits, '.', '_' or '-', starting with a letter or digit, got {prefix!r}")
        self.client = client
        self.embedder = embedder
        self.prefix = prefix
        self.location = location or "the index"
        self.folder = folder  # the embedded index's folder; None on a server
        self.grace_seconds = grace_seconds
        self.stale_build_seconds = stale_build_seconds
        self._collections: dict = {}  # name -> Collection; a version's name never changes meaning
        self._carried: dict = {}  # vectors of a build refused by IndexChangedError, for the re-plan

    # -- reading -----------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """The active version. Cheap: one small read, so callers may check it per question."""
        return snapshot_of(self._pointer_metadata(), self.embedder, self.location)

    def problem(self) -> Optional[str]:
        """None when the index answers (within the server timeout), else why not: for health checks."""
        try:
            self.snapshot()
        except OpmodelError as exc:
            return str(exc)
        return None

    def passages(self, snap: Optional[Snapshot] = None) -> list[Passage]:
        """Every passage of a version, in document order."""
        snap = snap or self.snapshot()
        rows = self._read_all(snap.collection, ["documents", "metadatas"])
        passages = [Passage.from_record(i, d, m) for i, d, m in zip(rows["ids"], rows["documents"], rows["metadatas"])]
        return sorted(passages, key=lambda p: (p.source, p.ordinal))

    def search(self, vector: np.ndarray, k: int, snap: Optional[Snapshot] = None) -> list[tuple[Passage, float]]:
        """Nearest passages by cosine similarity (1.0 = same direction)."""
        res = self._query(vector, k, snap, ["documents", "metadatas", "distances"])
        if res is None:
            return []
        return [
            (Passage.from_record(i, d, m), 1.0 - float(dist))
            for i, d, m, dist in zip(res["ids"][0], res["documents"][0], res["metadatas"][0], res["distances"][0])
        ]

    def nearest_ids(self, vector: np.ndarray, k: int, snap: Optional[Snapshot] = None) -> list[tuple[str, float]]:
        """Like ``search``, ids and cosine only: for a caller that already holds the version's
        passages (the retriever), skipping the texts and metadata is most of the query's time
        (0.8 ms against 4.6 ms for 50 of 100 passages)."""
        res = self._query(vector, k, snap, ["distances"])
        if res is None:
            return []
        return [(i, 1.0 - float(dist)) for i, dist in zip(res["ids"][0], res["distances"][0])]

    def _query(self, vector: np.ndarray, k: int, snap: Optional[Snapshot], include: list[str]):
        snap = snap or self.snapshot()
        if snap.count == 0:
            return None
        col = self._collection(snap.collection)
        return self._call(
            lambda: col.query(
                query_embeddings=[np.asarray(vector, dtype=np.float32).tolist()],
                n_results=max(1, min(k, snap.count)),
                include=include,
            )
        )

    def documents(self) -> dict[str, str]:
        """source -> doc_hash of the active version; empty when there is no index yet."""
        try:
            snap = self.snapshot()
        except (IndexMissingError, EmbedderMismatchError):
            return {}
        rows = self._read_all(snap.collection, ["metadatas"])
        return {m["source"]: m.get("doc_hash", "") for m in rows["metadatas"]}

    # -- writing -----------------------------------------------------------------------

    def publish(self, passages: Sequence[Passage], progress: Optional[Progress] = None, rebuild: bool = False,
                planned_from: Optional[str] = None) -> PublishResult:
        """Make ``passages`` the whole content of the index, atomically.

        ``planned_from`` is the version (its collection name, "" for none) the caller read to
        decide what ``passages`` should be. When given, a publish that finds another version
        current raises IndexChangedError and publishes nothing: its plan would undo the other's
        changes. Without it, the last publisher wins."""
        ids = [p.id for p in passages]
        if len(set(ids)) != len(ids):
            raise ValueError("passages must have unique ids")
        previous = self._previous_snapshot(rebuild)
        if planned_from is not None:
            self._check_planned_from(planned_from, self.current_version())
        if previous and not rebuild and self._same_ids(previous, ids):
            self._ensure_copy(previous)
            return PublishResult(version=None, passages=len(ids), embedded=0, reused=len(ids))
        vectors = self._reusable_vectors(previous, rebuild)

        name = versions.new_version_name(self.prefix)
        try:
            col = self._call(
                lambda: self.client.create_collection(
                    name, configuration={"hnsw": {"space": "cosine"}}, metadata=versions.building_metadata(time.time())
                )
            )
            embedded = self._fill(col, passages, vectors, progress)
            self._call(lambda: col.modify(metadata=versions.ready_metadata(time.time())))
            if self.folder:  # before the flip: a reader that sees the new pointer finds its copy
                copies.write(self.folder, name, passages, np.stack([vectors[p.embedding_key] for p in passages])
                             if passages else np.zeros((0, self.embedder.dimension), np.float32))
        except BaseException:
            self._drop(name)  # the pointer still names the previous version
            raise
        # Not dropped if the flip fails: the write may have landed before the error. A ready
        # collection the pointer does not name is collected after the grace period, or at the
        # start of the next ingest (drop_unpublished).
        try:
            self._flip_to(name, len(passages), started_from=previous, planned_from=planned_from)
        except IndexChangedError:
            self._drop(name)
            self._carried = vectors  # the re-plan embeds none of these again
            raise
        self._carried = {}
        self._collect_garbage()
        return PublishResult(version=name, passages=len(passages), embedded=embedded, reused=len(passages) - embedded)

    def current_version(self) -> str:
        """The collection the pointer names ("" for none): what a caller plans from."""
        return str(self._pointer_metadata().get("collection", ""))

    def drop_unpublished(self) -> int:
        """Drop every version collection the pointer never named: builds of ingests that were
        killed or failed, kept until now because their process could not clean up. Only safe
        while holding the ingest lease (no other build can be in progress). Returns how many."""
        pointer = self._pointer_metadata()
        published = {pointer.get("collection")} | {name for name, _ in versions.retired(pointer)}
        dropped = 0
        for col in self._call(self.client.list_collections):
            name = col if isinstance(col, str) else col.name
            if versions.is_version_of(self.prefix, name) and name not in published:
                self._drop(name)
                dropped += 1
        self.remove_orphan_folders()  # of these and of versions collected before
        return dropped

    def remove_orphan_folders(self) -> int:
        """Embedded only: the vector folders Chroma leaves behind for deleted collections (see
        index_client.remove_orphan_segment_folders). Only while holding the ingest lease."""
        return remove_orphan_segment_folders(self.folder) if self.folder else 0

    def _ensure_copy(self, snap: Snapshot) -> None:
        """An index built before answering copies existed (or whose copy was lost) gets one."""
        if self.folder and copies.load(self.folder, snap.collection, snap.count) is None:
            copies.write_rows(self.folder, snap.collection,
                              self._read_all(snap.collection, ["documents", "metadatas", "embeddings"]))

    def _check_planned_from(self, planned_from: Optional[str], current: str) -> None:
        if planned_from is not None and planned_from != current:
            raise IndexChangedError(
                f"another ingest published {current or 'nothing'} to {self.location} after this one planned "
                f"from {planned_from or 'an empty index'}"
            )

    def _reusable_vectors(self, previous: Optional[Snapshot], rebuild: bool) -> dict:
        vectors = dict(self._carried)
        if not previous:
            return vectors
        try:
            vectors.update(self._vectors_by_key(previous))
        except IndexCorruptError:
            if not rebuild:
                raise
            # A damaged version's vectors cannot be read back: the rebuild embeds everything.
            log.warning("the current version of %s is damaged; re-embedding every passage", self.location)
        return vectors

    def _fill(self, col, passages: Sequence[Passage], vectors: dict, progress: Optional[Progress]) -> int:
        embedded = 0
        touched = time.time()
        batch = max(1, min(256, self._call(self.client.get_max_batch_size)))
        for start in range(0, len(passages), batch):
            chunk = passages[start : start + batch]
            todo = [p for p in chunk if p.embedding_key not in vectors]
            if todo:
                fresh = self.embedder.embed([p.embedding_text() for p in todo])
                vectors.update({p.embedding_key: v for p, v in zip(todo, fresh)})
                embedded += len(todo)
            self._call(
                lambda: col.add(
                    ids=[p.id for p in chunk],
                    documents=[p.text for p in chunk],
                    metadatas=[p.to_metadata() for p in chunk],
                    embeddings=np.stack([vectors[p.embedding_key] for p in chunk]).astype(np.float32),
                )
            )
            if time.time() - touched > TOUCH_EVERY_S:  # tells other ingests' GC we are alive
                touched = time.time()
                self._call(lambda: col.modify(metadata=versions.building_metadata(touched)))
            if progress:
                progress(len(chunk))
        return embedded

    # -- internals ---------------------------------------------------------------------

    def _previous_snapshot(self, rebuild: bool) -> Optional[Snapshot]:
        try:
            return self.snapshot()
        except IndexMissingError:
            return None
        except EmbedderMismatchError:
            if rebuild:
                return None
            raise

    def _same_ids(self, snap: Snapshot, ids: list[str]) -> bool:
        if snap.count != len(ids):
            return False
        return set(self._read_all(snap.collection, [])["ids"]) == set(ids)

    def _vectors_by_key(self, snap: Snapshot) -> dict[str, np.ndarray]:
        rows = self._read_all(snap.collection, ["metadatas", "embeddings"])
        return {m["embedding_key"]: np.asarray(e, dtype=np.float32) for m, e in zip(rows["metadatas"], rows["embeddings"])}

    def _read_all(self, name: str, include: list[str]) -> dict:
        col = self._collection(name)
        out: dict = {"ids": [], "documents": [], "metadatas": [], "embeddings": []}
        offset = 0
        while True:
            rows = self._call(lambda: col.get(include=include, limit=PAGE, offset=offset))
            out["ids"].extend(rows["ids"])
            for key in include:
                out[key].extend(rows[key])
            if len(rows["ids"]) < PAGE:
                return out
            offset += PAGE

    def _pointer_metadata(self) -> dict:
        try:
            return self.client.get_collection(versions.pointer_name(self.prefix)).metadata or {}
        except Exception as exc:
            if _is_not_found(exc):
                return {}
            if _is_transport_error(exc):
                raise self._unreachable(exc) from exc
            raise IndexCorruptError(f"cannot read the version pointer of {self.location}: {exc}") from exc

    def _flip_to(self, name: str, count: int, started_from: Optional[Snapshot], planned_from: Optional[str]) -> None:
        pointer = self._call(lambda: self.client.get_or_create_collection(versions.pointer_name(self.prefix)))
        current = pointer.metadata or {}
        self._check_planned_from(planned_from, str(current.get("collection", "")))
        if started_from and current.get("collection") != started_from.collection:
            log.warning(
                "another ingest published %s while this one ran; this one finished later and replaces it",
                current.get("collection"),
            )
        meta = versions.flipped_pointer(
            current, name, model=self.embedder.name, dimension=self.embedder.dimension, count=count, now=time.time()
        )
        self._call(lambda: pointer.modify(metadata=meta))

    def _collection(self, name: str):
        col = self._collections.get(name)
        if col is not None:
            return col
        col = self._call(lambda: self.client.get_collection(name))
        self._probe(name, col)
        if len(self._collections) > 8:
            self._collections.clear()
        self._collections[name] = col
        return col

    def _probe(self, name: str, col) -> None:
        """A damaged HNSW file does not always fail loudly: a truncated one answers, from the
        vectors it still has. So the first time a version is opened, a few stored passages
        (first, middle, last) are looked up by their own vectors; each must come back, with a
        full page of results. About 1 ms per probe, once per version per process."""
        count = self._call(col.count)
        k = min(PROBE_K, count)
        for offset in sorted({0, count // 2, count - 1}) if count else ():
            row = self._call(lambda: col.get(include=["embeddings"], limit=1, offset=offset))
            if not row["ids"]:
                continue
            found = self._call(lambda: col.query(query_embeddings=[row["embeddings"][0]], n_results=k, include=["distances"]))
            if len(found["ids"][0]) != k or row["ids"][0] not in found["ids"][0]:
                raise self._damaged(name, f"passage {offset + 1} of {count} cannot be found by its own vector")

    def _collect_garbage(self) -> None:
        now = time.time()
        keep = versions.protected_names(self._pointer_metadata(), now, self.grace_seconds)
        for col in self._call(self.client.list_collections):
            name = col if isinstance(col, str) else col.name
            if not versions.is_version_of(self.prefix, name):
                continue
            meta = None if isinstance(col, str) else col.metadata
            if versions.may_drop(name, meta, keep, now, self.grace_seconds, self.stale_build_seconds):
                self._drop(name)

    def _drop(self, name: str) -> None:
        self._collections.pop(name, None)
        if self.folder:
            copies.remove(self.folder, name)
        try:
            self.client.delete_collection(name)
        except Exception:  # already gone, or another ingest dropped it: both fine
            log.debug("could not drop collection %s", name, exc_info=True)

    def _call(self, fn):
        """Turn a lost connection or a vanished version into one clear error."""
        try:
            return fn()
        except OpmodelError:
            raise
        except Exception as exc:
            if _is_transport_error(exc):
                raise self._unreachable(exc) from exc
            if _is_not_found(exc):
                raise IndexCorruptError(
                    f"a collection of {self.location} is gone ({exc}). If another ingest just replaced the "
                    "version being read, ask again; if this persists, run `opmodel ingest --rebuild`."
                ) from exc
            if is_disk_full(exc):
                raise disk_full(self.location, exc) from exc
            if _is_internal(exc):
                if any(sign in str(exc).lower() for sign in DAMAGE_SIGNS):
                    raise self._damaged("a version", str(exc)) from exc
                raise IndexCorruptError(
                    f"Chroma failed on {self.location} ({exc}). Try again; if it persists, rebuild the index "
                    "with `opmodel ingest --rebuild`."
                ) from exc
            raise

    def _damaged(self, name: str, why: str) -> IndexCorruptError:
        return IndexCorruptError(
            f"{self.location} is damaged ({name}: {why}). Rebuild it from the documents with "
            "`opmodel ingest --rebuild`; answers are unreliable until then."
        )

    def _unreachable(self, exc: BaseException) -> IndexUnreachableError:
        return IndexUnreachableError(
            f"{self.location} did not answer ({exc.__class__.__name__}: {exc}). "
            "Is `chroma run` still up? Check OPMODEL_CHROMA_URL."
        )


def snapshot_of(pointer: dict, embedder: Embedder, location: str) -> Snapshot:
    """The version a pointer's metadata names, checked against the embedder that will query it."""
    if "collection" not in pointer:
        raise IndexMissingError(f"{location} is empty: run `opmodel ingest` first")
    snap = Snapshot(
        collection=pointer["collection"],
        model=pointer["model"],
        dimension=int(pointer["dimension"]),
        count=int(pointer["count"]),
        built_at=float(pointer["built_at"]),
    )
    if snap.model != embedder.name or snap.dimension != embedder.dimension:
        raise EmbedderMismatchError(
            f"{location} was built with {snap.model} ({snap.dimension} dimensions) but this process "
            f"embeds with {embedder.name} ({embedder.dimension} dimensions). "
            "Run `opmodel ingest --rebuild` to re-embed the corpus with the current model."
        )
    return snap


def _is_transport_error(exc: BaseException) -> bool:
    import httpx  # chromadb's own HTTP client

    return isinstance(exc, (httpx.TransportError, ConnectionError))


def _is_internal(exc: BaseException) -> bool:
    """What Chroma's core raises for files it cannot read (a damaged HNSW segment or SQLite page)."""
    from chromadb.errors import InternalError

    return isinstance(exc, InternalError)


def _is_not_found(exc: BaseException) -> bool:
    from chromadb.errors import NotFoundError

    return isinstance(exc, NotFoundError)


def open_index(settings: Settings, embedder: Optional[Embedder] = None, *, create: bool = True,
               timeout: Optional[float] = None) -> Index:
    """``create=False`` for readers: a folder without an index is IndexMissingError, not a new
    empty index, and an embedded index is read through ``opmodel.index_reader.CopyReader``
    (the published version's copy, Chroma only when it must). ``timeout``: seconds a call to a Chroma server may take (default the setting)."""
    from opmodel.embedding import default_embedder

    location = f"the Chroma server at {settings.chroma_url}" if settings.uses_server else f"the index at {settings.index_dir}"
    embedder = embedder or default_embedder()

    def chroma() -> Index:
        client = chroma_client(settings, create=create, timeout=timeout)
        return Index(client, embedder, prefix=settings.collection, location=location,
                     folder=None if settings.uses_server else settings.index_dir)

    if create or settings.uses_server:
        return chroma()
    # A reader of an embedded index answers from the published version's copy while Chroma
    # agrees with it (opmodel.index_snapshot), and opens Chroma only when it must.
    from opmodel.index_reader import CopyReader

    require_index(settings)
    return CopyReader(settings.index_dir, embedder, settings.collection, location, chroma)
