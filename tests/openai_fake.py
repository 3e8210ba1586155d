"""A stand-in for an OpenAI-compatible vendor on 127.0.0.1: ``POST /v1/chat/completions``.

The real LangChain client (``init_chat_model("openai:…", base_url=…)``) talks to it over HTTP.
Each request takes the next scripted reply: the structured output to return (as the
``json_schema`` response format LangChain asks for puts it, in the message content, or as a
tool call when the request offers tools), a raw content string, an HTTP error, or a delay.
Every request body is kept, so a test can say what was (or was never) sent.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Optional


@dataclass
class Reply:
    content: Optional[str] = None  # the message content, verbatim (may be malformed on purpose)
    status: int = 200
    delay: float = 0.0  # seconds before answering: past the client's timeout, a timeout
    headers: dict = field(default_factory=dict)


def structured(sentences: list[dict]) -> Reply:
    """A well-formed reply: ``[{"text": ..., "support": [{"passage": n, "words": ...}]}]``."""
    return Reply(json.dumps({"sentences": sentences}))


def status(code: int, **headers) -> Reply:
    return Reply(json.dumps({"error": {"message": f"scripted {code}", "type": "fake", "code": code}}),
                 status=code, headers=headers)


def _completion(model: str, content: str, request: dict) -> dict:
    message: dict = {"role": "assistant", "content": content}
    finish = "stop"
    if request.get("tools"):  # function calling: the arguments carry the structured output
        name = request["tools"][0]["function"]["name"]
        message = {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_1", "type": "function", "function": {"name": name, "arguments": content}}]}
        finish = "tool_calls"
    return {"id": "chatcmpl-fake", "object": "chat.completion", "created": int(time.time()), "model": model,
            "choices": [{"index": 0, "finish_reason": finish, "message": message}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}


class FakeOpenAI:
    def __init__(self):
        self.requests: list[dict] = []
        self.script: list[Reply] = []
        self.respond: Optional[Callable[[dict], Reply]] = None  # for requests past the script
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                with fake._lock:
                    fake.requests.append({"path": self.path, "body": body})
                    reply = fake.script.pop(0) if fake.script else fake.respond(body) if fake.respond else status(500)
                if self.path.rstrip("/") != "/v1/chat/completions":
                    reply = status(404)
                time.sleep(reply.delay)
                if reply.status == 200:
                    data = json.dumps(_completion(body.get("model", "fake"), reply.content, body)).encode()
                else:
                    data = (reply.content or "").encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in reply.headers.items():
                        self.send_header(name.replace("_", "-"), str(value))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
                    pass

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/v1"

    def prompts(self) -> list[str]:
        """Everything sent in the messages of every request, for "was this ever sent?" checks."""
        return [m.get("content") or "" for r in self.requests for m in r["body"].get("messages", [])]

    def __enter__(self) -> "FakeOpenAI":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
