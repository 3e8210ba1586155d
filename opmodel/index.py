"""The passage index: versioned Chroma collections behind a pointer.

Every ingest that changes anything writes a complete new collection, then flips a pointer
(the metadata of a small ``<prefix>-pointer`` collection) to it in one write. Readers
resolve the pointer and read one collection, so they never see a half-written corpus, and an
ingest that fails part-way leaves the pointer, and the answers, where they were. Embeddings
are reused by content hash, so an unchanged passage is never embedded twice.

The same code runs against an embedded ``PersistentClient`` and a ``chroma run`` server.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from typing import Callable, Iterable, Optional, Sequence

import numpy as np

from opmodel.embedding import Embedder
from opmodel.errors import (
    EmbedderMismatchError,
    IndexCorruptError,
    IndexMissingError,
    IndexUnreachableError,
)
from opmodel.passage import Passage
from opmodel.settings import Settings

log = logging.getLogger(__name__)

Progress = Callable[[int], None]  # called with the number of passages just written


def chroma_client(settings: Settings):
    """Embedded on disk by default; a server when ``OPMODEL_CHROMA_URL`` is set."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    if settings.uses_server:
        from urllib.parse import urlparse

        url = urlparse(settings.chroma_url)
        extra = {}
        if settings.chroma_token:
            extra = dict(
                chroma_client_auth_provider="chromadb.auth.token_authn.TokenAuthClientProvider",
                chroma_client_auth_credentials=settings.chroma_token,
            )
        try:
            return chromadb.HttpClient(
                host=url.hostname,
                port=url.port or (443 if url.scheme == "https" else 80),
                ssl=url.scheme == "https",
                settings=ChromaSettings(anonymized_telemetry=False, **extra),
            )
        except Exception as exc:  # chromadb raises ValueError/ConnectionError variants
            raise IndexUnreachableError(
                f"cannot reach the Chroma server at {settings.chroma_url} ({exc.__class__.__name__}). "
                "Is `chroma run` up? Check OPMODEL_CHROMA_URL."
            ) from exc
    try:
        settings.index_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(
            path=str(settings.index_dir), settings=ChromaSettings(anonymized_telemetry=False)
        )
    except Exception as exc:
        raise IndexCorruptError(
            f"cannot open the index at {settings.index_dir}: {exc}. "
            "Delete that folder and run `opmodel ingest` to rebuild it."
        ) from exc


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
    def __init__(self, client, embedder: Embedder, prefix: str = "opmodel"):
        if not prefix or not prefix[0].isalnum():
            raise ValueError(f"prefix must start with a letter or digit, got {prefix!r}")
        self.client = client
        self.embedder = embedder
        self.prefix = prefix
        self._pointer_name = f"{prefix}-pointer"

    # -- reading -----------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """The active version. Cheap: one small read, so callers may check it per question."""
        meta = self._call(lambda: self._pointer().metadata or {})
        if "collection" not in meta:
            raise IndexMissingError("the index is empty: run `opmodel ingest` first")
        snap = Snapshot(
            collection=meta["collection"],
            model=meta["model"],
            dimension=int(meta["dimension"]),
            count=int(meta["count"]),
            built_at=float(meta["built_at"]),
        )
        if snap.model != self.embedder.name or snap.dimension != self.embedder.dimension:
            raise EmbedderMismatchError(
                f"the index was built with {snap.model} ({snap.dimension} dimensions) but this process "
                f"embeds with {self.embedder.name} ({self.embedder.dimension}). "
                "Run `opmodel ingest --rebuild` to re-embed the corpus with the current model."
            )
        return snap

    def passages(self, snap: Optional[Snapshot] = None) -> list[Passage]:
        """Every passage of a version, in document order."""
        snap = snap or self.snapshot()
        col = self._collection(snap.collection)
        rows = self._call(lambda: col.get(include=["documents", "metadatas"]))
        passages = [Passage.from_record(i, d, m) for i, d, m in zip(rows["ids"], rows["documents"], rows["metadatas"])]
        return sorted(passages, key=lambda p: (p.source, p.ordinal))

    def search(self, vector: np.ndarray, k: int, snap: Optional[Snapshot] = None) -> list[tuple[Passage, float]]:
        """Nearest passages by cosine similarity (1.0 = same direction)."""
        snap = snap or self.snapshot()
        col = self._collection(snap.collection)
        k = max(1, min(k, snap.count))
        res = self._call(
            lambda: col.query(
                query_embeddings=[np.asarray(vector, dtype=np.float32).tolist()],
                n_results=k,
                include=["documents", "metadatas", "distances"],
            )
        )
        return [
            (Passage.from_record(i, d, m), 1.0 - float(dist))
            for i, d, m, dist in zip(res["ids"][0], res["documents"][0], res["metadatas"][0], res["distances"][0])
        ]

    def documents(self) -> dict[str, str]:
        """source -> doc_hash of the active version; empty when there is no index yet."""
        try:
            snap = self.snapshot()
        except (IndexMissingError, EmbedderMismatchError):
            return {}
        col = self._collection(snap.collection)
        rows = self._call(lambda: col.get(include=["metadatas"]))
        return {m["source"]: m.get("doc_hash", "") for m in rows["metadatas"]}

    # -- writing -----------------------------------------------------------------------

    def publish(self, passages: Sequence[Passage], progress: Optional[Progress] = None, rebuild: bool = False) -> PublishResult:
        """Make ``passages`` the whole content of the index, atomically."""
        ids = [p.id for p in passages]
        if len(set(ids)) != len(ids):
            raise ValueError("passages must have unique ids")
        previous = self._previous_snapshot(rebuild)
        old_vectors = self._vectors_by_key(previous) if previous else {}
        if previous and not rebuild and self._same_ids(previous, ids):
            return PublishResult(version=None, passages=len(ids), embedded=0, reused=len(ids))

        name = f"{self.prefix}-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:6]}"
        col = self._call(lambda: self.client.create_collection(name, metadata={"hnsw:space": "cosine"}))
        embedded = 0
        try:
            batch = max(1, min(256, self.client.get_max_batch_size()))
            for start in range(0, len(passages), batch):
                chunk = passages[start : start + batch]
                todo = [p for p in chunk if p.embedding_key not in old_vectors]
                if todo:
                    fresh = self.embedder.embed([p.embedding_text() for p in todo])
                    old_vectors.update({p.embedding_key: v for p, v in zip(todo, fresh)})
                    embedded += len(todo)
                col.add(
                    ids=[p.id for p in chunk],
                    documents=[p.text for p in chunk],
                    metadatas=[p.to_metadata() for p in chunk],
                    embeddings=np.stack([old_vectors[p.embedding_key] for p in chunk]).astype(np.float32),
                )
                if progress:
                    progress(len(chunk))
        except BaseException:
            self._drop(name)  # the pointer still names the previous version
            raise
        self._point_to(name, len(passages))
        self._collect_garbage(keep={name, previous.collection if previous else ""})
        return PublishResult(version=name, passages=len(passages), embedded=embedded, reused=len(passages) - embedded)

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
        rows = self._call(lambda: self._collection(snap.collection).get(include=[]))
        return set(rows["ids"]) == set(ids)

    def _vectors_by_key(self, snap: Snapshot) -> dict[str, np.ndarray]:
        col = self._collection(snap.collection)
        rows = self._call(lambda: col.get(include=["metadatas", "embeddings"]))
        return {m["embedding_key"]: np.asarray(e, dtype=np.float32) for m, e in zip(rows["metadatas"], rows["embeddings"])}

    def _pointer(self):
        return self.client.get_or_create_collection(self._pointer_name)

    def _point_to(self, name: str, count: int) -> None:
        meta = {
            "collection": name,
            "model": self.embedder.name,
            "dimension": self.embedder.dimension,
            "count": count,
            "built_at": time.time(),
        }
        self._call(lambda: self._pointer().modify(metadata=meta))

    def _collection(self, name: str):
        try:
            return self.client.get_collection(name)
        except Exception as exc:
            raise IndexCorruptError(
                f"the index points at collection {name!r}, which cannot be read ({exc}). "
                "Run `opmodel ingest --rebuild`."
            ) from exc

    def _collect_garbage(self, keep: set[str]) -> None:
        """Keep the new and the previous version: a reader that resolved the pointer just
        before the flip may still be querying the previous one."""
        for col in self._call(self.client.list_collections):
            name = col if isinstance(col, str) else col.name
            if name.startswith(self.prefix + "-") and name != self._pointer_name and name not in keep:
                self._drop(name)

    def _drop(self, name: str) -> None:
        try:
            self.client.delete_collection(name)
        except Exception:  # already gone, or another ingest dropped it: both fine
            log.debug("could not drop collection %s", name, exc_info=True)

    @staticmethod
    def _call(fn):
        """Turn connection failures into one clear error; leave our own errors alone."""
        try:
            return fn()
        except (IndexMissingError, IndexCorruptError, EmbedderMismatchError):
            raise
        except Exception as exc:
            text = str(exc).lower()
            if any(word in text for word in ("connect", "refused", "timed out", "unreachable")):
                raise IndexUnreachableError(f"the Chroma server did not answer: {exc}") from exc
            raise


def open_index(settings: Settings, embedder: Optional[Embedder] = None) -> Index:
    from opmodel.embedding import default_embedder

    return Index(chroma_client(settings), embedder or default_embedder(), prefix=settings.collection)
