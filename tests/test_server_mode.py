"""Server mode against a real `chroma run`: ingest in one process, answer in another, re-ingest
while answering, and clear errors for an unreachable server or a different embedder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from index_support import CORPUS, OtherModelEmbedder, chroma_url, corpus_passages, embedder, prefix  # noqa: F401  (fixtures)
from opmodel.errors import EmbedderMismatchError, IndexUnreachableError
from opmodel.index import open_index
from opmodel.index_client import server_client
from opmodel.settings import Settings

pytestmark = pytest.mark.server

PHONE_QUESTION = "Who pays for the practice phone system?"
PHONE_SOURCE = "001_f5b8b55b8638404c.txt"


def opmodel(*args: str, url: str, prefix: str, corpus: Path, stdin: str | None = None, timeout: float = 300):
    env = dict(
        os.environ,
        OPMODEL_CHROMA_URL=url,
        OPMODEL_COLLECTION=prefix,
        OPMODEL_CORPUS_DIR=str(corpus),
        HF_HUB_OFFLINE="1",
        ANONYMIZED_TELEMETRY="False",
    )
    return subprocess.run(
        [sys.executable, "-m", "opmodel", *args],
        cwd=corpus.parent, env=env, input=stdin, capture_output=True, text=True, timeout=timeout,
    )


SMALL_DOCUMENTS = ("000_448a70553580d094.txt", "002_3cb49c6c378df80e.txt", "003_853fdf65414417db.txt")


def copy_corpus(target: Path, only: tuple[str, ...] = ()) -> Path:
    """The shipped corpus, or only some of its documents where the test is about versions, not
    retrieval: each `opmodel ingest` then embeds a few dozen passages instead of the whole corpus."""
    shutil.copytree(CORPUS, target, ignore=(lambda _, names: [n for n in names if n.endswith(".txt") and n not in only]) if only else None)
    return target


@pytest.fixture(scope="module")
def served(chroma_url, tmp_path_factory):
    """The shipped corpus ingested into the server once by `opmodel ingest` (read-only for tests)."""
    import uuid

    corpus = copy_corpus(tmp_path_factory.mktemp("served") / "corpus")
    prefix = f"served{uuid.uuid4().hex[:8]}"
    done = opmodel("ingest", "--quiet", url=chroma_url, prefix=prefix, corpus=corpus)
    assert done.returncode == 0, done.stderr
    return chroma_url, prefix, corpus


@pytest.fixture
def small_corpus(tmp_path):
    return copy_corpus(tmp_path / "corpus", SMALL_DOCUMENTS)


def set_revision(corpus: Path, word: str) -> None:
    """Two versions of the corpus that differ in one document."""
    path = corpus / "000_448a70553580d094.txt"
    base = (CORPUS / path.name).read_text(encoding="utf-8")
    path.write_text(base.rstrip() + f"\n\nBulletin revision note: this copy is revision {word}.\n", encoding="utf-8")


def assistant_for(url: str, prefix: str):
    from answer.engine import Assistant

    return Assistant.from_settings(Settings(chroma_url=url, collection=prefix))


QUESTIONS = [
    PHONE_QUESTION,
    "What is HSCN?",
    "Who is responsible for Registration Authority services?",
    "What did the NHS Commissioning Board announce about GP IT?",
    "Which lot of GP IT Futures covers clinical systems?",
]


def summary(answer) -> tuple:
    return answer.abstained, answer.text, [(c.passage.source, c.passage.ordinal) for c in answer.citations]


def test_ingest_in_one_process_answer_in_another_same_as_embedded(served, embedder, tmp_path):
    from answer.engine import make_assistant
    from ingest.pipeline import run_ingest

    chroma_url, prefix, corpus = served
    on_server = assistant_for(chroma_url, prefix)

    embedded_settings = Settings(index_dir=tmp_path / "embedded", corpus_dir=corpus)
    embedded_index = open_index(embedded_settings, embedder)
    run_ingest(embedded_index, [corpus], corpus)
    embedded = make_assistant(embedded_index, embedded_settings)  # the answerer the settings name, as on the server
    for question in QUESTIONS:
        assert summary(on_server.ask(question)) == summary(embedded.ask(question)), question

    again = opmodel("ingest", "--quiet", url=chroma_url, prefix=prefix, corpus=corpus)
    assert again.returncode == 0 and "0 added, 0 updated, 0 removed, 5 unchanged" in again.stdout


def test_ask_json_from_a_separate_process(served):
    chroma_url, prefix, corpus = served
    done = opmodel("ask", "--json", url=chroma_url, prefix=prefix, corpus=corpus, stdin=PHONE_QUESTION + "\n")
    assert done.returncode == 0, done.stderr
    reply = json.loads(done.stdout.splitlines()[0])
    expected = assistant_for(chroma_url, prefix).ask(PHONE_QUESTION)
    assert reply["question"] == PHONE_QUESTION and reply["answer"] == expected.text
    assert [c["text"] for c in reply["citations"]] == [c.passage.text for c in expected.citations]


def test_reingest_while_answering_never_shows_a_partial_version(chroma_url, prefix, small_corpus, embedder):
    corpus = small_corpus
    settings = Settings(chroma_url=chroma_url, collection=prefix)
    ids_of, texts = {}, set()
    for word in ("alpha", "beta"):
        set_revision(corpus, word)
        assert opmodel("ingest", "--quiet", url=chroma_url, prefix=prefix, corpus=corpus).returncode == 0
        passages = open_index(settings, embedder).passages()
        ids_of[word] = frozenset(p.id for p in passages)
        texts |= {p.text for p in passages}
    assert ids_of["alpha"] != ids_of["beta"]

    index = open_index(settings, embedder)
    assistant = assistant_for(chroma_url, prefix)
    probe = embedder.embed(["Bulletin revision note"])[0]
    stop, seen, problems = threading.Event(), set(), []

    def answer_in_a_loop():
        while not stop.is_set():
            try:
                snap = index.snapshot()
                ids = frozenset(p.id for p in index.passages(snap))
                if ids not in ids_of.values() or len(ids) != snap.count:
                    problems.append(f"{snap.collection}: {len(ids)} passages, matches no complete version")
                if not {p.id for p, _ in index.search(probe, 5, snap)} <= ids:
                    problems.append(f"{snap.collection}: search returned passages of another version")
                seen.add(snap.collection)
                answer = assistant.ask("What did the NHS Commissioning Board publish?")
                if not answer.citations or not {c.passage.text for c in answer.citations} <= texts:
                    problems.append(f"answer cites passages of no complete version: {answer.text[:120]!r}")
            except Exception as exc:  # any error while an ingest runs is a failure
                problems.append(f"{exc.__class__.__name__}: {exc}")
            time.sleep(0.02)  # a busy bot, not a spin loop starving the ingest of CPU

    readers = [threading.Thread(target=answer_in_a_loop) for _ in range(2)]
    for thread in readers:
        thread.start()
    try:
        for word in ("alpha", "beta", "alpha"):
            set_revision(corpus, word)
            done = opmodel("ingest", "--quiet", url=chroma_url, prefix=prefix, corpus=corpus)
            assert done.returncode == 0, done.stderr
        time.sleep(0.5)
    finally:
        stop.set()
        for thread in readers:
            thread.join(60)
    assert not problems, problems[:5]
    assert len(seen) >= 3, "the readers should have answered from several versions"
    assert frozenset(p.id for p in index.passages()) == ids_of["alpha"]


def test_two_ingests_at_once_leave_one_complete_version(chroma_url, prefix, tmp_path):
    corpora = []
    for word in ("left", "right"):
        target = copy_corpus(tmp_path / word / "corpus", SMALL_DOCUMENTS)
        set_revision(target, word)
        corpora.append(target)
    env_runs = [
        subprocess.Popen(
            [sys.executable, "-m", "opmodel", "ingest", "--quiet"],
            cwd=target.parent,
            env=dict(os.environ, OPMODEL_CHROMA_URL=chroma_url, OPMODEL_COLLECTION=prefix, OPMODEL_CORPUS_DIR=str(target)),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for target in corpora
    ]
    for run in env_runs:
        _, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
    index = open_index(Settings(chroma_url=chroma_url, collection=prefix), OtherModelEmbedder())
    client = index.client
    pointer = client.get_collection(f"{prefix}-pointer").metadata
    winner = client.get_collection(pointer["collection"])
    assert winner.count() == pointer["count"]
    revisions = {d for d in winner.get(include=["documents"])["documents"] if "revision note" in d}
    assert len(revisions) == 1  # one corpus or the other, never a mixture


def test_unreachable_server_fails_fast_with_url_and_fix(small_corpus):
    from bench.local_chroma import free_port

    url = f"http://127.0.0.1:{free_port()}"
    started = time.monotonic()
    with pytest.raises(IndexUnreachableError) as caught:
        open_index(Settings(chroma_url=url))
    assert time.monotonic() - started < 5
    assert url in str(caught.value) and "chroma run" in str(caught.value) and "OPMODEL_CHROMA_URL" in str(caught.value)

    done = opmodel("ingest", "--quiet", url=url, prefix="opmodel", corpus=small_corpus, timeout=60)
    assert done.returncode == 2 and url in done.stderr and "Traceback" not in done.stderr


def test_unanswering_host_times_out_instead_of_hanging():
    started = time.monotonic()
    with pytest.raises(IndexUnreachableError):
        server_client("http://10.255.255.1:8000", timeout=1.0)  # a non-routable address
    assert time.monotonic() - started < 5


def test_server_that_stops_mid_session_gives_a_clear_error(tmp_path, embedder, prefix):
    from bench.local_chroma import LocalChroma

    with LocalChroma(tmp_path / "short-lived") as server:
        index = open_index(Settings(chroma_url=server.url, collection=prefix), embedder)
        index.publish(corpus_passages(limit=5))
        server.stop()
        with pytest.raises(IndexUnreachableError, match="did not answer"):
            index.snapshot()


def test_collection_built_with_another_embedder_is_refused_clearly(chroma_url, prefix, embedder):
    settings = Settings(chroma_url=chroma_url, collection=prefix)
    open_index(settings, embedder).publish(corpus_passages(limit=5))
    with pytest.raises(EmbedderMismatchError, match=r"all-MiniLM-L6-v2 \(384 dimensions\).*trigram-hash-64.*--rebuild"):
        open_index(settings, OtherModelEmbedder()).snapshot()
