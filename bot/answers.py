"""What each posted answer's buttons and metadata point at, kept on our side.

A Slack message's button values and metadata are readable by anyone who can see the
message (and by every app with the history scopes), and survive its deletion in exports.
So an answer carries only a random answer id; the question and the cited passage ids stay
here, in the bot's SQLite file, for the share and feedback buttons and for follow-ups in a
thread that starts at one of our answers. Only questions that passed the patient-data guard
ever get here. They are forgotten after ``RETENTION_DAYS``; a click on an older answer asks
the user to ask again.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

from bot.sqlite import STORE_ERRORS, connect, report_store_failure

RETENTION_DAYS = 30
MEMORY_LIMIT = 10_000  # answers kept in memory while the file is unusable

SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    id TEXT PRIMARY KEY,
    created_at REAL NOT NULL,
    question TEXT NOT NULL,
    cited_ids TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS answers_age ON answers (created_at);
"""


@dataclass(frozen=True)
class AnsweredQuestion:
    question: str
    cited_ids: list[str]


class AnswerStore:
    def __init__(self, path: Path, retention_days: float = RETENTION_DAYS):
        self.path = Path(path)
        self.retention_seconds = retention_days * 86400
        self._memory: OrderedDict[str, tuple[float, AnsweredQuestion]] = OrderedDict()
        self._lock = threading.Lock()
        try:
            with connect(self.path) as conn:
                conn.executescript(SCHEMA)
        except STORE_ERRORS as exc:
            report_store_failure("answers", self.path, exc)

    def remember(self, question: str, cited_ids: Sequence[str]) -> str:
        """A new answer id for ``question`` (which must already have passed the guard)."""
        answer_id = secrets.token_urlsafe(12)
        now = time.time()
        try:
            with connect(self.path) as conn:
                conn.executescript(SCHEMA)  # cheap, and recreates the table after a failed start
                conn.execute("DELETE FROM answers WHERE created_at < ?", (now - self.retention_seconds,))
                conn.execute("INSERT INTO answers VALUES (?, ?, ?, ?)",
                             (answer_id, now, question, json.dumps(list(cited_ids))))
        except STORE_ERRORS as exc:
            report_store_failure("answers", self.path, exc)
            with self._lock:
                self._memory[answer_id] = (now, AnsweredQuestion(question, list(cited_ids)))
                while len(self._memory) > MEMORY_LIMIT:
                    self._memory.popitem(last=False)
        return answer_id

    def recall(self, answer_id: str) -> Optional[AnsweredQuestion]:
        """The question behind ``answer_id``, or None once forgotten (or never ours)."""
        if not isinstance(answer_id, str) or not answer_id:
            return None
        oldest = time.time() - self.retention_seconds
        with self._lock:
            kept = self._memory.get(answer_id)
        if kept and kept[0] >= oldest:
            return kept[1]
        try:
            with connect(self.path) as conn:
                row = conn.execute("SELECT question, cited_ids FROM answers WHERE id = ? AND created_at >= ?",
                                   (answer_id, oldest)).fetchone()
        except STORE_ERRORS as exc:
            report_store_failure("answers", self.path, exc)
            return None
        return AnsweredQuestion(row[0], json.loads(row[1])) if row else None
