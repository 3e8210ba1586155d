"""The embedded index: versions behind a pointer, atomic publish, reuse, GC, clear errors."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from index_support import REPO, OtherModelEmbedder, corpus_passages, embedder  # noqa: F401  (fixture)
from opmodel import index_versions as versions
from opmodel.errors import EmbedderMismatchError, IndexMissingError
from opmodel.index import Index, open_index
from opmodel.settings import Settings


@pytest.fixture
def settings(tmp_path):
    return Settings(index_dir=tmp_path / "index")


@pytest.fixture
def index(settings, embedder):
    return open_index(settings, embedder)


def version_names(index: Index) -> set[str]:
    return {c.name for c in index.client.list_collections() if versions.is_version_of(index.prefix, c.name)}


def test_published_passages_are_read_back_and_searchable(index, embedder):
    passages = corpus_passages()
    result = index.publish(passages)
    assert result.embedded == len(passages) and result.reused == 0
    snap = index.snapshot()
    assert snap.collection == result.version and snap.count == len(passages)
    assert index.passages() == sorted(passages, key=lambda p: (p.source, p.ordinal))
    target = passages[len(passages) // 2]
    (best, score), *_ = index.search(embedder.embed([target.embedding_text()])[0], k=3)
    assert best.id == target.id and score > 0.99
    assert index.documents() == {p.source: p.doc_hash for p in passages}
    vector = embedder.embed(["Who pays for the practice phone system?"])[0]
    assert index.nearest_ids(vector, 5) == [(p.id, s) for p, s in index.search(vector, 5)]


def test_reading_before_any_ingest_says_to_ingest(index):
    with pytest.raises(IndexMissingError, match="opmodel ingest"):
        index.snapshot()
    assert index.documents() == {}


def test_unchanged_publish_writes_and_embeds_nothing(index):
    passages = corpus_passages()
    first = index.publish(passages)
    again = index.publish(list(reversed(passages)))
    assert again.version is None and again.embedded == 0
    assert index.snapshot().collection == first.version
    assert version_names(index) == {first.version}


def test_a_changed_passage_is_the_only_one_embedded(index):
    index.publish(corpus_passages())
    result = index.publish(corpus_passages(edit="Amended in this edition."))
    assert result.embedded == 1 and result.reused == len(corpus_passages()) - 1


class FailingEmbedder:
    """The real model, failing on its second batch as a full disk or an OOM kill would."""

    def __init__(self, real):
        self.name, self.dimension, self._real, self.calls = real.name, real.dimension, real, 0

    def embed(self, texts):
        self.calls += 1
        if self.calls == 2:
            raise MemoryError("simulated failure mid-ingest")
        return self._real.embed(texts)


def test_embedding_failure_mid_publish_leaves_previous_version_answering(settings, embedder):
    index = open_index(settings, embedder)
    before = index.publish(corpus_passages(limit=10)).version
    failing = Index(index.client, FailingEmbedder(embedder), index.prefix)
    written = []
    with pytest.raises(MemoryError):
        failing.publish(corpus_passages(copies=3), progress=written.append)
    assert written, "the failure should come after a first batch was written"
    assert index.snapshot().collection == before and index.snapshot().count == 10
    assert len(index.passages()) == 10
    assert version_names(index) == {before}  # the half-written collection was dropped


def test_interrupted_publish_leaves_previous_version(index):
    before = index.publish(corpus_passages(limit=10)).version

    def interrupt(_written):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        index.publish(corpus_passages(edit="new"), progress=interrupt)
    assert index.snapshot().collection == before
    assert version_names(index) == {before}


def test_garbage_collection_keeps_current_and_previous_versions(settings, embedder):
    index = Index(open_index(settings, embedder).client, embedder, grace_seconds=0)
    v1 = index.publish(corpus_passages(edit="one")).version
    v2 = index.publish(corpus_passages(edit="two")).version
    assert version_names(index) == {v1, v2}
    v3 = index.publish(corpus_passages(edit="three")).version
    assert version_names(index) == {v2, v3}
    assert index.snapshot().collection == v3


def test_recently_retired_versions_survive_the_grace_period(index):
    names = [index.publish(corpus_passages(edit=str(n))).version for n in range(3)]
    assert version_names(index) == set(names)


def test_collection_of_another_prefix_is_never_collected(settings, embedder):
    client = open_index(settings, embedder).client
    other = Index(client, embedder, prefix="opmodel-staging", grace_seconds=0)
    kept = other.publish(corpus_passages(limit=5)).version
    mine = Index(client, embedder, prefix="opmodel", grace_seconds=0)
    for n in range(3):
        mine.publish(corpus_passages(limit=5, edit=str(n)))
    assert other.snapshot().collection == kept and len(other.passages()) == 5


def test_concurrent_publishers_last_writer_wins_and_nothing_in_use_is_dropped(settings, embedder):
    client = open_index(settings, embedder).client
    slow, fast = (Index(client, embedder, grace_seconds=0) for _ in range(2))
    slow_started, release = threading.Event(), threading.Event()
    outcome = {}

    def pause_after_first_batch(_written):
        slow_started.set()
        assert release.wait(60)

    def run_slow():
        outcome["slow"] = slow.publish(corpus_passages(edit="slow"), progress=pause_after_first_batch)

    thread = threading.Thread(target=run_slow)
    thread.start()
    assert slow_started.wait(60)
    fast_version = fast.publish(corpus_passages(edit="fast")).version  # its GC must spare the slow build
    assert fast.snapshot().collection == fast_version
    release.set()
    thread.join(60)
    assert outcome["slow"].version and fast.snapshot().collection == outcome["slow"].version
    assert fast_version in version_names(fast)  # kept as the previous version
    assert any("slow" in p.text for p in fast.passages())


def test_other_embedder_gets_a_clear_mismatch_error(settings, index):
    index.publish(corpus_passages(limit=5))
    other = open_index(settings, OtherModelEmbedder())
    with pytest.raises(EmbedderMismatchError) as caught:
        other.snapshot()
    message = str(caught.value)
    assert "all-MiniLM-L6-v2" in message and "384" in message and "trigram-hash-64" in message
    assert "--rebuild" in message
    with pytest.raises(EmbedderMismatchError):
        other.publish(corpus_passages(limit=5))
    rebuilt = other.publish(corpus_passages(limit=5), rebuild=True)
    assert rebuilt.embedded == 5 and other.snapshot().model == "trigram-hash-64"


def test_reads_page_through_large_collections(index, monkeypatch):
    import opmodel.index

    monkeypatch.setattr(opmodel.index, "PAGE", 7)
    passages = corpus_passages()
    index.publish(passages)
    assert len(index.passages()) == len(passages)
    assert index.publish(passages).version is None


def test_a_reader_sees_a_version_published_by_another_process(settings, index):
    index.publish(corpus_passages(limit=10))
    before = index.snapshot()
    script = (
        "import sys; sys.path.insert(0, 'tests'); from index_support import corpus_passages;"
        "from opmodel.index import open_index; from opmodel.settings import Settings;"
        f"open_index(Settings(index_dir={str(settings.index_dir)!r})).publish(corpus_passages(limit=12))"
    )
    subprocess.run([sys.executable, "-c", script], cwd=REPO, check=True, timeout=120)
    after = index.snapshot()
    assert after.collection != before.collection and after.count == 12
    assert len(index.passages(after)) == 12 and len(index.passages(before)) == 10  # previous kept


def test_pointer_history_protects_the_previous_and_recent_versions():
    pointer = {}
    for n, now in enumerate([100.0, 200.0, 300.0, 400.0]):
        pointer = versions.flipped_pointer(pointer, f"v{n}", model="m", dimension=3, count=1, now=now)
    assert versions.retired(pointer)[:3] == [("v2", 400.0), ("v1", 300.0), ("v0", 200.0)]
    assert versions.protected_names(pointer, now=1000.0, grace=60) == {"v3", "v2"}
    assert versions.protected_names(pointer, now=350.0, grace=60) == {"v3", "v2", "v1"}


def test_builds_in_progress_are_spared_until_they_go_stale():
    building = versions.building_metadata(now=100.0)
    assert not versions.may_drop("x", building, set(), now=200.0, grace=60, stale_build=900)
    assert versions.may_drop("x", building, set(), now=1100.0, grace=60, stale_build=900)
    ready = versions.ready_metadata(now=100.0)
    assert not versions.may_drop("x", ready, set(), now=150.0, grace=60, stale_build=900)
    assert versions.may_drop("x", ready, set(), now=170.0, grace=60, stale_build=900)
    assert not versions.may_drop("x", ready, {"x"}, now=1e9, grace=60, stale_build=900)
