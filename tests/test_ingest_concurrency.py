"""Concurrent and killed ingests against a real embedded Chroma, with real `opmodel ingest`
processes (killed by pid with SIGKILL where the test says so)."""

from __future__ import annotations

import os
import signal
import socket
import time
from pathlib import Path

import chromadb
import pytest
from chromadb.config import Settings as ChromaSettings

from reliability_support import HashedAsMiniLM, hashed_ingest, start_opmodel, wait_for, write_generated_corpus
from opmodel import index_versions as versions
from opmodel.errors import IndexChangedError, IngestBusyError
from opmodel.index import Index, open_index
from opmodel.index_lease import Holder, IngestLease, lease_name
from opmodel.settings import Settings


def peek(index_dir: Path):
    """A second client on the folder, as another process sees it."""
    return chromadb.PersistentClient(path=str(index_dir), settings=ChromaSettings(anonymized_telemetry=False))


def version_states(client) -> dict[str, str]:
    return {c.name: (c.metadata or {}).get(versions.STATE, "") for c in client.list_collections()
            if versions.is_version_of("opmodel", c.name)}


def lease_holder(client):
    try:
        return Holder.from_metadata(client.get_collection(lease_name("opmodel")).metadata)
    except Exception:
        return None


@pytest.fixture
def layout(tmp_path):
    """corpus/small holds two short documents (indexed); corpus/big is new and takes a real
    `opmodel ingest` a while to embed (320 passages with the real model)."""
    corpus = tmp_path / "corpus"
    (corpus / "small").mkdir(parents=True)
    (corpus / "small" / "keep.txt").write_text("Keeping\n\nThe practice keeps its own asset register up to date.\n")
    (corpus / "small" / "gone.txt").write_text("Withdrawn\n\nThis note about fax machines is withdrawn.\n")
    index = tmp_path / "index"
    hashed_ingest(index, corpus)
    write_generated_corpus(corpus / "big", documents=8, lines=40)
    return corpus, index


def test_a_second_ingest_waits_for_the_first_and_does_not_undo_its_changes(layout):
    corpus, index = layout
    slow = start_opmodel("ingest", "--quiet", str(corpus / "big"), index=index, corpus=corpus)
    try:
        client = peek(index)
        first = wait_for(lambda: lease_holder(client), 120, what="the slow ingest to hold the lease")
        assert first.pid == slow.pid
        (corpus / "small" / "gone.txt").unlink()
        # Without the lease this one plans from the same version, publishes first, and the slow
        # one then publishes its plan, bringing gone.txt back.
        fast = start_opmodel("ingest", "--quiet", str(corpus / "small"), index=index, corpus=corpus)
        fast_out, fast_err = fast.communicate(timeout=900)
        slow_out, slow_err = slow.communicate(timeout=900)
    finally:
        for process in (slow,):
            if process.poll() is None:
                process.kill()
                process.wait()
    assert slow.returncode == 0, slow_err
    assert fast.returncode == 0, fast_err
    assert "waiting for another ingest to finish" in fast_err and f"pid {slow.pid}" in fast_err
    assert "1 removed" in fast_out
    sources = {p.source for p in open_index(Settings(index_dir=index), HashedAsMiniLM()).passages()}
    assert "small/gone.txt" not in sources
    assert "small/keep.txt" in sources and "big/generated-07.txt" in sources
    assert lease_holder(peek(index)) is None  # released


def test_a_killed_ingest_leaves_only_published_versions_after_the_next(layout):
    corpus, index = layout
    client = peek(index)
    published = set(version_states(client))
    victim = start_opmodel("ingest", "--quiet", index=index, corpus=corpus)
    try:
        def building_with_rows():
            for name, state in version_states(client).items():
                if state == versions.BUILDING and client.get_collection(name).count() > 0:
                    return name
            return None

        partial = wait_for(building_with_rows, 300, what="the ingest to write its first batch")
    finally:
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait(30)
    assert victim.returncode == -signal.SIGKILL
    assert partial in version_states(client)  # left behind by the kill
    assert lease_holder(client).pid == victim.pid  # and its lease, whose holder is dead

    started = time.monotonic()
    report = hashed_ingest(index, corpus)  # takes the dead holder's lease over at once
    assert time.monotonic() - started < 120
    assert any("removed 1 unfinished index version" in w for w in report["warnings"])
    states = version_states(peek(index))
    assert partial not in states
    assert all(state == versions.READY for state in states.values())
    pointer = peek(index).get_collection(versions.pointer_name("opmodel")).metadata
    assert set(states) <= {pointer["collection"]} | published  # the new version and the one before
    assert segment_folders(index) <= live_segments(index)  # nothing of the killed build stays on disk


def segment_folders(index_dir: Path) -> set[str]:
    return {d.name for d in index_dir.iterdir() if d.is_dir()}


def live_segments(index_dir: Path) -> set[str]:
    import sqlite3

    with sqlite3.connect(index_dir / "chroma.sqlite3") as db:
        return {row[0] for row in db.execute("SELECT id FROM segments")}


def test_publish_refuses_a_plan_another_ingest_overtook(tmp_path):
    settings = Settings(index_dir=tmp_path / "index")
    mine, theirs = (open_index(settings, HashedAsMiniLM()) for _ in range(2))
    from index_support import corpus_passages

    mine.publish(corpus_passages(limit=5))
    planned_from = mine.current_version()
    theirs.publish(corpus_passages(limit=3))  # e.g. a removal
    with pytest.raises(IndexChangedError, match="another ingest published"):
        mine.publish(corpus_passages(limit=5, edit="mine"), planned_from=planned_from)
    assert mine.snapshot().count == 3  # theirs stands
    assert all(state == versions.READY for state in version_states(mine.client).values())


def test_a_live_holder_is_waited_for_then_named_and_a_dead_one_taken_over(tmp_path):
    index = open_index(Settings(index_dir=tmp_path / "index"), HashedAsMiniLM())
    holder = IngestLease(index, wait=0)
    holder.acquire()
    try:
        heard = []
        started = time.monotonic()
        with pytest.raises(IngestBusyError, match=rf"pid {os.getpid()} on {socket.gethostname()}.*OPMODEL_INGEST_WAIT"):
            IngestLease(index, wait=1.5, on_wait=heard.append).acquire()
        assert 1.5 <= time.monotonic() - started < 10
        assert heard and "waiting for another ingest" in heard[0]
    finally:
        holder.release()

    # A holder on another machine that stopped renewing its heartbeat is taken over.
    gone = Holder("abc", 1, "elsewhere.example", time.time() - 600, time.time() - 120)
    index.client.create_collection(lease_name("opmodel"), metadata=gone.metadata())
    with IngestLease(index, wait=5) as lease:
        assert lease.holder.pid == os.getpid()
    assert lease_holder(index.client) is None
