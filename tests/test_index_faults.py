"""Bad documents, wrong index paths, a full disk and a damaged index: each reproduced for real
(files written here, a real Chroma folder damaged on disk, a real tmpfs filled up) and each
answered with one clear line naming the file or folder and what to do."""

from __future__ import annotations

import glob
import os
import subprocess
from pathlib import Path

import pytest

from reliability_support import REPO, HashedAsMiniLM, hashed_ingest, opmodel, write_generated_corpus
from ingest.pipeline import run_ingest
from opmodel.index import open_index
from opmodel.passage import Passage
from opmodel.settings import Settings

ESCAPES = "\x1b[2J\x1b]0;owned\x07\x9b31m\x00"


@pytest.fixture
def corpus(tmp_path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "funding.txt").write_text("Funding\n\nThe commissioner funds the clinical system for each practice.\n")
    return folder


@pytest.fixture
def index(tmp_path):
    return open_index(Settings(index_dir=tmp_path / "index"), HashedAsMiniLM())


# -- documents --------------------------------------------------------------------------


def test_a_document_over_the_size_limit_is_skipped_by_name_and_the_rest_ingests(index, corpus):
    (corpus / "huge.txt").write_text("Huge\n\n" + "The practice keeps a log of every call. " * 200)
    report = run_ingest(index, [corpus], corpus, max_document_bytes=4000)
    assert report.added == ["funding.txt"]
    [(source, message)] = report.failed
    assert source == "huge.txt"
    assert "huge.txt: skipped" in message and "over the limit of 0.004 MB" in message and "OPMODEL_MAX_DOCUMENT_MB" in message
    assert {p.source for p in index.passages()} == {"funding.txt"}


def test_the_size_limit_is_a_setting_of_opmodel_ingest(tmp_path, corpus):
    (corpus / "huge.md").write_text("# Huge\n\n" + "The practice keeps a log of every call. " * 100)
    done = opmodel("ingest", "--quiet", index=tmp_path / "index", corpus=corpus, OPMODEL_MAX_DOCUMENT_MB="0.002")
    assert done.returncode == 1, done.stderr
    assert "failed: huge.md: skipped, 0.0 MB is over the limit of 0.002 MB" in done.stderr
    assert "1 added" in done.stdout and "Traceback" not in done.stderr


@pytest.mark.parametrize("content", [b"\x00" * 5000, b"\x00\x01\x02\x03ab" * 500, b"PK\x03\x04" + b"\x00\x14" * 300])
def test_a_txt_that_is_not_text_is_refused_by_name(index, corpus, content):
    (corpus / "binary.txt").write_bytes(content)
    report = run_ingest(index, [corpus], corpus)
    [(source, message)] = report.failed
    assert source == "binary.txt" and "binary.txt: not text" in message and "control characters" in message
    assert report.added == ["funding.txt"]


def test_control_characters_in_a_document_never_reach_its_passages(index, corpus):
    (corpus / "escapes.txt").write_text(f"Escapes\n\nThe practice{ESCAPES} orders its own printer paper.\n")
    report = run_ingest(index, [corpus], corpus)
    assert "escapes.txt" in report.added
    [passage] = [p for p in index.passages() if p.source == "escapes.txt" and "printer" in p.text]
    assert passage.text == "The practice[2J]0;owned31m orders its own printer paper."


def test_control_characters_stored_in_an_index_never_reach_the_terminal(tmp_path, corpus):
    """An index built before the rule (or by another tool) may hold them: output strips them."""
    index_dir = tmp_path / "index"
    text = f"The practice{ESCAPES} pays for its own printer paper and toner."
    open_index(Settings(index_dir=index_dir), HashedAsMiniLM()).publish(
        [Passage(source=f"bad{ESCAPES}.txt", text=text, ordinal=0, title=f"Printing{ESCAPES}", status="current")])
    for command in (("sources",), ("ask", "Who pays for printer paper?")):
        done = opmodel(*command, index=index_dir, corpus=corpus)
        assert done.returncode == 0, done.stderr
        shown = done.stdout + done.stderr
        assert "Printing" in shown
        assert not any(ch in shown for ch in "\x1b\x07\x9b\x00"), repr(shown[:500])


# -- index paths --------------------------------------------------------------------------


@pytest.mark.parametrize("command", [("ask", "Who pays for the phone system?"), ("sources",), ("chat",)])
def test_a_missing_index_folder_is_reported_and_never_created(tmp_path, corpus, command):
    missing = tmp_path / "typo" / "index"
    done = subprocess.run(
        [os.sys.executable, "-m", "opmodel", command[0], "--index", str(missing), *command[1:]],
        cwd=tmp_path, capture_output=True, text=True, input="", timeout=120,
        env=dict(os.environ, OPMODEL_CORPUS_DIR=str(corpus), PYTHONPATH=str(Path(__file__).resolve().parents[1])),
    )
    assert done.returncode == 2, done.stderr
    assert f"there is no index at {missing}" in done.stderr and "opmodel ingest" in done.stderr
    assert not (tmp_path / "typo").exists()


def _mount_tmpfs(where: Path, size: str) -> bool:
    where.mkdir()
    if os.geteuid() != 0:
        return False
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                          capture_output=True).returncode == 0


def _fill(disk: Path) -> None:
    fd = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        while os.write(fd, b"\0" * 65536):
            pass
    except OSError:
        pass
    finally:
        os.close(fd)


def test_a_full_disk_under_a_healthy_index_never_advises_deleting_it(tmp_path, corpus):
    disk = tmp_path / "disk"
    if not _mount_tmpfs(disk, "20m"):
        pytest.skip("needs root to mount a small tmpfs")
    try:
        hashed_ingest(disk / "index", corpus)
        _fill(disk)
        # Answering from the published version's copy writes nothing, so it goes on answering.
        done = opmodel("ask", "Who funds the clinical system?", index=disk / "index", corpus=corpus)
        assert done.returncode == 0 and "commissioner funds" in done.stdout, done.stderr
        # Opening Chroma itself writes: without the copy, the full disk is said plainly.
        for copy in (disk / "index").glob("opmodel-snapshot-*"):
            copy.unlink()
        done = opmodel("ask", "Who funds the clinical system?", index=disk / "index", corpus=corpus)
        assert done.returncode == 2, done.stderr
        assert f"the disk holding the index at {disk / 'index'} is full" in done.stderr
        assert "intact" in done.stderr and "delete" not in done.stderr.lower()
        assert "unexpected" not in done.stderr
        (disk / "filler").unlink()
        assert opmodel("ask", "Who funds the clinical system?", index=disk / "index", corpus=corpus).returncode == 0
    finally:
        subprocess.run(["umount", str(disk)], capture_output=True)


# -- a damaged index ---------------------------------------------------------------------


def _damage(index_dir: Path, how: str) -> None:
    """Damage the HNSW segment(s) on disk the way a crash or a bad disk does."""
    segments = glob.glob(str(index_dir / "*" / "data_level0.bin"))
    assert segments, "the vectors should be on disk (Chroma writes them from ~1,000)"
    for data in segments:
        if how == "truncated":
            os.truncate(data, os.path.getsize(data) // 3)
        else:
            Path(data).with_name("header.bin").write_bytes(os.urandom(100))


@pytest.mark.parametrize("how", ["truncated", "garbled header"])
def test_a_damaged_index_is_reported_and_ingest_rebuild_repairs_it(tmp_path, how):
    corpus = write_generated_corpus(tmp_path / "corpus")
    index_dir = tmp_path / "index"
    hashed_ingest(index_dir, corpus)
    _damage(index_dir, how)

    done = opmodel("ask", "Who looks after the telephony at site 2910?", index=index_dir, corpus=corpus)
    assert done.returncode == 2, done.stderr
    assert "is damaged" in done.stderr and "opmodel ingest --rebuild" in done.stderr
    assert "unexpected" not in done.stderr and "Traceback" not in done.stderr

    report = hashed_ingest(index_dir, corpus, rebuild=True)
    assert not report["failed"] and report["passages"] == 1350
    assert any("the index is damaged; rebuilding it" in w for w in report["warnings"])
    done = opmodel("ask", "Who looks after the telephony at site 2910?", index=index_dir, corpus=corpus)
    assert done.returncode == 0, done.stderr


def test_ingest_rebuild_replaces_an_index_whose_database_is_damaged(tmp_path):
    """Chroma's own SQLite file garbled: no new version can be written into it, so the rebuild
    moves the folder aside (keeping it) and builds a fresh index at the same path."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("000_448a70553580d094.txt", "002_3cb49c6c378df80e.txt"):
        (corpus / name).write_text((REPO / "corpus" / name).read_text(encoding="utf-8"), encoding="utf-8")
    index_dir = tmp_path / "index"
    hashed_ingest(index_dir, corpus)
    database = index_dir / "chroma.sqlite3"
    with database.open("r+b") as handle:  # every page after the first: a disk gone bad
        handle.seek(4096)
        handle.write(os.urandom(database.stat().st_size - 4096))

    done = opmodel("sources", index=index_dir, corpus=corpus)
    assert done.returncode == 2 and "opmodel ingest --rebuild" in done.stderr and "Delete" not in done.stderr

    done = opmodel("ingest", "--rebuild", "--quiet", index=index_dir, corpus=corpus)
    assert done.returncode == 0, done.stderr
    [aside] = tmp_path.glob("index.damaged-*")
    assert f"moved the damaged index to {aside}" in done.stderr and (aside / "chroma.sqlite3").is_file()
    done = opmodel("sources", index=index_dir, corpus=corpus)
    assert done.returncode == 0 and "GPSoC" in done.stdout, done.stderr


def test_reingests_leave_no_folder_of_a_dropped_version_on_disk(tmp_path, corpus):
    """Embedded Chroma keeps a deleted collection's vector folder; every re-ingest used to add one."""
    import sqlite3

    index_dir = tmp_path / "index"
    index = open_index(Settings(index_dir=index_dir), HashedAsMiniLM())
    index.grace_seconds = 0  # versions retired before are collected at once, as they are 2 minutes on
    folders = []
    for revision in range(4):
        (corpus / "funding.txt").write_text(f"Funding\n\nRevision {revision}: the commissioner funds the clinical system.\n")
        run_ingest(index, [corpus], corpus)
        folders.append({d.name for d in index_dir.iterdir() if d.is_dir()})
    with sqlite3.connect(index_dir / "chroma.sqlite3") as db:
        live = {row[0] for row in db.execute("SELECT id FROM segments")}
    assert folders[-1] <= live
    assert len(folders[-1]) == len(folders[1])  # the current and the previous version, no more
