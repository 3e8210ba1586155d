"""A fake Slack Web API on 127.0.0.1: the only fake in these tests, standing in for Slack's servers.

It answers the methods the bot calls with Slack-shaped responses, records every call
(method, parameters, token), keeps posted messages so ``conversations.replies`` can read a
thread back, serves ``response_url`` webhooks, and can be told to fail the next call of a
method (a 429 with Retry-After, a 5xx, an ``ok: false`` error) or to carry it out but answer
only after a delay (a slow Slack), to test how the bot copes. Told to refuse a block type
(``refuse_block_type``), it answers ``invalid_blocks`` to any message holding one, as a Slack
host that does not know that block would.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Optional
from urllib.parse import parse_qs, urlparse

BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
TEAM_ID = "T0001"


@dataclass
class Call:
    method: str  # Web API method, or "response_url" for webhook posts
    params: dict
    token: Optional[str] = None
    ok: bool = True  # False when the fake was told to fail this call
    at: float = field(default_factory=time.monotonic)


@dataclass
class Failure:
    status: int
    body: "dict | str"
    headers: dict


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default 5 would stall bursts of calls for a second


class FakeSlackWebAPI:
    def __init__(self):
        self.calls: list[Call] = []
        self.messages: list[dict] = []  # what conversations.replies reads
        self.socket_url: Optional[str] = None
        self._failures: dict[str, list[Failure]] = {}
        self._delays: dict[str, list[float]] = {}
        self._refused_blocks: set[str] = set()
        self._ts = itertools.count(1)
        self._changed = threading.Condition()
        self._server = _Server(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def response_url(self, name: str) -> str:
        return f"{self.url}/respond/{name}"

    def start(self) -> "FakeSlackWebAPI":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # --- what tests arrange -------------------------------------------------------------
    def add_message(self, channel: str, text: str, *, user: Optional[str] = "U1", thread_ts: Optional[str] = None,
                    bot_id: Optional[str] = None, metadata: Optional[dict] = None, ts: Optional[str] = None) -> str:
        ts = ts or self.next_ts()
        message = {"type": "message", "channel": channel, "ts": ts, "text": text}
        for key, value in (("user", user), ("thread_ts", thread_ts), ("bot_id", bot_id), ("metadata", metadata)):
            if value is not None:
                message[key] = value
        with self._changed:
            self.messages.append(message)
        return ts

    def fail_next(self, method: str, *, status: int = 200, error: str = "internal_error",
                  retry_after: Optional[int] = None) -> None:
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        self._failures.setdefault(method, []).append(Failure(status, {"ok": False, "error": error}, headers))

    def refuse_block_type(self, block_type: str) -> None:
        self._refused_blocks.add(block_type)

    def _refuses(self, params: dict) -> bool:
        blocks = params.get("blocks")
        return isinstance(blocks, list) and any(b.get("type") in self._refused_blocks for b in blocks)

    def delay_next(self, method: str, seconds: float) -> None:
        """Carry out the next call of ``method`` at once but send its response ``seconds`` later."""
        self._delays.setdefault(method, []).append(seconds)

    def next_ts(self) -> str:
        return f"{1_700_000_000 + next(self._ts)}.000100"

    # --- what tests check ---------------------------------------------------------------
    def calls_to(self, method: str, include_failed: bool = False) -> list[Call]:
        with self._changed:
            return [c for c in self.calls if c.method == method and (c.ok or include_failed)]

    def wait_for(self, method: str, count: int = 1, timeout: float = 20.0,
                 where: Callable[[Call], bool] = lambda c: True) -> list[Call]:
        """The successful calls to ``method`` matching ``where``, once there are ``count``."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [c for c in self.calls if c.method == method and c.ok and where(c)]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [c.method for c in self.calls]
                    raise AssertionError(f"expected {count} {method} call(s), got {len(found)}; calls: {seen}")
                self._changed.wait(left)

    # --- the Web API --------------------------------------------------------------------
    def _answer(self, method: str, params: dict) -> dict:
        if method == "auth.test":
            return {"ok": True, "url": "https://fake.slack.test/", "team": "Fake", "user": "opmodel",
                    "team_id": TEAM_ID, "user_id": BOT_USER_ID, "bot_id": BOT_ID}
        if method == "apps.connections.open":
            return {"ok": True, "url": self.socket_url}
        if method == "chat.postMessage":
            ts = self.add_message(params["channel"], params.get("text", ""), user=BOT_USER_ID, bot_id=BOT_ID,
                                  thread_ts=params.get("thread_ts"), metadata=params.get("metadata"))
            return {"ok": True, "channel": params["channel"], "ts": ts, "message": {"ts": ts, "text": params.get("text")}}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": self.next_ts()}
        if method == "chat.update":
            return {"ok": True, "channel": params.get("channel"), "ts": params.get("ts")}
        if method == "views.open":
            return {"ok": True, "view": {"id": "V0001", **(params.get("view") or {})}}
        if method == "conversations.replies":
            ts = params.get("ts")
            thread = [m for m in self.messages if m["channel"] == params.get("channel")
                      and (m["ts"] == ts or m.get("thread_ts") == ts)]
            return {"ok": True, "messages": sorted(thread, key=lambda m: float(m["ts"])), "has_more": False}
        return {"ok": True}

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                self._handle()

            def do_POST(self):
                self._handle()

            def _handle(self):
                parsed = urlparse(self.path)
                params = {k: v[0] for k, v in parse_qs(parsed.query).items()}
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8") if length else ""
                if raw:
                    if (self.headers.get("Content-Type") or "").startswith("application/json"):
                        params.update(json.loads(raw))
                    else:
                        params.update({k: v[0] for k, v in parse_qs(raw).items()})
                for key in ("blocks", "metadata", "view", "prompts"):
                    if isinstance(params.get(key), str):
                        params[key] = json.loads(params[key])
                if parsed.path.startswith("/respond/"):
                    method, params["response_url"] = "response_url", parsed.path.rsplit("/", 1)[1]
                else:
                    method = parsed.path.removeprefix("/api/")
                token = (self.headers.get("Authorization") or "").removeprefix("Bearer ") or params.get("token")
                with fake._changed:
                    failure = (fake._failures.get(method) or [None]).pop(0) if fake._failures.get(method) else None
                    if failure is None and fake._refuses(params):
                        # A response_url answers 400 with the error as text; the Web API, 200 with ok: false.
                        failure = (Failure(400, "invalid_blocks", {}) if method == "response_url"
                                   else Failure(200, {"ok": False, "error": "invalid_blocks"}, {}))
                    delay = fake._delays[method].pop(0) if fake._delays.get(method) else 0.0
                    fake.calls.append(Call(method, params, token, ok=failure is None))
                    fake._changed.notify_all()
                if failure:
                    self._send(failure.status, failure.body, failure.headers)
                else:
                    answer = "ok" if method == "response_url" else fake._answer(method, params)
                    time.sleep(delay)  # done already; only the response is late
                    try:
                        self._send(200, answer, {})
                    except (BrokenPipeError, ConnectionResetError):
                        pass  # the client gave up waiting
                with fake._changed:
                    fake._changed.notify_all()

            def _send(self, status, body, headers):
                payload = (body if isinstance(body, str) else json.dumps(body)).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json" if not isinstance(body, str) else "text/plain")
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        return Handler
