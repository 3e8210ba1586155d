"""HTTP mode: the Events API endpoint, served by a threading HTTP server.

Bolt's own development server answers one request at a time; this one gives each request
a thread, so a slow client never delays another's ack. Every request's signature and age
(``SLACK_SIGNING_SECRET``, five minutes) is checked before its body is even parsed, and
answered 401 otherwise, however malformed the headers or the body (Slack always sends UTF-8).
A signed body that is not the JSON Slack sends gets 400 without reaching Bolt, and a client
that stops sending mid-body is cut off after ``READ_TIMEOUT_SECONDS`` (408) instead of
holding a thread forever. ``GET /healthz`` answers 503 while the index cannot be read within
its timeout (a stopped Chroma server), so a load balancer stops sending questions there.
"""

from __future__ import annotations

import json
import logging
import re
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Optional
from urllib.parse import parse_qs

from slack_bolt import App, BoltRequest
from slack_sdk.signature import SignatureVerifier

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
MAX_BODY_BYTES = 1_000_000  # Slack's payloads are far smaller; refuse anything absurd
READ_TIMEOUT_SECONDS = 10.0  # per read on the socket: Slack sends its few KB at once
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


def signed_body(verifier: SignatureVerifier, raw: bytes, timestamp: Optional[str], signature: Optional[str]) -> Optional[str]:
    """The body as text when it is UTF-8 and signed by Slack within five minutes; else None."""
    if not (timestamp and signature and _TIMESTAMP.fullmatch(timestamp) and _SIGNATURE.fullmatch(signature)):
        return None
    try:
        body = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return body if verifier.is_valid(body, timestamp, signature) else None


def is_slack_shaped(body: str, content_type: str) -> bool:
    """Parses the way Bolt will: a JSON object, or a form whose ``payload`` (if any) is one."""
    try:
        if content_type.startswith("application/json") or body.startswith("{"):
            return isinstance(json.loads(body), dict)
        payload = parse_qs(body).get("payload")
        return payload is None or isinstance(json.loads(payload[0]), dict)
    except ValueError:
        return False


class EventsServer(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's default backlog of 5 drops connections in a burst, and the sender then
    # waits a whole second to retry: longer than Slack's patience allows for twenty at once.
    request_queue_size = 128


def make_server(app: App, signing_secret: str, port: int, host: str = "0.0.0.0",
                ready: Optional[Callable[[], Optional[str]]] = None) -> EventsServer:
    """``ready`` returns None when questions can be answered, else why not (for /healthz)."""
    if not signing_secret:
        raise ValueError("signing_secret must be set: HTTP mode checks every request's signature")
    verifier = SignatureVerifier(signing_secret)

    class SlackEventsHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = READ_TIMEOUT_SECONDS  # applied to the socket by StreamRequestHandler.setup

        def do_GET(self) -> None:
            if self.path.partition("?")[0] == "/healthz":
                problem = ready() if ready else None
                if problem:
                    log.warning("healthz: not ready: %s", problem)
                    self._reply(503, {"content-type": ["text/plain"]}, "not ready: the index cannot be read")
                else:
                    self._reply(200, {"content-type": ["text/plain"]}, "ok")
            else:
                self._reply(404, {}, "")

        def do_POST(self) -> None:
            path, _, query = self.path.partition("?")
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                length = -1
            if path != EVENTS_PATH or not 0 <= length <= MAX_BODY_BYTES:
                self.close_connection = True  # the unread body must not be taken for a request
                self._reply(404 if path != EVENTS_PATH else 413, {}, "")
                return
            try:
                raw = self.rfile.read(length)
            except TimeoutError:
                log.info("dropped a request whose body did not arrive within %.0f s", READ_TIMEOUT_SECONDS)
                self.close_connection = True
                self._reply(408, {}, "")
                return
            # Checked here as well as by Bolt, so that nothing unsigned is even parsed.
            body = signed_body(verifier, raw, self.headers.get("X-Slack-Request-Timestamp"),
                               self.headers.get("X-Slack-Signature"))
            if body is None:
                log.info("refused a request with a missing, malformed, wrong or stale signature (%d bytes)", length)
                self._reply(401, {}, "")
                return
            if not is_slack_shaped(body, self.headers.get("Content-Type") or ""):
                log.warning("refused a signed request whose body is not Slack's JSON (%d bytes)", length)
                self._reply(400, {}, "")
                return
            try:
                response = app.dispatch(BoltRequest(body=body, query=query, headers=dict(self.headers)))
            except Exception:
                # Bolt failing on a malformed payload: log it, tell the sender nothing more.
                log.exception("could not handle a request to %s (%d bytes)", path, length)
                self._reply(500, {}, "")
                return
            self._reply(response.status, response.headers, response.body)

        def _reply(self, status: int, headers: dict, body) -> None:
            payload = (body if isinstance(body, str) else json.dumps(body)).encode("utf-8")
            self.send_response(status)
            for name, values in headers.items():
                if name.lower() != "content-length":
                    for value in values:
                        self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args) -> None:
            log.debug("http: " + format, *args)

    return EventsServer((host, port), SlackEventsHandler)
