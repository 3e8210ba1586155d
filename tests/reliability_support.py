"""Shared by the reliability tests: a generated corpus big enough that an ingest takes a while
and its HNSW files are on disk (Chroma writes them from about 1,000 vectors), and
`opmodel` run as a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SERVICES = ("telephony", "clinical system", "smartcard reader", "network switch", "backup service",
            "printer fleet", "email relay", "appointment kiosk")
BODIES = ("the practice", "the commissioner", "the support provider", "the regional team")


def write_generated_corpus(folder: Path, documents: int = 30, lines: int = 45) -> Path:
    """Documents in our own words, one numbered arrangement per line (each its own passage)."""
    folder.mkdir(parents=True, exist_ok=True)
    for d in range(documents):
        body = []
        for n in range(lines):
            service, who = SERVICES[(d + n) % len(SERVICES)], BODIES[(d * 3 + n) % len(BODIES)]
            body.append(f"Arrangement {d}.{n}: the {service} at site {d * 100 + n} is looked after by {who}, "
                        f"reviewed every {n % 12 + 1} months under local schedule {d}-{n}.")
        (folder / f"generated-{d:02d}.txt").write_text(f"Local arrangements {d}\n\n" + "\n\n".join(body) + "\n")
    return folder


def opmodel_env(index: Path, corpus: Path, **extra: str) -> dict:
    return dict(os.environ, OPMODEL_INDEX=str(index), OPMODEL_CORPUS_DIR=str(corpus), HF_HUB_OFFLINE="1",
                TRANSFORMERS_OFFLINE="1", ANONYMIZED_TELEMETRY="False",
                PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""), **extra)


def opmodel(*args: str, index: Path, corpus: Path, timeout: float = 600, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "opmodel", *args], cwd=corpus.parent, env=opmodel_env(index, corpus, **extra),
                          capture_output=True, text=True, timeout=timeout)


def start_opmodel(*args: str, index: Path, corpus: Path, **extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "opmodel", *args], cwd=corpus.parent,
                            env=opmodel_env(index, corpus, **extra), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


class HashedAsMiniLM:
    """Character-trigram vectors under MiniLM's name and size, so an index is built in
    milliseconds that `opmodel` processes (which load the real model) accept. For tests of
    what happens to an index, never of what it retrieves."""

    def __init__(self):
        from opmodel.embedding import DIMENSION, MODEL_NAME

        self.name, self.dimension = MODEL_NAME, DIMENSION

    def embed(self, texts):
        import zlib

        import numpy as np

        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for i in range(len(text) - 2):
                out[row, zlib.crc32(text[i : i + 3].encode()) % self.dimension] += 1.0
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


def wait_for(condition, timeout: float, every: float = 0.2, what: str = "condition"):
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


HASHED_INGEST = """
import sys, json
from pathlib import Path
from ingest.pipeline import run_ingest
from opmodel.index import open_index
from opmodel.settings import Settings
from reliability_support import HashedAsMiniLM
index_dir, corpus, rebuild = sys.argv[1], Path(sys.argv[2]), sys.argv[3] == "rebuild"
index = open_index(Settings(index_dir=index_dir), HashedAsMiniLM())
report = run_ingest(index, [corpus], corpus, rebuild=rebuild)
print(json.dumps({"added": report.added, "removed": report.removed, "failed": report.failed,
                  "warnings": report.warnings, "passages": report.passages}))
"""


def hashed_ingest(index: Path, corpus: Path, rebuild: bool = False) -> dict:
    """run_ingest with HashedAsMiniLM in a process of its own, so no Chroma client of the test
    process holds the folder's files in memory while a test damages them."""
    import json

    env = opmodel_env(index, corpus)
    env["PYTHONPATH"] = str(REPO / "tests") + os.pathsep + env["PYTHONPATH"]
    done = subprocess.run([sys.executable, "-c", HASHED_INGEST, str(index), str(corpus), "rebuild" if rebuild else ""],
                          env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
