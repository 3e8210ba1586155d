"""Keep something derived from the index's passages (the BM25 side) in step with the index.

Another process may publish a new version at any time (a scheduled ingest while bots
answer). ``snapshot().collection`` names the active version and changes exactly when one is
published; checking it costs one small read, so doing it per question is cheap.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Callable, Generic, Optional, TypeVar

if TYPE_CHECKING:
    from opmodel.index import Index, Snapshot
    from opmodel.passage import Passage

T = TypeVar("T")


class VersionCache(Generic[T]):
    """Something derived from the passages (a BM25 index), rebuilt when the version changes.

    ``get()`` costs one ``snapshot()``; it rebuilds only when another process (or this one)
    has published since the last call. Thread-safe: concurrent callers share one rebuild.
    """

    def __init__(self, index: "Index", build: Callable[["Snapshot", list["Passage"]], T]):
        self.index = index
        self._build = build
        self._lock = threading.Lock()
        self._current: Optional[tuple["Snapshot", T]] = None

    def get(self) -> tuple["Snapshot", T]:
        snap = self.index.snapshot()
        current = self._current
        if current is not None and current[0].collection == snap.collection:
            return current
        with self._lock:
            current = self._current
            if current is None or current[0].collection != snap.collection:
                current = (snap, self._build(snap, self.index.passages(snap)))
                self._current = current
            return current
