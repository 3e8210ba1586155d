"""Helpful / Not helpful clicks, kept in SQLite for whoever improves the answers.

A row holds the question, the answer, the cited passage ids, the channel and when; the
user is stored only as a salted SHA-256 of their Slack id, so clicks by one person can be
grouped without the file naming anyone. The salt is made once per database and never leaves it.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional, Sequence

from bot.sqlite import connect

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
    def __init__(self, path: Path):
        self.path = Path(path)
        with connect(self.path) as conn:
            conn.executescript(SCHEMA)
            conn.execute("INSERT OR IGNORE INTO meta VALUES ('user_salt', ?)", (secrets.token_hex(16),))
            self._salt = conn.execute("SELECT value FROM meta WHERE key = 'user_salt'").fetchone()[0]

    def user_hash(self, user_id: str) -> str:
        return hashlib.sha256(f"{self._salt}:{user_id}".encode("utf-8")).hexdigest()

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
