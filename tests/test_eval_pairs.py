"""The known Q&A pairs are well formed, cover what the issue asks, and quote the corpus exactly."""

from collections import Counter
from pathlib import Path

import pytest

from eval.pairs import CATEGORIES, DEFAULT_PAIRS_FILE, PairsError, load_pairs, pair_from_record, select, split_for
from eval.textmatch import load_corpus_texts, normalise_whitespace

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="module")
def pairs():
    return load_pairs(DEFAULT_PAIRS_FILE)


@pytest.fixture(scope="module")
def corpus_texts():
    return load_corpus_texts(CORPUS)


def test_enough_pairs_and_every_category(pairs):
    assert len(pairs) >= 110
    counts = Counter(p.category for p in pairs)
    assert set(counts) == set(CATEGORIES)
    assert counts["out_of_scope"] >= 20
    assert all(n >= 10 for n in counts.values()), counts


def test_enough_two_turn_conversations(pairs):
    conversations = [p for p in pairs if p.is_conversation]
    assert len(conversations) >= 10
    assert sum(p.answerable for p in conversations) >= 10


def test_every_document_is_covered(pairs, corpus_texts):
    assert {p.source for p in pairs if p.answerable} == set(corpus_texts)


def test_split_follows_the_rule_fixed_before_tuning(pairs):
    for pair in pairs:
        assert pair.split == split_for(pair.id), pair.id


def test_both_splits_hold_every_kind_of_question(pairs):
    for split in ("dev", "test"):
        chosen = select(pairs, split)
        assert {p.category for p in chosen} == set(CATEGORIES), split
        assert any(p.is_conversation for p in chosen), split
    share = len(select(pairs, "dev")) / len(pairs)
    assert 0.5 <= share <= 0.7


def test_every_evidence_quote_is_verbatim_in_its_source(pairs, corpus_texts):
    missing = [
        (p.id, quote)
        for p in pairs
        for quote in p.evidence
        if normalise_whitespace(quote) not in corpus_texts[p.source]
    ]
    assert not missing


def test_evidence_quotes_are_short_phrases(pairs):
    for pair in pairs:
        for quote in pair.evidence:
            assert 3 <= len(quote.split()) <= 20, (pair.id, quote)


def test_out_of_scope_pairs_expect_nothing(pairs):
    for pair in pairs:
        if not pair.answerable:
            assert not pair.evidence and not pair.key_facts and pair.source is None, pair.id


def test_ids_are_unique_and_questions_distinct(pairs):
    assert len({p.id for p in pairs}) == len(pairs)
    assert len({p.turns for p in pairs}) == len(pairs)


def test_malformed_pairs_are_rejected_with_the_id_named():
    good = {"id": "x1", "split": "dev", "category": "funding", "question": "Who pays?",
            "evidence": ["the government will pay"], "key_facts": [], "source": "a.txt"}
    assert pair_from_record(good).question == "Who pays?"
    for change in (
        {"category": "sport"},
        {"split": "train"},
        {"evidence": []},
        {"evidence": "not a list"},
        {"turns": ["only one"]},
    ):
        with pytest.raises(PairsError, match="x1"):
            pair_from_record({**good, **change})
    with pytest.raises(PairsError, match="out_of_scope pair must have no evidence"):
        pair_from_record({**good, "category": "out_of_scope"})


def test_a_conversation_asks_its_last_turn_with_the_earlier_ones_as_history():
    pair = pair_from_record({"id": "c1", "split": "dev", "category": "funding",
                             "turns": ["Who buys the system?", "And who pays?"],
                             "evidence": ["paid for locally"], "source": "a.txt"})
    assert pair.question == "And who pays?"
    assert pair.history == ("Who buys the system?",)


def test_missing_or_broken_pairs_file_is_a_clear_error(tmp_path):
    with pytest.raises(PairsError, match="cannot read"):
        load_pairs(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("- id: [unclosed\n")
    with pytest.raises(PairsError, match="not valid YAML"):
        load_pairs(bad)


def test_every_key_fact_can_be_stated_from_its_source(pairs, corpus_texts):
    from eval.metrics import mentions

    unreachable = [
        (p.id, fact) for p in pairs for fact in p.key_facts if not mentions(corpus_texts[p.source], fact)
    ]
    assert not unreachable


def test_fresh_set_loads_and_quotes_the_corpus_exactly(corpus_texts):
    fresh = load_pairs(ROOT / "eval" / "fresh.yaml")
    assert {p.split for p in fresh} == {"dev", "test"}
    missing = [(p.id, q) for p in fresh for q in p.evidence if normalise_whitespace(q) not in corpus_texts[p.source]]
    assert not missing
