"""A real `chroma run` on 127.0.0.1 with its own data folder, for tests, CI and benchmarks.

    python -m bench.local_chroma -- pytest -m server     # start, run the command, stop

sets ``OPMODEL_TEST_CHROMA_URL`` for the command and returns its exit code. In Python:

    with LocalChroma(tmp_path) as server:
        settings = Settings(chroma_url=server.url)
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

import httpx

STARTUP_TIMEOUT_S = 30.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def chroma_executable() -> str:
    beside_python = Path(sys.executable).with_name("chroma")
    found = str(beside_python) if beside_python.exists() else shutil.which("chroma")
    if not found:
        raise RuntimeError("the `chroma` command is not installed (pip install chromadb)")
    return found


class LocalChroma:
    def __init__(self, path: Optional[Path] = None, port: Optional[int] = None, log: Optional[Path] = None):
        self._own_dir = path is None
        self.path = Path(path) if path else Path(tempfile.mkdtemp(prefix="opmodel-chroma-"))
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log or self.path.with_name(self.path.name + ".log")
        self._process: Optional[subprocess.Popen] = None

    def start(self) -> "LocalChroma":
        self.path.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")
        command = [chroma_executable(), "run", "--path", str(self.path), "--host", "127.0.0.1", "--port", str(self.port)]
        env = dict(os.environ, ANONYMIZED_TELEMETRY="False")
        self._process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        log.close()
        self._wait_for_heartbeat()
        return self

    def _wait_for_heartbeat(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"`chroma run` exited with {self._process.returncode}; see {self.log_path}")
            try:
                if httpx.get(self.url + "/api/v2/heartbeat", timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"`chroma run` did not answer its heartbeat within {STARTUP_TIMEOUT_S:.0f} s; see {self.log_path}")

    @property
    def pid(self) -> Optional[int]:
        return self._process.pid if self._process else None

    def stop(self) -> None:
        if self._process and self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None

    def cleanup(self) -> None:
        self.stop()
        if self._own_dir:
            shutil.rmtree(self.path, ignore_errors=True)
            self.log_path.unlink(missing_ok=True)

    def disk_bytes(self) -> int:
        return sum(f.stat().st_size for f in self.path.rglob("*") if f.is_file())

    def __enter__(self) -> "LocalChroma":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.cleanup()


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.local_chroma",
        description="Start `chroma run` on a free 127.0.0.1 port with a temporary data folder, run a "
        "command with OPMODEL_TEST_CHROMA_URL pointing at it, stop the server, return the command's exit code.",
    )
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the command, after `--`")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give a command to run, e.g. -- pytest -m server")
    with LocalChroma() as server:
        print(f"chroma run listening on {server.url} (data in {server.path})", file=sys.stderr, flush=True)
        env = dict(os.environ, OPMODEL_TEST_CHROMA_URL=server.url)
        return subprocess.call(command, env=env)


if __name__ == "__main__":
    sys.exit(main())
