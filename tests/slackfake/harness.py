"""Fixtures: the real Assistant over a real index of corpus/, the fake Slack, and the real
Bolt app served over HTTP or connected over Socket Mode."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import pytest

from .socket_mode import FakeSocketModeServer
from .web_api import FakeSlackWebAPI

REPO = Path(__file__).resolve().parents[2]
SIGNING_SECRET = "test-signing-secret"


@pytest.fixture(scope="session")
def bot_assistant(tmp_path_factory):
    """One real index of the shipped corpus for every bot test (building it takes seconds)."""
    from answer.engine import Assistant
    from ingest.pipeline import run_ingest
    from opmodel.index import open_index
    from opmodel.settings import Settings

    settings = Settings(index_dir=tmp_path_factory.mktemp("bot-index"), corpus_dir=REPO / "corpus")
    index = open_index(settings)
    report = run_ingest(index, [], REPO / "corpus")
    assert report.passages > 0 and not report.failed
    return Assistant(index, settings)


@dataclass
class FakeSlack:
    api: FakeSlackWebAPI
    socket: FakeSocketModeServer


@pytest.fixture
def fake_slack():
    api = FakeSlackWebAPI().start()
    socket = FakeSocketModeServer().start()
    api.socket_url = socket.url
    yield FakeSlack(api, socket)
    socket.stop()
    api.stop()


def bot_settings(fake: FakeSlack, tmp_path: Path, **overrides):
    from opmodel.settings import Settings

    values = dict(
        index_dir=tmp_path / "unused-index",
        feedback_db=tmp_path / "feedback.sqlite3",
        slack_bot_token="xoxb-test-token",
        slack_app_token="xapp-test-token",
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake.api.api_url,
    )
    values.update(overrides)
    return Settings(**values)


@dataclass
class RunningBot:
    app: object
    settings: object
    url: Optional[str] = None  # HTTP mode: the Events API endpoint


def start_http_bot(assistant, settings, **build_kwargs):
    """The real app behind the real threading HTTP server on a free port; returns (bot, stop)."""
    from bot.app import build_app
    from bot.http import EVENTS_PATH, make_server

    app = build_app(assistant, settings, **build_kwargs)
    server = make_server(app, settings.slack_signing_secret, 0, "127.0.0.1")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop():
        server.shutdown()
        server.server_close()

    return RunningBot(app, settings, f"http://127.0.0.1:{server.server_port}{EVENTS_PATH}"), stop


@pytest.fixture
def http_bot(bot_assistant, fake_slack, tmp_path):
    bot, stop = start_http_bot(bot_assistant, bot_settings(fake_slack, tmp_path))
    yield bot
    stop()


@pytest.fixture
def socket_bot(bot_assistant, fake_slack, tmp_path):
    """The real app connected through Bolt's Socket Mode handler to the fake WebSocket server."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.app import build_app

    settings = bot_settings(fake_slack, tmp_path)
    app = build_app(bot_assistant, settings)
    handler = SocketModeHandler(app, settings.slack_app_token)
    handler.connect()
    fake_slack.socket.wait_connected()
    yield RunningBot(app, settings)
    handler.client.auto_reconnect_enabled = False
    fake_slack.socket.stop()  # closing from Slack's side first spares the client a 3 s read timeout
    _wait_until_session_closed(handler.client)
    handler.close()


def _wait_until_session_closed(client, timeout: float = 5.0) -> None:
    """slack_sdk's builtin Connection.disconnect checks ``sock is not None`` before taking its
    locks, so closing while the receive thread is still reacting to the server's close can hit
    ``None.close()``. Once the session is inactive, that thread has finished and close() is a no-op."""
    deadline = time.monotonic() + timeout
    session = client.current_session
    while session is not None and session.is_active() and time.monotonic() < deadline:
        time.sleep(0.02)


def answer_id_of(post) -> str:
    """The answer id a posted answer carries in its metadata (and nothing else of the question)."""
    payload = post.params["metadata"]["event_payload"]
    assert set(payload) == {"answer_id"}, f"metadata carries more than an answer id: {payload}"
    return payload["answer_id"]


def stored_question(bot: RunningBot, post) -> str:
    """The question the bot keeps on its side for a posted answer."""
    from bot.answers import AnswerStore

    answered = AnswerStore(bot.settings.feedback_db).recall(answer_id_of(post))
    assert answered is not None, "the answer's question was not stored"
    return answered.question


def wait_for_comment(db, feedback_id, timeout=5.0) -> None:
    """The comment is stored just after Slack's ack (bot.interactions); a refused one never is."""
    import time

    from bot.feedback import FeedbackStore

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(r.id == feedback_id and r.comment for r in FeedbackStore(db).rows()):
            return
        time.sleep(0.05)
