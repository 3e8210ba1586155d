"""One SQLite file shared by every bot process: feedback, answers and the seen-events table.

A connection per operation keeps it safe across threads and processes; WAL lets readers
and one writer work at once, and the busy timeout absorbs short lock waits.

The file is a convenience, never a reason to stop answering: a full disk, a read-only
mount or a locked file makes a store fall back to memory for that operation
(``STORE_ERRORS``), and ``report_store_failure`` tells the operator, at most once a minute
per store and file so a full disk does not also flood the log.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from opmodel.errors import ConfigError

log = logging.getLogger(__name__)

# What a store's SQLite call can raise when the file cannot be written or read.
STORE_ERRORS = (sqlite3.Error, OSError, ConfigError)
REPORT_EVERY_SECONDS = 60.0

_last_report: dict[tuple[str, str], float] = {}
_report_lock = threading.Lock()


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


def report_store_failure(store: str, path: Path, exc: BaseException) -> None:
    """Log (as an error, without a question in it) that ``store`` is working from memory."""
    now = time.monotonic()
    with _report_lock:
        key = (store, str(path))
        if now - _last_report.get(key, -REPORT_EVERY_SECONDS) < REPORT_EVERY_SECONDS:
            return
        _last_report[key] = now
    log.error("the %s store at %s cannot be used (%s: %s); keeping it in memory until it can, "
              "so it is lost on restart and not shared with other bot processes",
              store, path, exc.__class__.__name__, exc)
