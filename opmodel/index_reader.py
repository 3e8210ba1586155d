"""What answering asks of an embedded index, served from the version's answering copy
(``opmodel.index_snapshot``) while Chroma's pointer names it and its files are as published.

Anything the copy cannot vouch for (no copy, another layout, changed vector files, a database
sqlite3 cannot read) goes to the Chroma index itself, opened on first need, so its checks and
errors are the ones a user sees. The reading methods are ``Index``'s: ``snapshot``,
``passages``, ``search``, ``nearest_ids``, ``problem``; anything else is Chroma's.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Callable, Optional

import numpy as np

from opmodel import index_snapshot as copies
from opmodel import index_versions as versions
from opmodel.embedding import Embedder
from opmodel.index import Index, Snapshot, snapshot_of
from opmodel.passage import Passage

KEPT = 2  # versions held at once: the one answering and the one a background rebuild reads


class CopyReader:
    def __init__(self, folder: Path, embedder: Embedder, prefix: str, location: str, open_chroma: Callable[[], Index]):
        self.folder = Path(folder)
        self.embedder = embedder
        self.prefix = prefix
        self.location = location
        self._open_chroma = open_chroma
        self._chroma: Optional[Index] = None
        self._lock = threading.Lock()
        self._copies: dict[str, Optional[copies.Copy]] = {}  # collection -> its copy, None: read Chroma

    def chroma(self) -> Index:
        with self._lock:
            if self._chroma is None:
                self._chroma = self._open_chroma()
            return self._chroma

    def __getattr__(self, name: str):  # publish, documents, client...: only Chroma does those
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.chroma(), name)

    def snapshot(self) -> Snapshot:
        pointer = copies.read_pointer(self.folder, versions.pointer_name(self.prefix))
        if pointer is None:
            return self.chroma().snapshot()
        return snapshot_of(pointer, self.embedder, self.location)

    problem = Index.problem  # the same health check, through this reader's snapshot

    def passages(self, snap: Optional[Snapshot] = None) -> list[Passage]:
        snap = snap or self.snapshot()
        copy = self._copy(snap)
        return list(copy.passages) if copy else self.chroma().passages(snap)

    def search(self, vector: np.ndarray, k: int, snap: Optional[Snapshot] = None) -> list[tuple[Passage, float]]:
        snap = snap or self.snapshot()
        copy = self._copy(snap)
        if copy is None:
            return self.chroma().search(vector, k, snap)
        return [(copy.passage_of_row[row], score) for row, score in copy.nearest(vector, k)]

    def nearest_ids(self, vector: np.ndarray, k: int, snap: Optional[Snapshot] = None) -> list[tuple[str, float]]:
        snap = snap or self.snapshot()
        copy = self._copy(snap)
        if copy is None:
            return self.chroma().nearest_ids(vector, k, snap)
        return [(copy.ids[row], score) for row, score in copy.nearest(vector, k)]

    def _copy(self, snap: Snapshot) -> Optional[copies.Copy]:
        with self._lock:
            if snap.collection in self._copies:
                return self._copies[snap.collection]
        copy = copies.load(self.folder, snap.collection, snap.count)  # outside the lock: may take a while
        with self._lock:
            while len(self._copies) >= KEPT:
                self._copies.pop(next(iter(self._copies)))
            self._copies[snap.collection] = copy
        return copy
