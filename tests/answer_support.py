"""Shared by the answer and CLI tests: the shipped corpus ingested once per test session into a
real embedded Chroma, with the real embedder (fixtures imported by test_answer_*/test_cli_*)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from ingest.pipeline import run_ingest
from opmodel.embedding import default_embedder
from opmodel.index import open_index
from opmodel.settings import Settings

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
_BUILT: dict[str, Path] = {}


def _corpus_index_dir(tmp_path_factory) -> Path:
    """Built once per session even when several test modules ask for it."""
    if "dir" not in _BUILT:
        folder = tmp_path_factory.mktemp("answer-index") / "index"
        index = open_index(Settings(index_dir=folder), default_embedder())
        report = run_ingest(index, [], CORPUS)
        assert not report.failed, report.failed
        _BUILT["dir"] = folder
    return _BUILT["dir"]


@pytest.fixture(scope="session")
def corpus_index_dir(tmp_path_factory) -> Path:
    return _corpus_index_dir(tmp_path_factory)


@pytest.fixture(scope="session")
def assistant(corpus_index_dir):
    """The rules answerer (OPMODEL_ANSWERER=rules), which the tests of its own modules ask."""
    from answer.engine import Assistant

    return Assistant.from_settings(Settings(index_dir=corpus_index_dir, answerer="rules"))


def copy_corpus(dest: Path) -> Path:
    shutil.copytree(CORPUS, dest)
    return dest


def quoted_pieces(answer_text: str) -> list[tuple[str, int]]:
    """(verbatim piece, marker) for every “quote” [n] in an answer; " … " joins pieces of one quote."""
    out = []
    for quote, marker in re.findall(r"“(.+?)” \[(\d+)\]", answer_text, flags=re.S):
        out += [(piece, int(marker)) for piece in quote.split(" … ")]
    return out
