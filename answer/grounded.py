"""A language model's plain-words answer over our quoted one, kept only where a quote bears it out.

Retrieval, the candidates and the decision to decline stay the core's: the model is asked only
after the core has answered, and only sees the question and the passages the answer cites,
numbered as the answer numbers them. It must return at most two sentences, each with the
passage number(s) and the exact words it rests on (structured output). Every span is looked
up verbatim in the passage it names (answer/spans.py); a span not found there, or found in
another passage, counts for nothing, and a sentence left with no verified span is dropped.

Whatever goes wrong (nothing verified, a timeout, an HTTP error, a rate limit, output that is
not the schema) the quoted answer is given alone and the reason is logged in one line: a model
is an optional extra, never a new way for an answer to fail.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from typing import Optional, Sequence

from pydantic import BaseModel, Field

from answer.spans import MIN_SPAN_WORDS, find_span
from answer.types import Answer, Citation, Summary, SummarySentence, VerifiedQuote
from opmodel.errors import ConfigError
from opmodel.patient_data import refuse_patient_data
from opmodel.settings import Settings

log = logging.getLogger("opmodel.llm")

MAX_SENTENCES = 2
RETRYABLE_STATUS = {429, 500, 502, 503, 504}
MAX_RETRY_WAIT = 2.0  # seconds; a longer Retry-After is not worth keeping a user waiting for

SYSTEM_PROMPT = f"""\
You answer questions about NHS England guidance on GP IT services, in plain words, using only \
the numbered passages you are given.
Reply with at most {MAX_SENTENCES} short sentences that answer the question directly.
For each sentence give its support: the number of a passage and the exact words copied from \
that passage (at least {MIN_SPAN_WORDS} consecutive words, character for character, no \
ellipsis) that the sentence rests on.
Say nothing that the copied words do not support. If the passages do not answer the \
question, reply with no sentences."""


class Support(BaseModel):
    passage: int = Field(description="The number of the passage the words are copied from.")
    words: str = Field(description="Words copied exactly from that passage.")


class Sentence(BaseModel):
    text: str = Field(description="One short sentence of the answer, in plain words.")
    support: list[Support] = Field(description="Where the sentence's facts are written in the passages.")


class Reply(BaseModel):
    """A short answer to the question, every sentence tied to words copied from a passage."""

    sentences: list[Sentence]


@dataclass(frozen=True)
class Outcome:
    """What one model call gave: a summary, or why the quoted answer stands alone."""

    summary: Optional[Summary]
    fallback: Optional[str]  # None when a summary was kept
    spans_offered: int = 0
    spans_verified: int = 0
    elapsed_ms: float = 0.0
    called: bool = False  # False: the model was never asked (declined, endpoint refused)


_MARKERS = re.compile(r"\s*\[\d+(?:\s*[,;–-]\s*\d+)*\]")
_SENTENCE_BREAK = re.compile(r"[.!?]\s+(?=[A-Z])")


def _where(c: Citation) -> str:
    p = c.passage
    bits = [p.title, p.published or "undated", p.status] + ([p.section] if p.section else [])
    return "; ".join(bits)


def prompt(answer: Answer, history: Sequence[str] = ()) -> list[tuple[str, str]]:
    earlier = [h.strip() for h in history if isinstance(h, str) and h.strip()]
    lines = [f"Question: {answer.question}"]
    if earlier:
        lines.append("Earlier questions in this conversation: " + " | ".join(earlier))
    lines.append("\nPassages:")
    lines += [f"[{c.n}] ({_where(c)})\n{c.passage.text}\n" for c in answer.citations]
    return [("system", SYSTEM_PROMPT), ("human", "\n".join(lines))]


def verify(reply: Reply, citations: Sequence[Citation], model: str) -> tuple[Optional[Summary], int, int]:
    """The sentences a verified span bears out, with how many spans were offered and verified."""
    by_n = {c.n: c for c in citations}
    kept: list[SummarySentence] = []
    offered = verified = 0
    for sentence in reply.sentences[:MAX_SENTENCES]:
        quotes: list[VerifiedQuote] = []
        for support in sentence.support:
            offered += 1
            cited = by_n.get(support.passage)
            found = find_span(support.words, cited.passage.text) if cited else None
            if found:
                verified += 1
                quote = VerifiedQuote(support.passage, found)
                if quote not in quotes:
                    quotes.append(quote)
        text = _MARKERS.sub("", sentence.text).strip()
        # One entry holding several sentences would carry claims beyond the one its span checks.
        if quotes and text and not _SENTENCE_BREAK.search(text):
            kept.append(SummarySentence(text, tuple(quotes)))
    return (Summary(model, tuple(kept)) if kept else None), offered, verified


def _status(exc: BaseException) -> Optional[int]:
    status = getattr(exc, "status_code", None) or getattr(getattr(exc, "response", None), "status_code", None)
    return status if isinstance(status, int) and status >= 400 else None  # a parse error may carry the 200


def _kind_of(exc: BaseException, builtin: type, word: str) -> bool:
    """Each provider's client has its own exception classes (openai.APITimeoutError,
    httpx.ConnectTimeout, ...); they share a builtin base or a word in their names."""
    return isinstance(exc, builtin) or any(word in cls.__name__ for cls in type(exc).__mro__)


def _retry_wait(exc: BaseException) -> float:
    headers = getattr(getattr(exc, "response", None), "headers", None) or {}
    try:
        return min(MAX_RETRY_WAIT, max(0.0, float(headers.get("retry-after", 0.5))))
    except (TypeError, ValueError):
        return 0.5


def describe_failure(exc: BaseException, timeout: float) -> str:
    """One line for the log: what went wrong, never the traceback."""
    if _kind_of(exc, TimeoutError, "Timeout"):
        return f"no reply within {timeout:g} s"
    status = _status(exc)
    if status == 429:
        return "rate-limited (HTTP 429)"
    if status is not None:
        return f"the endpoint answered HTTP {status}"
    if _kind_of(exc, ConnectionError, "Connection"):
        return "the endpoint could not be reached"
    return f"malformed output ({type(exc).__name__})"


class Summariser:
    """The configured model behind one method: ``summarise(answer) -> Outcome``."""

    def __init__(self, settings: Settings, model=None):
        from answer.chat_model import build_chat_model

        self.settings = settings
        self.model_name = settings.llm or "a chat model"
        chat = model if model is not None else build_chat_model(settings)
        self._structured = chat.with_structured_output(Reply)

    def _invoke(self, messages, started: float):
        try:
            return self._structured.invoke(messages)
        except Exception as exc:
            wait = _retry_wait(exc)
            elapsed = time.perf_counter() - started
            if _status(exc) not in RETRYABLE_STATUS or elapsed + wait >= self.settings.llm_timeout:
                raise
            time.sleep(wait)  # once: a busy gateway often answers the second time
            return self._structured.invoke(messages)

    def summarise(self, answer: Answer, history: Sequence[str] = ()) -> Outcome:
        # Before anything else: a question holding an NHS number is never sent.
        refuse_patient_data(answer.question, *history)
        if answer.abstained or not answer.citations:
            return Outcome(None, "the core declined, so the model was not asked")
        from answer.chat_model import check_endpoint

        try:
            check_endpoint(self.settings)  # again at each call: a name may resolve elsewhere now
        except ConfigError as exc:
            return self._fell_back(str(exc), called=False)
        started = time.perf_counter()
        try:
            reply = self._invoke(prompt(answer, history), started)
        except Exception as exc:  # the vendor's failure, whatever its type, is only a reason to log
            return self._fell_back(describe_failure(exc, self.settings.llm_timeout), started=started)
        if not isinstance(reply, Reply):
            return self._fell_back(f"malformed output (got {type(reply).__name__})", started=started)
        summary, offered, verified = verify(reply, answer.citations, self.model_name)
        elapsed = (time.perf_counter() - started) * 1000
        if summary is None:
            why = "no sentence had a verified quote" if reply.sentences else "the model gave no sentence"
            return self._fell_back(f"{why} ({verified} of {offered} spans verified)", offered, verified, started)
        return Outcome(summary, None, offered, verified, elapsed, called=True)

    def _fell_back(self, reason: str, offered: int = 0, verified: int = 0, started: Optional[float] = None,
                   called: bool = True) -> Outcome:
        log.warning("%s: %s; the quoted answer is given alone", self.model_name, reason)
        elapsed = (time.perf_counter() - started) * 1000 if started is not None else 0.0
        return Outcome(None, reason, offered, verified, elapsed, called=called and started is not None)
