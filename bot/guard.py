"""What the bot refuses to read: patient identifiers, oversized and empty questions.

The patient-data check itself lives in the core (``opmodel.patient_data``) so the terminal,
the bot and any model call share one guard. A question carrying an NHS number is neither
answered, stored nor logged; the bot asks for it to be deleted. Logs only ever see a
question's length and a short hash (``fingerprint``).
"""

from __future__ import annotations

import enum
import hashlib

from opmodel.patient_data import contains_nhs_number
from opmodel.settings import MAX_QUESTION_CHARS


class Verdict(enum.Enum):
    OK = "ok"
    EMPTY = "empty"
    TOO_LONG = "too_long"
    PATIENT_DATA = "patient_data"


def check_question(text: str, *as_sent: str) -> Verdict:
    """``text`` is the plain question; ``as_sent`` is what Slack delivered (links with their
    targets, entities escaped), which the patient-data check reads as well."""
    # Patient data first: an oversized question with an NHS number must still be deleted.
    if any(contains_nhs_number(t) for t in (text, *as_sent)):
        return Verdict.PATIENT_DATA
    if not text.strip():
        return Verdict.EMPTY
    if len(text) > MAX_QUESTION_CHARS:
        return Verdict.TOO_LONG
    return Verdict.OK


def fingerprint(text: str) -> str:
    """What a log line may say about a question: its length and a short, unsalted hash
    (enough to correlate log lines about one question, not to read it)."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]
    return f"len={len(text)} sha={digest}"
