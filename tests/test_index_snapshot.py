"""The answering copy of a published version: what a reader of an embedded index answers from
without importing chromadb, used only while Chroma's pointer names it and its files are as
published (real Chroma folders, the real embedder, real processes)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from index_support import REPO, corpus_passages, embedder  # noqa: F401  (fixture)
from opmodel import index_snapshot as copies
from opmodel.index import Index, open_index
from opmodel.index_reader import CopyReader
from opmodel.settings import Settings

QUESTIONS = ("Who pays for the practice phone system?", "What replaced GPSoC?", "Who issues NHS smartcards?",
             "Can a practice choose its own clinical system?", "What is Lot 2?")


@pytest.fixture
def settings(tmp_path):
    return Settings(index_dir=tmp_path / "index")


def copy_files(settings) -> set[str]:
    return {p.name for p in settings.index_dir.glob(copies.PREFIX + "*")}


def test_a_reader_answers_from_the_copy_as_chroma_would(settings, embedder):
    writer = open_index(settings, embedder)
    version = writer.publish(corpus_passages()).version
    assert copy_files(settings) == {copies.path_for(settings.index_dir, version).name}
    reader = open_index(settings, embedder, create=False)
    assert isinstance(reader, CopyReader)
    snap = reader.snapshot()
    assert snap == writer.snapshot()
    assert reader.passages(snap) == writer.passages(snap)
    for question in QUESTIONS:
        vector = embedder.embed([question])[0]
        mine, chromas = reader.nearest_ids(vector, 50, snap), writer.nearest_ids(vector, 50, snap)
        assert [i for i, _ in mine] == [i for i, _ in chromas], question
        assert np.allclose([s for _, s in mine], [s for _, s in chromas], atol=1e-5)
        assert [(p.id, round(s, 5)) for p, s in reader.search(vector, 5)] == [(p.id, round(s, 5)) for p, s in writer.search(vector, 5)]
    assert reader._chroma is None  # never opened
    assert reader.problem() is None  # the health check (/healthz) answers from the copy too
    assert reader._chroma is None


def test_a_version_published_by_another_process_is_answered_from_its_own_copy(settings, embedder):
    open_index(settings, embedder).publish(corpus_passages())
    reader = open_index(settings, embedder, create=False)
    before = reader.snapshot()
    assert len(reader.passages(before)) == len(corpus_passages())
    script = ("import sys; sys.path.insert(0, 'tests')\n"
              "from index_support import corpus_passages\n"
              "from opmodel.embedding import default_embedder\n"
              "from opmodel.index import open_index\nfrom opmodel.settings import Settings\n"
              f"open_index(Settings(index_dir={str(settings.index_dir)!r}), default_embedder())"
              ".publish(corpus_passages(edit='published elsewhere'))\n")
    subprocess.run([sys.executable, "-c", script], cwd=REPO, check=True, timeout=300)
    after = reader.snapshot()
    assert after.collection != before.collection
    assert any("published elsewhere" in p.text for p in reader.passages(after))
    assert reader._chroma is None


def test_changed_vector_files_or_a_garbled_copy_send_the_reader_to_chroma(settings, embedder):
    writer = open_index(settings, embedder)
    version = writer.publish(corpus_passages()).version
    expected = writer.passages()
    copy = copies.path_for(settings.index_dir, version)
    good = copy.read_bytes()
    copy.write_bytes(good[: len(good) // 2])  # a copy cut short
    reader = open_index(settings, embedder, create=False)
    assert reader.passages() == expected and reader._chroma is not None

    copy.write_bytes(good)
    [header] = settings.index_dir.glob("*/header.bin")
    header.write_bytes(bytes(b ^ 0xFF for b in header.read_bytes()))  # not the bytes the copy was taken from
    assert copies.load(settings.index_dir, version, len(expected)) is None


def test_a_copy_goes_with_its_collected_version(settings, embedder):
    index = Index(open_index(settings, embedder).client, embedder, grace_seconds=0, folder=settings.index_dir)
    published = [index.publish(corpus_passages(limit=5, edit=str(n))).version for n in range(4)]
    assert copy_files(settings) == {copies.path_for(settings.index_dir, v).name for v in published[-2:]}


def test_an_index_without_a_copy_gets_one_at_the_next_ingest(settings, embedder):
    index = open_index(settings, embedder)
    version = index.publish(corpus_passages()).version
    copies.remove(settings.index_dir, version)
    assert index.publish(corpus_passages()).version is None  # nothing changed, nothing re-embedded
    assert copies.load(settings.index_dir, version, len(corpus_passages())) is not None


def test_answering_from_the_command_line_never_imports_chromadb(tmp_path):
    index_dir = tmp_path / "index"
    env = {"OPMODEL_INDEX": str(index_dir), "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1",
           "ANONYMIZED_TELEMETRY": "False", "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-m", "opmodel", "ingest", "--quiet"], env=env, cwd=tmp_path, check=True,
                   capture_output=True, timeout=600)
    script = ("import sys\nfrom opmodel.cli import main\n"
              "assert main(['ask', 'Who pays for the practice phone system?']) == 0\n"
              "assert main(['sources']) == 0\n"
              "loaded = sorted({m.split('.')[0] for m in sys.modules} & {'chromadb', 'eval', 'bench', 'bot', 'slack_bolt'})\n"
              "assert not loaded, loaded\n")
    done = subprocess.run([sys.executable, "-c", script], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "telephony" in done.stdout.lower()


def test_a_reader_follows_an_index_moved_aside_and_rebuilt_at_the_same_path(settings, embedder, tmp_path):
    from chromadb.api.client import SharedSystemClient

    open_index(settings, embedder).publish(corpus_passages())
    reader = open_index(settings, embedder, create=False)
    before = reader.snapshot()
    settings.index_dir.rename(tmp_path / "index.damaged-1")  # what `ingest --rebuild` does to a broken database
    SharedSystemClient.clear_system_cache()
    rebuilt = open_index(settings, embedder).publish(corpus_passages(limit=5)).version
    after = reader.snapshot()
    assert after.collection == rebuilt != before.collection and len(reader.passages(after)) == 5
