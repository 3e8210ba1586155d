"""One SQLite file shared by every bot process: feedback and the seen-events table.

A connection per operation keeps it safe across threads and processes; WAL lets readers
and one writer work at once, and the busy timeout absorbs short lock waits.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from opmodel.errors import ConfigError


@contextmanager
def connect(path: Path) -> Iterator[sqlite3.Connection]:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, timeout=10, isolation_level=None)
    except (OSError, sqlite3.Error) as exc:
        raise ConfigError(f"cannot open the bot database at {path}: {exc}") from exc
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        yield conn
    finally:
        conn.close()
