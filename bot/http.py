"""HTTP mode: the Events API endpoint, served by a threading HTTP server.

Bolt's own development server answers one request at a time; this one gives each request
a thread, so a slow client never delays another's ack. Every request's signature and age
(``SLACK_SIGNING_SECRET``, five minutes) is checked before its body is even parsed, and
answered 401 otherwise.
"""

from __future__ import annotations

import json
import logging
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from slack_bolt import App, BoltRequest
from slack_sdk.signature import SignatureVerifier

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
MAX_BODY_BYTES = 1_000_000  # Slack's payloads are far smaller; refuse anything absurd


class EventsServer(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's default backlog of 5 drops connections in a burst, and the sender then
    # waits a whole second to retry: longer than Slack's patience allows for twenty at once.
    request_queue_size = 128


def make_server(app: App, signing_secret: str, port: int, host: str = "0.0.0.0") -> EventsServer:
    if not signing_secret:
        raise ValueError("signing_secret must be set: HTTP mode checks every request's signature")
    verifier = SignatureVerifier(signing_secret)

    class SlackEventsHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            if self.path.partition("?")[0] == "/healthz":
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
            raw = self.rfile.read(length)
            # Checked here as well as by Bolt, so that nothing unsigned is even parsed.
            if not verifier.is_valid(raw, self.headers.get("X-Slack-Request-Timestamp") or "0",
                                     self.headers.get("X-Slack-Signature") or ""):
                log.info("refused a request with a missing, wrong or stale signature (%d bytes)", length)
                self._reply(401, {}, "")
                return
            body = raw.decode("utf-8", errors="replace")
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
