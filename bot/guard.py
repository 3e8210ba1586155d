"""What the bot refuses to read: patient identifiers, oversized and empty questions.

An NHS number is ten digits whose last is a Modulus 11 check digit over the first nine
(weights 10..2). Slack users type them grouped ("943 476 5919", "943-476-5919") or plain.
A question carrying one is neither answered, stored nor logged; the bot asks for it to be
deleted. Logs only ever see a question's length and a short hash (``fingerprint``).
"""

from __future__ import annotations

import enum
import hashlib
import re

from opmodel.settings import MAX_QUESTION_CHARS

# Ten digits, however grouped by spaces, hyphens, dots or slashes ("943 476 5919",
# "943-476-5919", "9434765919"), and not part of a longer number.
_SEPARATOR = r"[\s\-./]{0,3}"
# A lookahead so overlapping runs are all tried ("0123 456 7890 943 476 5919").
_TEN_DIGITS = re.compile(rf"(?<!\d)(?=((?:\d{_SEPARATOR}){{9}}\d)(?!\d))")


class Verdict(enum.Enum):
    OK = "ok"
    EMPTY = "empty"
    TOO_LONG = "too_long"
    PATIENT_DATA = "patient_data"


def is_valid_nhs_number(digits: str) -> bool:
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1)))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def contains_nhs_number(text: str) -> bool:
    """True when any run of ten digits passes the Modulus 11 check."""
    return any(is_valid_nhs_number(re.sub(r"\D", "", m.group(1))) for m in _TEN_DIGITS.finditer(text))


def check_question(text: str) -> Verdict:
    # Patient data first: an oversized question with an NHS number must still be deleted.
    if contains_nhs_number(text):
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
