"""A local WebSocket server playing Slack's side of Socket Mode.

The bot asks the fake Web API (``apps.connections.open``) for a URL, connects here, gets
``hello``, and then receives envelopes (events, slash commands, interactions) that it must
acknowledge by echoing each ``envelope_id``.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from typing import Optional

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import ServerConnection, serve


class FakeSocketModeServer:
    def __init__(self):
        self.acks: dict[str, tuple[dict, float]] = {}  # envelope_id -> (the bot's ack, when)
        self._sent: dict[str, float] = {}
        self._connections: list[ServerConnection] = []
        self._changed = threading.Condition()
        self._server = serve(self._session, "127.0.0.1", 0)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.socket.getsockname()[:2]
        return f"ws://{host}:{port}/link/?ticket=fake"

    def start(self) -> "FakeSocketModeServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join()

    def _session(self, connection: ServerConnection) -> None:
        connection.send(json.dumps({"type": "hello", "num_connections": 1,
                                    "connection_info": {"app_id": "A0001"}}))
        with self._changed:
            self._connections.append(connection)
            self._changed.notify_all()
        try:
            for raw in connection:
                message = json.loads(raw)
                if "envelope_id" in message:
                    with self._changed:
                        self.acks[message["envelope_id"]] = (message, time.monotonic())
                        self._changed.notify_all()
        except ConnectionClosed:
            pass
        finally:
            with self._changed:
                self._connections.remove(connection)

    def wait_connected(self, timeout: float = 20.0) -> None:
        with self._changed:
            if not self._changed.wait_for(lambda: self._connections, timeout):
                raise AssertionError("the bot never connected to the Socket Mode server")

    def send(self, kind: str, payload: dict, *, retry_attempt: int = 0, retry_reason: str = "",
             envelope_id: Optional[str] = None) -> str:
        """Deliver one envelope ("events_api", "slash_commands" or "interactive")."""
        envelope_id = envelope_id or str(uuid.uuid4())
        envelope = {"envelope_id": envelope_id, "type": kind, "payload": payload,
                    "accepts_response_payload": kind != "events_api",
                    "retry_attempt": retry_attempt, "retry_reason": retry_reason}
        with self._changed:
            connection = self._connections[-1]
            self._sent[envelope_id] = time.monotonic()
        connection.send(json.dumps(envelope))
        return envelope_id

    def wait_ack(self, envelope_id: str, timeout: float = 3.0) -> tuple[dict, float]:
        """The bot's ack and how long after sending it came (Slack allows 3 seconds)."""
        with self._changed:
            if not self._changed.wait_for(lambda: envelope_id in self.acks, timeout):
                raise AssertionError(f"no ack for envelope {envelope_id} within {timeout} s")
            ack, acked_at = self.acks[envelope_id]
            return ack, acked_at - self._sent[envelope_id]
