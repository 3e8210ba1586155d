"""Helpful / Not helpful clicks, kept in SQLite for whoever improves the answers.

A row holds the question, the answer, the cited passage ids, the channel and when; the
user is stored only as a keyed hash of their Slack id (``bot.pseudonyms``), so clicks by one
person can be grouped without the file naming anyone, and the key is not in the file.
Databases from before kept an unkeyed salt in ``meta``; it is deleted on open, so their
older hashes can no longer be linked to anyone either.

Nothing holding an NHS number is written: the bot refuses such questions and comments before
they reach here, and the store refuses them again (``PatientDataError``) in case a caller forgot.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional, Sequence

from bot.pseudonyms import UserPseudonyms
from bot.sqlite import STORE_ERRORS, connect, report_store_failure
from opmodel.patient_data import refuse_patient_data

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
        refuse_patient_data(question)  # the answer is quoted from the corpus, not typed by a user
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
        refuse_patient_data(comment)
        with connect(self.path) as conn:
            conn.execute("UPDATE feedback SET comment = ? WHERE id = ?", (comment, feedback_id))

    def rows(self, **filters) -> list[FeedbackRow]:
        return read_feedback(self.path, **filters)


def read_feedback(path: Path, *, since: Optional[str] = None, before: Optional[str] = None,
                  rating: Optional[str] = None, newest_first: bool = False) -> list[FeedbackRow]:
    """The feedback recorded in ``path``, optionally from ``since`` and before ``before`` (ISO
    dates or times, compared with the UTC ``created_at``) and of one ``rating``. Reading needs
    no user-hash key, so an operator can list feedback without it."""
    if rating is not None and rating not in RATINGS:
        raise ValueError(f"rating must be one of {RATINGS}, got {rating!r}")
    where, args = [], []
    for clause, value in (("created_at >= ?", since), ("created_at < ?", before), ("rating = ?", rating)):
        if value is not None:
            where.append(clause)
            args.append(value)
    query = ("SELECT id, created_at, rating, question, answer, cited_ids, channel, user_hash, comment FROM feedback"
             + (" WHERE " + " AND ".join(where) if where else "")
             + (" ORDER BY created_at DESC, id DESC" if newest_first else " ORDER BY id"))
    with connect(Path(path)) as conn:
        conn.executescript(SCHEMA)  # a bot database that never had feedback has no rows, not no table
        records = conn.execute(query, args).fetchall()
    return [FeedbackRow(*r[:5], json.loads(r[5]), *r[6:]) for r in records]
