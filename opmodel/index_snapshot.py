"""A read-only copy of one published version, written beside an embedded Chroma index, so
answering a question never imports chromadb (about 1 s of a 3 s cold start, and 0.2 s more
to open its client).

Chroma stays the store of record; the copy is only ever used while Chroma agrees with it:

* The pointer is read from Chroma's own database (``chroma.sqlite3``, with the standard
  library's sqlite3, read-only), so a newer ingest is seen on the next question exactly as
  through Chroma, and the copy is used only for the version the pointer names.
* A copy is written by the ingest that builds its version, before the pointer names it, and
  is removed with that version's collection.
* Damage is still Chroma's to find: the copy records the size of every file of the version's
  vector folders, and the bytes (CRC-32) of all but ``length.bin`` (Chroma 1.5 rewrites that
  one with whatever was in memory each time it opens a small index). A file that differs, a
  copy that does not open (each member of the .npz has its CRC checked), or a database this
  module cannot read sends the reader back to Chroma, which probes the version and reports it.

The layout read from ``chroma.sqlite3`` (tables ``collections``, ``collection_metadata``,
``segments``, ``databases``) is Chroma 1.x's; if a release changes it the queries fail and
every read goes to Chroma, as before this module.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import zlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from opmodel.index_client import CHROMA_FILE
from opmodel.passage import Passage

log = logging.getLogger(__name__)

PREFIX, SUFFIX = "opmodel-snapshot-", ".npz"
UNSTABLE_BYTES = {"length.bin"}  # size checked, bytes not: see the module docstring
FORMAT = 1

_COLLECTION = (
    "FROM collections c JOIN databases d ON c.database_id = d.id "
    "WHERE c.name = ? AND d.name = 'default_database' AND d.tenant_id = 'default_tenant'"
)


@dataclass(frozen=True)
class Copy:
    """One version as read back from its snapshot file."""

    collection: str
    passages: list[Passage]  # in document order, as Index.passages returns them
    ids: list[str]  # row of ``vectors`` -> passage id
    vectors: np.ndarray  # unit float32 rows

    @cached_property
    def passage_of_row(self) -> list[Passage]:
        """Row of ``vectors`` -> its passage, built once per copy, not on every search."""
        by_id = {p.id: p for p in self.passages}
        return [by_id[i] for i in self.ids]

    def nearest(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """Rows and cosine similarity of the ``k`` nearest, best first: every row is compared,
        so this is exact where Chroma's HNSW is approximate."""
        query = np.asarray(vector, dtype=np.float32)
        query = query / (np.linalg.norm(query) or 1.0)
        scores = self.vectors @ query
        k = max(0, min(k, scores.size))
        if k == 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k] if k < scores.size else np.arange(scores.size)
        return [(int(row), float(scores[row])) for row in sorted(top, key=lambda r: (-scores[r], r))]


def path_for(folder: Path, collection: str) -> Path:
    return Path(folder) / f"{PREFIX}{collection}{SUFFIX}"


_open = threading.local()  # per thread: database path -> (its inode, a read-only connection)


def _query(folder: Path, sql: str, *params) -> list[tuple]:
    """One query on Chroma's database. The connection is kept (opening one and reading the
    schema is most of a ~1 ms pointer read), per thread as sqlite3 wants, and opened again when
    the path names another file (an index moved aside and rebuilt where it was)."""
    database = Path(folder) / CHROMA_FILE
    try:
        inode = database.stat().st_ino
    except OSError as exc:  # and never connect: sqlite3 would make an empty database
        raise sqlite3.OperationalError(f"cannot open {database}: {exc}") from exc
    held = getattr(_open, "connections", None)
    if held is None:
        held = _open.connections = {}
    known = held.get(database)
    if known is None or known[0] != inode:
        if known is not None:
            known[1].close()
        known = held[database] = (inode, sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5))
    try:
        return known[1].execute(sql, params).fetchall()
    except sqlite3.Error:
        held.pop(database, None)[1].close()  # a damaged or replaced file: start afresh next time
        raise


def read_pointer(folder: Path, name: str) -> Optional[dict]:
    """The metadata of the collection ``name`` (the version pointer) from Chroma's database, or
    None when it cannot be read this way (no such collection, another layout, a damaged file)."""
    try:
        rows = _query(folder, "SELECT m.key, m.str_value, m.int_value, m.float_value, m.bool_value "
                      f"FROM collection_metadata m WHERE m.collection_id = (SELECT c.id {_COLLECTION})", name)
    except sqlite3.Error as exc:
        log.debug("cannot read the pointer from %s: %s", folder, exc)
        return None
    if not rows:
        return None
    return {key: _value(*values) for key, *values in rows}


def _value(text, integer, real, boolean):
    if text is not None:
        return text
    if integer is not None:
        return integer
    return real if real is not None else (None if boolean is None else bool(boolean))


def fingerprint(folder: Path, collection: str) -> Optional[dict]:
    """Size (and CRC-32, see UNSTABLE_BYTES) of every file in the collection's vector folders."""
    try:
        segments = [row[0] for row in _query(
            folder, f"SELECT s.id FROM segments s WHERE s.scope = 'VECTOR' AND s.collection = (SELECT c.id {_COLLECTION})",
            collection)]
    except sqlite3.Error as exc:
        log.debug("cannot read the segments of %s from %s: %s", collection, folder, exc)
        return None
    files: dict[str, list] = {}
    for segment in sorted(segments):
        where = Path(folder) / segment
        for file in sorted(where.iterdir()) if where.is_dir() else ():
            if file.is_file():
                crc = None if file.name in UNSTABLE_BYTES else zlib.crc32(file.read_bytes())
                files[f"{segment}/{file.name}"] = [file.stat().st_size, crc]
    return files


def write(folder: Path, collection: str, passages: Sequence[Passage], vectors: np.ndarray) -> None:
    """Write the copy of ``collection`` (its passages and their vectors, in the same order)."""
    _write(folder, collection, [p.id for p in passages], [p.text for p in passages],
           [p.to_metadata() for p in passages], vectors)


def write_rows(folder: Path, collection: str, rows: dict) -> None:
    """The same, from rows read back from Chroma (``ids``, ``documents``, ``metadatas``, ``embeddings``)."""
    _write(folder, collection, rows["ids"], rows["documents"], rows["metadatas"], np.asarray(rows["embeddings"]))


def _write(folder: Path, collection: str, ids: list, documents: list, metadatas: list, vectors: np.ndarray) -> None:
    prints = fingerprint(folder, collection)
    if prints is None:
        return  # the reader could never check it against Chroma
    vectors = np.asarray(vectors, dtype=np.float32).reshape(len(ids), -1)
    vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    header = {"format": FORMAT, "collection": collection, "files": prints}
    records = {"ids": list(ids), "documents": list(documents), "metadatas": list(metadatas)}
    target = path_for(folder, collection)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        with partial.open("wb") as handle:
            np.savez(handle, vectors=vectors, header=_bytes(header), records=_bytes(records))
        os.replace(partial, target)
    except OSError as exc:  # a copy is a speed-up: answering goes on through Chroma without it
        log.warning("could not write the answering copy %s (%s); answers will read Chroma", target, exc)
        partial.unlink(missing_ok=True)


def _bytes(value) -> np.ndarray:
    return np.frombuffer(json.dumps(value, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)


def load(folder: Path, collection: str, count: int) -> Optional[Copy]:
    """The copy of ``collection`` if it exists, opens, holds ``count`` passages and its vector
    files are still as they were when it was written; else None (read Chroma instead)."""
    target = path_for(folder, collection)
    if not target.is_file():
        return None
    try:
        with np.load(target, allow_pickle=False) as data:
            header = json.loads(data["header"].tobytes())
            records = json.loads(data["records"].tobytes())
            vectors = data["vectors"]
    except Exception as exc:  # truncated, garbled: zip CRCs, JSON or numpy say so, each its own way
        log.warning("the answering copy %s does not open (%s); reading Chroma", target, exc)
        return None
    if header.get("format") != FORMAT or header.get("collection") != collection or len(records["ids"]) != count:
        return None
    if fingerprint(folder, collection) != header.get("files"):
        log.info("the vector files of %s differ from when its copy was written; reading Chroma", collection)
        return None
    passages = [Passage.from_record(i, d, m) for i, d, m in zip(records["ids"], records["documents"], records["metadatas"])]
    return Copy(collection=collection, passages=sorted(passages, key=lambda p: (p.source, p.ordinal)),
                ids=list(records["ids"]), vectors=vectors)


def remove(folder: Path, collection: str) -> None:
    path_for(folder, collection).unlink(missing_ok=True)
