"""From a question typed in Slack to a reply posted back, the same for every surface.

Order matters: the patient-data guard runs before anything reads, stores or logs the
question (on the plain question and on the text as Slack sent it, link targets included);
the rate limit before any work; the answering core last. An answer is posted with only an
answer id in its buttons and metadata; the question is kept in ``bot.answers``. Whatever goes wrong,
the user gets a short message (an apology with a reference id for our faults) and the log
gets the details: no stack trace ever reaches Slack. The one exception: when posting the
answer failed in a way that may still have posted it, there is no apology to contradict it.

``drain`` lets a stopping bot finish the answers it has taken.

The work runs on the responder's own thread pool, so Bolt's listener threads (which send
acks for slash commands and buttons) never wait behind answering.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Callable, Optional, Sequence

from answer.types import Answer
from bot import replies
from bot.answers import AnswerStore
from bot.blocks import Message, render_answer
from bot.delivery import delivery_uncertain
from bot.guard import Verdict, check_question, fingerprint
from bot.history import answer_metadata
from bot.ratelimit import RateLimiter
from opmodel.errors import QuestionError

log = logging.getLogger(__name__)

# post(message, metadata): metadata is None for anything that is not an answer.
Post = Callable[[Message, Optional[dict]], None]
# render(answer, answer_id): the message whose buttons carry ``answer_id``.
Render = Callable[[Answer, str], Message]


def _render(answer: Answer, answer_id: str) -> Message:
    return render_answer(answer, answer_id=answer_id)


class Responder:
    def __init__(self, assistant, limiter: RateLimiter, answers: AnswerStore, workers: int = 8):
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        self.assistant = assistant
        self.limiter = limiter
        self.answers = answers
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="opmodel-answer")
        self._in_flight: set[Future] = set()
        self._lock = threading.Lock()

    def submit(self, *args, **kwargs) -> Future:
        future = self._pool.submit(self.respond, *args, **kwargs)
        with self._lock:
            self._in_flight.add(future)
        future.add_done_callback(self._finished)
        return future

    def _finished(self, future: Future) -> None:
        with self._lock:
            self._in_flight.discard(future)

    def drain(self, timeout: float) -> int:
        """Finish the questions already taken, for at most ``timeout`` seconds (a SIGTERM: the
        caller has stopped taking new ones). Returns how many were left unfinished."""
        with self._lock:
            pending = set(self._in_flight)
        _, unfinished = wait(pending, timeout=timeout)
        self._pool.shutdown(wait=False, cancel_futures=True)
        return len(unfinished)

    def respond(
        self,
        question: str,
        *,
        user: str,
        post: Post,
        as_sent: str = "",
        history: Callable[[], Sequence[str]] = tuple,
        on_start: Optional[Callable[[], None]] = None,
        render: Render = _render,
        empty_reply: Optional[Message] = None,
    ) -> None:
        """Answer ``question`` (the plain text) through ``post``. ``as_sent`` is the text as
        Slack delivered it, read by the patient-data guard only."""
        try:
            reply = self._guard(question, as_sent, user, empty_reply)
            if reply is not None:
                post(reply, None)
                return
            started = time.perf_counter()
            if on_start:
                on_start()
            answer = self.assistant.ask(question, list(history()))
            answer_id = self.answers.remember(question, [c.passage.id for c in answer.citations])
            message = render(answer, answer_id)
        except QuestionError as exc:
            _post_quietly(post, replies.unusable_question(str(exc)))
            return
        except Exception:
            reference = secrets.token_hex(4)
            # The traceback goes to the log only; the question only as a fingerprint.
            log.exception("failed to answer %s (reference %s)", fingerprint(question), reference)
            _post_quietly(post, replies.apology(reference))
            return
        self._deliver(post, message, answer_metadata(answer_id), question, answer, started)

    def _deliver(self, post: Post, message: Message, metadata: dict, question: str, answer: Answer,
                 started: float) -> None:
        try:
            post(message, metadata)
        except Exception as exc:
            reference = secrets.token_hex(4)
            if delivery_uncertain(exc):
                # Slack may have posted it (a timeout, a 5xx after retries): an apology now could
                # sit under the answer and contradict it, so only the operator hears of it.
                log.error("posting the answer to %s may have failed (%s, reference %s); no apology sent",
                          fingerprint(question), exc.__class__.__name__, reference)
                return
            log.exception("Slack refused the answer to %s (reference %s)", fingerprint(question), reference)
            _post_quietly(post, replies.apology(reference))
            return
        log.info(
            "answered %s abstained=%s citations=%d in %.0f ms",
            fingerprint(question), answer.abstained, len(answer.citations), (time.perf_counter() - started) * 1000,
        )

    def _guard(self, question: str, as_sent: str, user: str, empty_reply: Optional[Message]) -> Optional[Message]:
        verdict = check_question(question, as_sent)
        if verdict is Verdict.PATIENT_DATA:
            log.info("refused a question that looks like it contains an NHS number (not stored)")
            return replies.patient_data()
        if verdict is Verdict.EMPTY:
            return empty_reply or replies.help_message()
        if verdict is Verdict.TOO_LONG:
            log.info("refused an over-long question (%d characters)", len(question))
            return replies.too_long(len(question))
        wait = self.limiter.try_acquire(user)
        if wait > 0:
            log.info("rate limited a user for %.0f s", wait)
            return replies.rate_limited(wait)
        return None


def _post_quietly(post: Post, message: Message) -> None:
    try:
        post(message, None)
    except Exception:
        log.exception("could not tell the user about a failure")
