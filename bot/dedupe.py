"""Each Slack event is answered once, however often it is delivered.

Slack re-sends an event when our ack is late (``X-Slack-Retry-Num``), may deliver one
message both as ``app_mention`` and ``message``, and several bot processes may share the
load. So "seen" is recorded in the shared SQLite file, keyed by ``event_id`` and by the
message's channel and ts; the first process to insert a key owns the event. Keys older
than the TTL are forgotten (Slack stops retrying after about an hour).

When the file cannot be written (a full disk, a read-only mount) the keys are kept in this
process's memory instead and the operator is told: answering goes on, and only the
cross-process part of the guarantee is lost until the file works again.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Iterable

from bot.sqlite import STORE_ERRORS, connect, report_store_failure

SCHEMA = """
CREATE TABLE IF NOT EXISTS seen_events (key TEXT PRIMARY KEY, seen_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS seen_events_age ON seen_events (seen_at);
"""


def event_keys(body: dict) -> list[str]:
    """The identities of an Events API delivery; empty for anything else."""
    if body.get("type") != "event_callback":
        return []
    keys = [f"event:{body['event_id']}"] if body.get("event_id") else []
    event = body.get("event") or {}
    if event.get("type") in ("app_mention", "message") and event.get("channel") and event.get("ts"):
        keys.append(f"message:{event['channel']}:{event['ts']}")
    return keys


class SeenEvents:
    def __init__(self, path: Path, ttl_seconds: float = 3600.0):
        if ttl_seconds <= 0:
            raise ValueError(f"ttl_seconds must be positive, got {ttl_seconds}")
        self.path = Path(path)
        self.ttl_seconds = ttl_seconds
        self._memory: dict[str, float] = {}  # only while the file is unusable
        self._lock = threading.Lock()
        try:
            with connect(self.path) as conn:
                conn.executescript(SCHEMA)
        except STORE_ERRORS as exc:
            report_store_failure("seen-events", self.path, exc)

    def first_time(self, keys: Iterable[str]) -> bool:
        """Record the keys; True unless any of them was already recorded."""
        keys = list(keys)
        if not keys:
            return True
        now = time.time()
        with self._lock:
            if any(self._memory.get(k, float("-inf")) >= now - self.ttl_seconds for k in keys):
                self._remember(keys, now)
                return False
        try:
            return self._first_time_in_file(keys, now)
        except STORE_ERRORS as exc:
            report_store_failure("seen-events", self.path, exc)
            with self._lock:
                fresh = not any(self._memory.get(k, float("-inf")) >= now - self.ttl_seconds for k in keys)
                self._remember(keys, now)
            return fresh

    def _remember(self, keys: list[str], now: float) -> None:
        self._memory = {k: t for k, t in self._memory.items() if t >= now - self.ttl_seconds}
        self._memory.update((k, now) for k in keys)

    def _first_time_in_file(self, keys: list[str], now: float) -> bool:
        with connect(self.path) as conn:
            conn.executescript(SCHEMA)  # recreates the table after a failed start
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.execute("DELETE FROM seen_events WHERE seen_at < ?", (now - self.ttl_seconds,))
                fresh = sum(
                    conn.execute("INSERT OR IGNORE INTO seen_events VALUES (?, ?)", (k, now)).rowcount for k in keys
                )
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return fresh == len(keys)
