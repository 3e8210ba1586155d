"""Shared by the index and server-mode tests: real passages from the shipped corpus, the real
embedder, and a real `chroma run` (the one CI started, or one started here)."""

from __future__ import annotations

import os
import re
import uuid
import zlib
from pathlib import Path

import numpy as np
import pytest

from opmodel.passage import Passage

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"


def corpus_passages(limit: int | None = None, edit: str = "", copies: int = 1) -> list[Passage]:
    """The corpus split at blank lines: real text, without depending on the ingest package.
    ``edit`` is appended to the first passage, to make a changed corpus; ``copies`` > 1 adds
    copies of every document under other file names, for more than one write batch."""
    passages = []
    for copy in range(copies):
        for path in sorted(CORPUS.glob("*.txt")):
            source = path.name if copy == 0 else f"copy{copy}-{path.name}"
            paragraphs = [re.sub(r"\s+", " ", p).strip() for p in path.read_text(encoding="utf-8").split("\n\n")]
            for ordinal, text in enumerate(p for p in paragraphs if p):
                text = text if copy == 0 else f"{text} (copy {copy})"
                passages.append(Passage(source=source, text=text, ordinal=ordinal, title=path.stem, status="current"))
    if edit:
        first = passages[0]
        passages[0] = Passage(source=first.source, text=first.text + " " + edit, ordinal=0, title=first.title, status="current")
    return passages[:limit] if limit else passages


class OtherModelEmbedder:
    """A different (real, if crude) embedding model: character-trigram hashing."""

    name = "trigram-hash-64"
    dimension = 64

    def embed(self, texts):
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for i in range(len(text) - 2):
                out[row, zlib.crc32(text[i : i + 3].encode()) % self.dimension] += 1.0
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


@pytest.fixture(scope="session")
def embedder():
    from opmodel.embedding import default_embedder

    return default_embedder()


@pytest.fixture(scope="session")
def chroma_url(tmp_path_factory):
    """OPMODEL_TEST_CHROMA_URL when CI started a server, else our own `chroma run`."""
    given = os.environ.get("OPMODEL_TEST_CHROMA_URL")
    if given:
        yield given.rstrip("/")
        return
    from bench.local_chroma import LocalChroma

    server = LocalChroma(tmp_path_factory.mktemp("chroma-server") / "data")
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def prefix():
    """Tests share one server: each gets its own collection names."""
    return f"t{uuid.uuid4().hex[:10]}"
