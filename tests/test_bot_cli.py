"""`opmodel slack`: clear one-line errors for missing tokens, and both modes run for real as
a separate process against the fake Slack."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from opmodel.cli import main
from slackfake import payloads
from slackfake.harness import SIGNING_SECRET, bot_assistant, fake_slack  # noqa: F401 (fixtures)

SLACK_VARIABLES = ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_API_URL")


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for name in SLACK_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env
    return monkeypatch


@pytest.mark.parametrize(
    "argv,env,named",
    [
        (["slack"], {}, "SLACK_BOT_TOKEN"),
        (["slack"], {"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_APP_TOKEN"),
        (["slack"], {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xoxb-2"}, "SLACK_APP_TOKEN"),
        (["slack"], {"SLACK_BOT_TOKEN": "xapp-1"}, "SLACK_BOT_TOKEN"),
        (["slack", "--http"], {"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
    ],
)
def test_missing_or_swapped_tokens_name_the_variable_to_set(clean_env, capsys, argv, env, named):
    for name, value in env.items():
        clean_env.setenv(name, value)
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and named in err and "Traceback" not in err


def test_help_teaches_both_modes(capsys):
    with pytest.raises(SystemExit):
        main(["slack", "--help"])
    out = capsys.readouterr().out
    for needle in ("Socket Mode", "--http", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "/slack/events"):
        assert needle in out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_bot(args, fake, index_dir: Path, tmp_path: Path) -> subprocess.Popen:
    env = {**os.environ, "SLACK_BOT_TOKEN": "xoxb-cli", "SLACK_APP_TOKEN": "xapp-cli",
           "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": fake.api.api_url,
           "OPMODEL_INDEX": str(index_dir), "OPMODEL_FEEDBACK_DB": str(tmp_path / "fb.sqlite3"),
           "HF_HUB_OFFLINE": "1"}
    return subprocess.Popen([sys.executable, "-m", "opmodel", "slack", *args], env=env, cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_ready(process: subprocess.Popen, marker: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if marker in line:
            return
        if not line and process.poll() is not None:
            raise AssertionError(f"the bot exited with {process.returncode}: {process.stderr.read()}")
    raise AssertionError("the bot never said it was ready")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def test_opmodel_slack_http_serves_signed_events(bot_assistant, fake_slack, tmp_path):
    port = free_port()
    process = start_bot(["--http", "--port", str(port), "--host", "127.0.0.1"], fake_slack,
                        bot_assistant.settings.index_dir, tmp_path)
    try:
        wait_ready(process, "listening")
        url = f"http://127.0.0.1:{port}/slack/events"
        body = payloads.mention("What is an NHS smartcard?")
        assert payloads.deliver(url, body, "wrong-secret")[0] == 401
        assert payloads.deliver(url, body, SIGNING_SECRET)[0] == 200
        [post] = fake_slack.api.wait_for("chat.postMessage", timeout=30)
    finally:
        stop(process)
    assert post.token == "xoxb-cli" and post.params["thread_ts"] == body["event"]["ts"]


def test_opmodel_slack_connects_in_socket_mode(bot_assistant, fake_slack, tmp_path):
    process = start_bot([], fake_slack, bot_assistant.settings.index_dir, tmp_path)
    try:
        wait_ready(process, "connected")
        fake_slack.socket.wait_connected()
        body = payloads.mention("What is an NHS smartcard?")
        fake_slack.socket.wait_ack(fake_slack.socket.send("events_api", body))
        [post] = fake_slack.api.wait_for("chat.postMessage", timeout=30)
    finally:
        stop(process)
    assert post.params["thread_ts"] == body["event"]["ts"]
    assert fake_slack.api.calls_to("apps.connections.open")[0].token == "xapp-cli"


def test_a_missing_index_stops_the_bot_with_one_line(clean_env, capsys, tmp_path):
    clean_env.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    clean_env.setenv("SLACK_APP_TOKEN", "xapp-1")
    clean_env.setenv("OPMODEL_INDEX", str(tmp_path / "never-built"))
    assert main(["slack"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "opmodel ingest" in err


def test_sigterm_stops_taking_events_and_finishes_the_answers_in_flight(bot_assistant, fake_slack, tmp_path):
    import signal

    port = free_port()
    process = start_bot(["--http", "--port", str(port), "--host", "127.0.0.1"], fake_slack,
                        bot_assistant.settings.index_dir, tmp_path)
    url = f"http://127.0.0.1:{port}/slack/events"
    try:
        wait_ready(process, "listening")
        # Three follow-ups whose thread Slack is slow to read: all three are mid-answer at SIGTERM.
        for n in range(3):
            fake_slack.api.delay_next("conversations.replies", 3.0)
            payloads.deliver(url, payloads.mention("What is an NHS smartcard?", thread_ts=payloads.new_ts(),
                                                   user=f"U{n}"), SIGNING_SECRET)
        fake_slack.api.wait_for("conversations.replies", 3)
        assert fake_slack.api.calls_to("chat.postMessage") == [], "none answered yet"
        process.send_signal(signal.SIGTERM)  # by PID, like a deploy or `docker stop`
        time.sleep(1.0)
        with pytest.raises(OSError):  # no longer taking events
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
        returncode = process.wait(timeout=35)
    finally:
        if process.poll() is None:
            process.kill()
    posts = fake_slack.api.calls_to("chat.postMessage")
    assert len(posts) == 3 and all(p.params.get("metadata") for p in posts), "every answer in flight was posted"
    assert returncode == 0 and "stopped" in process.stderr.read()
