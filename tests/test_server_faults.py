"""A `chroma run` server that is stopped (SIGSTOP), not dead: questions fail within the query
timeout with a clear error, the Slack user gets a friendly apology, and /healthz says not
ready until the server runs again (a dedicated real server, stopped and continued by pid).
And ingests of one server index take turns through the lease beside its pointer."""

from __future__ import annotations

import os
import signal
import threading
import time
import urllib.error
import urllib.request

import pytest

from index_support import chroma_url, corpus_passages, embedder, prefix  # noqa: F401  (fixtures)
from reliability_support import HashedAsMiniLM
from slackfake import payloads
from slackfake.harness import SIGNING_SECRET, bot_settings, fake_slack  # noqa: F401  (fixture)
from opmodel.errors import IndexUnreachableError, IngestBusyError
from opmodel.index_lease import IngestLease
from opmodel.index import open_index
from opmodel.settings import Settings

pytestmark = pytest.mark.server

QUESTION = "Who pays for the practice phone system?"
TIMEOUT_S = 1.5


@pytest.fixture
def stoppable(tmp_path, embedder):
    """Our own server, so stopping it cannot disturb other tests; always continued and stopped."""
    from bench.local_chroma import LocalChroma

    server = LocalChroma(tmp_path / "chroma").start()
    settings = Settings(chroma_url=server.url, collection="hang", chroma_timeout=TIMEOUT_S,
                        index_dir=tmp_path / "unused-index")
    open_index(settings, embedder).publish(corpus_passages())
    try:
        yield server, settings
    finally:
        try:
            os.kill(server.pid, signal.SIGCONT)
        except (ProcessLookupError, TypeError):
            pass
        server.cleanup()


def assistant_on(settings, embedder):
    from answer.engine import Assistant

    return Assistant(open_index(settings, embedder, create=False), settings)


def test_a_stopped_server_fails_a_question_within_the_timeout_then_recovers(stoppable, embedder):
    server, settings = stoppable
    assistant = assistant_on(settings, embedder)
    assert assistant.ask(QUESTION).citations
    os.kill(server.pid, signal.SIGSTOP)
    started = time.monotonic()
    with pytest.raises(IndexUnreachableError, match=f"did not answer.*{server.url}|{server.url}.*did not answer"):
        assistant.ask(QUESTION)
    assert time.monotonic() - started < TIMEOUT_S * 3 + 2
    os.kill(server.pid, signal.SIGCONT)
    assert assistant.ask(QUESTION).citations


def healthz(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_the_bot_apologises_and_healthz_is_not_ready_while_the_server_is_stopped(stoppable, embedder, fake_slack, tmp_path):
    from bot.app import build_app
    from bot.http import EVENTS_PATH, make_server

    server, settings = stoppable
    assistant = assistant_on(settings, embedder)
    app = build_app(assistant, bot_settings(fake_slack, tmp_path, chroma_url=settings.chroma_url, collection="hang"))
    http = make_server(app, SIGNING_SECRET, 0, "127.0.0.1", ready=assistant.index.problem)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{http.server_port}"
    try:
        assert healthz(base + "/healthz") == (200, "ok")
        os.kill(server.pid, signal.SIGSTOP)
        started = time.monotonic()
        status, body = healthz(base + "/healthz")
        assert (status, body) == (503, "not ready: the index cannot be read")
        assert time.monotonic() - started < TIMEOUT_S + 3

        payloads.deliver(base + EVENTS_PATH, payloads.mention(QUESTION), SIGNING_SECRET)
        [post] = fake_slack.api.wait_for("chat.postMessage", timeout=30)
        text = post.params["text"]
        assert "Sorry" in text and "reference" in text
        assert "chroma" not in text.lower() and "OPMODEL" not in text and server.url not in text

        os.kill(server.pid, signal.SIGCONT)
        assert healthz(base + "/healthz") == (200, "ok")
    finally:
        http.shutdown()
        http.server_close()


def test_ingests_of_one_server_index_take_turns(chroma_url, prefix):
    settings = Settings(chroma_url=chroma_url, collection=prefix)
    first, second = (open_index(settings, HashedAsMiniLM()) for _ in range(2))
    with IngestLease(first, wait=0):
        with pytest.raises(IngestBusyError, match=rf"pid {os.getpid()}.*the Chroma server at {chroma_url}"):
            IngestLease(second, wait=1).acquire()
    with IngestLease(second, wait=0) as lease:  # released by the first, so free at once
        assert lease.holder.pid == os.getpid()
