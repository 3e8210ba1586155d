"""Slack bot latency under load: from an event reaching the bot to its chat.postMessage.

The real bot (real Assistant over a fresh index of corpus/, real Bolt app) runs in this
process against the fake Slack used by the tests (tests/slackfake, on 127.0.0.1): over
HTTP (signed requests) and over Socket Mode (a local WebSocket server). Twenty questions
arrive at once from twenty people; the table gives the ack time and the time until each
answer is posted, median and p95. Run from the repo root: ``python -m bench.slack_bench``.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

REPO = Path(__file__).resolve().parents[1]
# The fake Slack lives with the tests; the benchmark drives the bot the same way they do.
sys.path.insert(0, str(REPO / "tests"))

from slackfake import payloads  # noqa: E402
from slackfake.socket_mode import FakeSocketModeServer  # noqa: E402
from slackfake.web_api import FakeSlackWebAPI  # noqa: E402

SECRET = "bench-secret"
QUESTIONS = [
    "What is an NHS smartcard?",
    "Who provides the clinical system to GP practices?",
    "Who pays for the practice telephone system?",
    "What replaced GP Systems of Choice?",
    "Who is responsible for cyber security in general practice?",
    "Who buys the practice's IT equipment?",
    "What is HSCN?",
    "Who looks after the Registration Authority for smartcards?",
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def build_assistant(workdir: Path):
    from answer.engine import Assistant
    from ingest.pipeline import run_ingest
    from opmodel.index import open_index
    from opmodel.settings import Settings

    settings = Settings(index_dir=workdir / "index", corpus_dir=REPO / "corpus")
    index = open_index(settings)
    run_ingest(index, [], REPO / "corpus")
    return Assistant(index, settings)


def bot_settings(api: FakeSlackWebAPI, workdir: Path, name: str):
    from opmodel.settings import Settings

    return Settings(index_dir=workdir / "index", feedback_db=workdir / f"{name}.sqlite3",
                    slack_bot_token="xoxb-bench", slack_app_token="xapp-bench",
                    slack_signing_secret=SECRET, slack_api_url=api.api_url)


def mentions(count: int) -> list[dict]:
    return [payloads.mention(QUESTIONS[i % len(QUESTIONS)], user=f"U{i:03d}", channel=f"C{i % 4}")
            for i in range(count)]


def answer_times(api: FakeSlackWebAPI, sent: dict[str, float], count: int) -> list[float]:
    posts = api.wait_for("chat.postMessage", count, timeout=120)
    return [(p.at - sent[p.params["thread_ts"]]) * 1000 for p in posts]


def run_http(assistant, workdir: Path, count: int, concurrent: bool) -> dict:
    from bot.app import build_app
    from bot.http import EVENTS_PATH, make_server
    from bot.ratelimit import RateLimiter
    import threading

    api = FakeSlackWebAPI().start()
    app = build_app(assistant, bot_settings(api, workdir, f"http-{concurrent}"), limiter=RateLimiter(per_minute=600, burst=100))
    server = make_server(app, SECRET, 0, "127.0.0.1")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}{EVENTS_PATH}"
    sent: dict[str, float] = {}
    acks: list[float] = []

    def deliver(body: dict) -> None:
        sent[body["event"]["ts"]] = time.monotonic()
        status, _, took = payloads.deliver(url, body, SECRET)
        acks.append(took * 1000)
        if not concurrent:
            api.wait_for("chat.postMessage", len(acks), timeout=60)

    try:
        bodies = mentions(count)
        with ThreadPoolExecutor(max_workers=count if concurrent else 1) as pool:
            list(pool.map(deliver, bodies))
        answers = answer_times(api, sent, count)
    finally:
        server.shutdown()
        server.server_close()
        api.stop()
    return {"acks": acks, "answers": answers}


def run_socket_mode(assistant, workdir: Path, count: int) -> dict:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.app import build_app
    from bot.ratelimit import RateLimiter

    api = FakeSlackWebAPI().start()
    socket = FakeSocketModeServer().start()
    api.socket_url = socket.url
    settings = bot_settings(api, workdir, "socket")
    handler = SocketModeHandler(build_app(assistant, settings, limiter=RateLimiter(per_minute=600, burst=100)),
                                settings.slack_app_token)
    handler.connect()
    socket.wait_connected()
    sent: dict[str, float] = {}
    envelopes = []
    try:
        for body in mentions(count):  # one WebSocket: Slack sends frames back to back
            sent[body["event"]["ts"]] = time.monotonic()
            envelopes.append(socket.send("events_api", body))
        acks = [socket.wait_ack(e, timeout=10)[1] * 1000 for e in envelopes]
        answers = answer_times(api, sent, count)
    finally:
        handler.close()
        socket.stop()
        api.stop()
    return {"acks": acks, "answers": answers}


def row(label: str, result: dict) -> str:
    a, b = result["acks"], result["answers"]
    return (f"{label:<28} {len(b):>9} {statistics.median(a):>8.0f} {percentile(a, 0.95):>8.0f}"
            f" {statistics.median(b):>11.0f} {percentile(b, 0.95):>9.0f} {max(b):>8.0f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=20, help="questions arriving at once (default 20)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)

    with tempfile.TemporaryDirectory(prefix="opmodel-slack-bench-") as tmp:
        workdir = Path(tmp)
        started = time.perf_counter()
        assistant = build_assistant(workdir)
        assistant.ask(QUESTIONS[0])  # warm: the table is about the bot, not the cold start
        print(f"index of corpus/ built and warmed in {time.perf_counter() - started:.1f} s\n")
        results = [
            (f"HTTP, {args.questions} at once", run_http(assistant, workdir, args.questions, concurrent=True)),
            (f"Socket Mode, {args.questions} at once", run_socket_mode(assistant, workdir, args.questions)),
            ("HTTP, one at a time", run_http(assistant, workdir, args.questions, concurrent=False)),
        ]

    print("Slack bot: event received → ack, and → chat.postMessage (milliseconds)")
    print(f"{'load':<28} {'questions':>9} {'ack p50':>8} {'ack p95':>8} {'answer p50':>11} {'answer p95':>9} {'max':>8}")
    for label, result in results:
        print(row(label, result))
    print("\nSlack requires the ack within 3,000 ms; answers run on the bot's own thread pool (8 workers).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
