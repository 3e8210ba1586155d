"""Helpful / Not helpful clicks, kept in SQLite for whoever improves the answers.

A row holds the question, the answer, the cited passage ids, the channel and when; the
user is stored only as a keyed hash of their Slack id (``bot.pseudonyms``), so clicks by one
person can be grouped without the file naming anyone, and the key is not in the file.
Databases from before kept an unkeyed salt in ``meta``; it is deleted on open, so their
older hashes can no longer be linked to anyone either.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional, Sequence

from bot.pseudonyms import UserPseudonyms
from bot.sqlite import STORE_ERRORS, connect, report_store_failure

RATINGS = ("helpful", "not_helpful")

SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    rating TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    cited_ids TEXT NOT NULL,
    channel TEXT,
    user_hash TEXT NOT NULL,
    comment TEXT
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass(frozen=True)
class FeedbackRow:
    id: int
    created_at: str
    rating: str
    question: str
    answer: str
    cited_ids: list[str]
    channel: Optional[str]
    user_hash: str
    comment: Optional[str]


class FeedbackStore:
    def __init__(self, path: Path, key: Optional[str] = None):
        """``key`` is the ``user_hash_key`` setting; without it the key file beside ``path`` is used."""
        self.path = Path(path)
        self._pseudonyms = UserPseudonyms.for_database(self.path, key)
        try:
            with connect(self.path) as conn:
                conn.executescript(SCHEMA)
                conn.execute("DELETE FROM meta WHERE key = 'user_salt'")  # the old salt sat beside the hashes
        except STORE_ERRORS as exc:
            # Answering does not need this store; a click then gets an apology with a reference.
            report_store_failure("feedback", self.path, exc)

    def user_hash(self, user_id: str) -> str:
        return self._pseudonyms.of(user_id)

    def record(
        self,
        *,
        rating: str,
        question: str,
        answer: str,
        cited_ids: Sequence[str],
        channel: Optional[str],
        user_id: str,
    ) -> int:
        if rating not in RATINGS:
            raise ValueError(f"rating must be one of {RATINGS}, got {rating!r}")
        with connect(self.path) as conn:
            conn.executescript(SCHEMA)  # recreates the tables after a failed start
            cursor = conn.execute(
                "INSERT INTO feedback (created_at, rating, question, answer, cited_ids, channel, user_hash)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    rating,
                    question,
                    answer,
                    json.dumps(list(cited_ids)),
                    channel,
                    self.user_hash(user_id),
                ),
            )
            return int(cursor.lastrowid)

    def add_comment(self, feedback_id: int, comment: str) -> None:
        with connect(self.path) as conn:
            conn.execute("UPDATE feedback SET comment = ? WHERE id = ?", (comment, feedback_id))

    def rows(self) -> list[FeedbackRow]:
        with connect(self.path) as conn:
            records = conn.execute(
                "SELECT id, created_at, rating, question, answer, cited_ids, channel, user_hash, comment"
                " FROM feedback ORDER BY id"
            ).fetchall()
        return [FeedbackRow(*r[:5], json.loads(r[5]), *r[6:]) for r in records]
