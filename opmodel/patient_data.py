"""Patient identifiers in free text: the one guard every way in shares.

The terminal (``opmodel ask`` / ``chat``), every Slack surface and any future model call ask
this module before a question is answered, stored, logged or sent anywhere. Today it knows
one identifier, the NHS number: ten digits whose last is a Modulus 11 check digit over the
first nine (weights 10..2).

People write NHS numbers every way a keyboard, a phone or a copy from a clinical system
allows: "943 476 5919", "943-476-5919", "(943) 476 5919", "943–476–5919" (en dash),
"943\u2060476\u20605919" (word joiners), full-width digits, a tel: link, "943%20476%205919" in a
URL. So the text is *folded* before the check: every digit of any script becomes its ASCII
digit, and every run of characters that is neither a letter nor a digit (dashes, hyphens,
minus signs, spaces of every width, zero-width and joiner characters, soft hyphens,
underscores, commas, colons, brackets, quotes, combining marks...) becomes one space. Letters
still separate numbers, so "page 12 of 34" stays two numbers. A folded run of ten digits that
is not part of a longer number and passes Modulus 11 is an NHS number.

The fold errs towards catching: about one ten-digit number in eleven passes Modulus 11 by
chance, so a question full of long numbers is sometimes refused. That is the right way round
for patient data; refusing costs a rephrase, a leak cannot be undone.
"""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import unquote_plus

from opmodel.errors import OpmodelError

NHS_NUMBER_LENGTH = 10

# Ten digits each followed by at most one (folded) separator, not touching another digit.
# A lookahead so every start is tried: "0123 456 7890 943 476 5919" finds the second.
_TEN_DIGITS = re.compile(r"(?<!\d)(?=((?:\d ?){9}\d)(?!\d))")
# Slack user, channel and group mentions (<@U123|name>, <#C123>, <!subteam^S1>): their ids
# are Slack's, not the user's, so only a label they carry is read.
_SLACK_REFERENCE = re.compile(r"<[@#!][^|>]*(\|[^>]*)?>")


class PatientDataError(OpmodelError):
    """The text looks like it holds patient-identifiable data. Deliberately not a
    ``QuestionError``: handlers that echo an unusable question back must never see it,
    and its message never contains the text."""

    def __init__(self, message: str = "that question looks like it contains an NHS number, so it was not "
                                      "answered or stored. Please remove any patient details and ask again"):
        super().__init__(message)


def is_valid_nhs_number(digits: str) -> bool:
    """True for ten ASCII digits whose last is the Modulus 11 check digit of the first nine."""
    if len(digits) != NHS_NUMBER_LENGTH or not digits.isascii() or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1)))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def fold(text: str) -> str:
    """Digits as ASCII, letters kept, every run of anything else as one space."""
    out: list[str] = []
    for char in unicodedata.normalize("NFKC", text):
        digit = unicodedata.decimal(char, None)
        if digit is not None:
            out.append(str(digit))
        elif unicodedata.category(char)[0] in "LN":
            out.append(char)
        elif not out or out[-1] != " ":
            out.append(" ")
    return "".join(out)


def readings(text: str) -> list[str]:
    """The ways a reader (or a browser following a link) may see ``text``: as written, with
    HTML/Slack entities decoded (``&#57;``), and with URL escapes decoded (``%2D``, ``+``)."""
    unescaped = html.unescape(text)
    views = [text, unescaped, unquote_plus(unescaped), unquote_plus(unquote_plus(unescaped))]
    return list(dict.fromkeys(views))  # same order, no repeats


def contains_nhs_number(text: str) -> bool:
    """True when any reading of ``text`` holds ten digits passing the Modulus 11 check.

    Slack's markup is read whole: a link ``<https://x/943-476-5919|label>`` is checked in its
    target and its label, since either can carry the number."""
    if not text:
        return False
    text = _SLACK_REFERENCE.sub(lambda m: " " + (m.group(1) or "")[1:] + " ", text)
    for reading in readings(text):
        folded = fold(reading)
        for match in _TEN_DIGITS.finditer(folded):
            if is_valid_nhs_number(match.group(1).replace(" ", "")):
                return True
    return False


def refuse_patient_data(*texts: str) -> None:
    """Raise ``PatientDataError`` when any of ``texts`` holds an NHS number; call it before
    the text is answered, stored, logged or sent (to a model, a file, Slack)."""
    if any(contains_nhs_number(t) for t in texts if t):
        raise PatientDataError()
