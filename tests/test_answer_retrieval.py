"""Hybrid retrieval against a real Chroma holding the real corpus, ingested by the real pipeline."""

from __future__ import annotations

import threading
import time

import pytest

from answer.conversation import contextual_query
from answer.query import build_query
from answer.retrieve import Retriever
from answer_support import assistant, copy_corpus, corpus_index_dir  # noqa: F401  (fixtures)
from ingest.pipeline import run_ingest
from opmodel.embedding import default_embedder
from opmodel.index import open_index
from opmodel.settings import Settings


def top_texts(assistant, question, k=3, history=()):
    hits = assistant.retriever.search(contextual_query(question, history), k=k).hits
    return [h.passage.text for h in hits]


def test_exact_term_lot_2_comes_first(assistant):
    assert top_texts(assistant, "What is Lot 2?", k=1)[0].startswith("Lot 2:")


def test_exact_term_registration_authority(assistant):
    assert any("Registration Authority for all primary care contractors" in t
               for t in top_texts(assistant, "Who is the Registration Authority for primary care contractors?"))


def test_acronym_finds_its_expansion(assistant):
    # The corpus spells out "Digital First Online Consultation and Video Consultation" next to DFOCVC.
    assert "DFOCVC" in top_texts(assistant, "What is the DFOCVC framework?", k=1)[0]


def test_paraphrase_found_without_shared_words(assistant):
    texts = top_texts(assistant, "Who pays for the practice phone system?")
    assert any("GP telephony remains a practice responsibility" in t for t in texts)


def test_new_body_name_finds_text_using_the_old_one(assistant):
    texts = top_texts(assistant, "Does the ICB buy and maintain our clinical computer systems?")
    assert any("CCGs have the responsibility for buying and maintaining GP clinical computer systems" in t for t in texts)


def test_both_sides_contribute(assistant):
    hits = assistant.retriever.search(build_query("Who issues NHS smartcards?"), k=5).hits
    assert hits[0].dense_rank is not None and hits[0].lexical_rank is not None
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_follow_up_carries_the_subject(assistant):
    alone = top_texts(assistant, "and who pays for them?")
    followed = top_texts(assistant, "and who pays for them?", history=["Who buys GP clinical systems?"])
    assert followed != alone
    assert any("CCG" in t for t in followed)


def test_lexical_side_rebuilt_when_another_process_publishes(tmp_path):
    corpus = copy_corpus(tmp_path / "corpus")
    settings = Settings(index_dir=tmp_path / "index")
    run_ingest(open_index(settings, default_embedder()), [], corpus)
    retriever = Retriever(open_index(settings, default_embedder()))
    first = retriever.corpus()

    (corpus / "zz-new.txt").write_text("Wombat provisioning: the practice orders wombats through the ICB.\n")
    run_ingest(open_index(settings, default_embedder()), [], corpus)  # as another process would

    hits = retriever.search(build_query("How are wombats provisioned?"), k=3).hits
    assert retriever.corpus().version != first.version
    assert hits[0].passage.source == "zz-new.txt"


def test_large_corpus_keeps_answering_from_the_previous_version_while_the_new_one_builds(tmp_path):
    corpus = copy_corpus(tmp_path / "corpus")
    settings = Settings(index_dir=tmp_path / "index")
    run_ingest(open_index(settings, default_embedder()), [], corpus)
    retriever = Retriever(open_index(settings, default_embedder()), background_from=1)  # every corpus is "large"
    first = retriever.corpus()

    (corpus / "zz-new.txt").write_text("Wombat provisioning: the practice orders wombats through the ICB.\n")
    run_ingest(open_index(settings, default_embedder()), [], corpus)

    during = retriever.search(build_query("How are wombats provisioned?"), k=3)
    assert during.corpus.version == first.version, "answered from the version before, not a half-built one"
    assert all(h.passage.source != "zz-new.txt" for h in during.hits), "dense side agrees with the lexical side"
    deadline = time.monotonic() + 30
    while retriever.corpus().version == first.version and time.monotonic() < deadline:
        time.sleep(0.05)
    after = retriever.search(build_query("How are wombats provisioned?"), k=3)
    assert after.corpus.version != first.version
    assert after.hits[0].passage.source == "zz-new.txt"


def test_previous_version_collected_mid_build_falls_back_to_the_active_one(tmp_path):
    corpus = copy_corpus(tmp_path / "corpus")
    settings = Settings(index_dir=tmp_path / "index")
    run_ingest(open_index(settings, default_embedder()), [], corpus)
    retriever = Retriever(open_index(settings, default_embedder()), background_from=1)
    first = retriever.corpus()

    (corpus / "zz-new.txt").write_text("Wombat provisioning: the practice orders wombats through the ICB.\n")
    other = open_index(settings, default_embedder())
    run_ingest(other, [], corpus)
    other.client.delete_collection(first.version)  # as a later ingest's garbage collection would

    hits = retriever.search(build_query("How are wombats provisioned?"), k=3).hits
    assert retriever.corpus().version != first.version
    assert hits[0].passage.source == "zz-new.txt"


def test_retriever_rejects_a_bad_background_threshold(tmp_path):
    with pytest.raises(ValueError, match="background_from"):
        Retriever(open_index(Settings(index_dir=tmp_path / "i"), default_embedder()), background_from=0)


def test_concurrent_questions_get_the_same_answers(assistant):
    questions = ["What is Lot 2?", "Who issues NHS smartcards?", "Who pays for the practice phone system?"] * 4
    expected = {q: assistant.ask(q).text for q in set(questions)}
    results: dict[int, str] = {}

    def ask(i, q):
        results[i] = assistant.ask(q).text

    threads = [threading.Thread(target=ask, args=(i, q)) for i, q in enumerate(questions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(results[i] == expected[q] for i, q in enumerate(questions))


def test_a_defined_term_named_in_the_question_lifts_its_definition(assistant):
    texts = top_texts(assistant, "Would a practice-bought laptop on the network be counted as managed GP IT infrastructure?", k=1)
    assert texts[0].startswith("Managed GP IT infrastructure:")


def test_only_distinctive_defined_terms_count():
    """A term of two words or more, in few passages: "operating model" is defined, but everywhere."""
    from answer.retrieve import Corpus
    from opmodel.passage import Passage

    def passage(i, text, section):
        return Passage(source="d.txt", text=text, ordinal=i, title="t", status="current", section=section)

    passages = [
        passage(0, "Operating model: This document.", "Definitions > Operating model"),
        passage(1, "Managed GP IT device: A device in the estate.", "Definitions > Managed GP IT device"),
        passage(2, "Practice: A GP contract holder.", "Definitions > Practice"),
        *(passage(3 + i, f"The operating model says thing {i}.", "About") for i in range(4)),
    ]
    corpus = Corpus.build(snapshot=None, passages=passages)
    assert corpus.terms == {("managed", "gp", "it", "device"): (1,)}
    assert corpus.named_definitions("Is a tablet a managed GP IT device?") == [1]
    assert corpus.named_definitions("What does the operating model say about a device?") == []
