"""Every evaluation set's Q&A pairs (eval/sets.yaml) are well formed, cover what the issues ask,
and quote their corpus exactly (a PDF's text as the product's loader reads it)."""

from collections import Counter
from pathlib import Path

import pytest

from eval.pairs import CATEGORIES, PairsError, load_pairs, pair_from_record, select, split_for
from eval.sets import load_sets
from eval.textmatch import load_corpus_texts, normalise_whitespace

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"  # the configured corpus of the sets that name none of their own
SETS = load_sets()
# What each set must hold at least: pairs, out-of-scope pairs, answerable conversations.
# shipped: the original issue's counts; fresh: as written; wrenmoor: issue 12 (150 pairs, 30 declines);
# tarnbridge: its brief (about 160 pairs, at least 30 declines, 8-10 conversations); calderwick: its
# brief (at least 160 pairs, 40 declines, 10 conversations).
MINIMUMS = {"shipped": (110, 20, 10), "fresh": (140, 20, 10), "wrenmoor": (150, 30, 10),
            "tarnbridge": (160, 30, 8), "calderwick": (160, 40, 10)}
# fresh.yaml's writers chose its dev/test halves by hand before it was first run (see its header),
# not by the id rule; moving pairs between its halves now would mix seen and unseen questions.
HAND_SPLIT = {"fresh"}
# probes.yaml: questions earlier behaviour tests pinned, all dev (tuned against for months); a
# handful per behaviour, not a sample of every category and document.
REGRESSION_PROBES = {"probes"}
# Key facts no answer can state as whole words, found when this test was generalised to fresh.yaml
# ("£230million" has no word "230"; "NHS C" is cut short). They only make answer_correct stricter
# for those two pairs; fix them in fresh.yaml and empty this list.
KEY_FACT_FLAWS = {("freshB-2014-16-funding", "230"), ("freshB-nhsmail-password-resets", "NHS C")}


@pytest.fixture(scope="module", params=SETS, ids=[s.name for s in SETS])
def eval_set(request):
    return request.param


@pytest.fixture(scope="module")
def pairs(eval_set):
    return eval_set.load_pairs()


@pytest.fixture(scope="module")
def corpus_texts(eval_set):
    return load_corpus_texts(eval_set.corpus_dir(CORPUS))


def test_enough_pairs_and_every_category(eval_set, pairs):
    if eval_set.name in REGRESSION_PROBES:
        pytest.skip(f"{eval_set.name}: regression probes, see REGRESSION_PROBES")
    least, least_declined, _ = MINIMUMS.get(eval_set.name, (1, 1, 0))
    assert len(pairs) >= least
    counts = Counter(p.category for p in pairs)
    assert set(counts) == set(CATEGORIES)
    assert counts["out_of_scope"] >= least_declined
    assert all(n >= 10 for n in counts.values()), counts


def test_enough_two_turn_conversations(eval_set, pairs):
    least = MINIMUMS.get(eval_set.name, (1, 1, 0))[2]
    conversations = [p for p in pairs if p.is_conversation]
    assert sum(p.answerable for p in conversations) >= least


def test_every_document_is_covered(eval_set, pairs, corpus_texts):
    if eval_set.name in REGRESSION_PROBES:
        pytest.skip(f"{eval_set.name}: regression probes, see REGRESSION_PROBES")
    assert {p.source for p in pairs if p.answerable} == set(corpus_texts)


def test_split_follows_the_rule_fixed_before_tuning(eval_set, pairs):
    if eval_set.name in REGRESSION_PROBES:
        assert {p.split for p in pairs} == {"dev"}
        return
    if eval_set.name in HAND_SPLIT:
        assert {p.split for p in pairs} == {"dev", "test"}
        return
    for pair in pairs:
        assert pair.split == split_for(pair.id), pair.id


def test_both_splits_hold_every_kind_of_question(eval_set, pairs):
    if eval_set.name in HAND_SPLIT | REGRESSION_PROBES:
        pytest.skip(f"{eval_set.name}: halves chosen by hand, see HAND_SPLIT")
    for split in ("dev", "test"):
        chosen = select(pairs, split)
        assert {p.category for p in chosen} == set(CATEGORIES), split
        assert any(p.is_conversation for p in chosen), split
    share = len(select(pairs, "dev")) / len(pairs)
    assert 0.5 <= share <= 0.7


def test_every_evidence_quote_is_verbatim_in_the_corpus_and_one_in_its_source(pairs, corpus_texts):
    # Evidence quotes are alternatives: a later FAQ may answer as well as the operating model the
    # pair names as its source, and a lead quoting it is right. The source still holds one.
    unknown = sorted({p.source for p in pairs if p.answerable} - set(corpus_texts))
    assert not unknown, "pairs cite documents that are not in the corpus"
    missing = [
        (p.id, quote)
        for p in pairs
        for quote in p.evidence
        if not any(normalise_whitespace(quote) in text for text in corpus_texts.values())
    ]
    assert not missing
    sourceless = [
        p.id for p in pairs if p.answerable
        and not any(normalise_whitespace(quote) in corpus_texts[p.source] for quote in p.evidence)
    ]
    assert not sourceless


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


def test_ids_are_unique_across_sets_on_the_same_corpus():
    by_corpus: dict[Path, Counter] = {}
    for s in SETS:
        by_corpus.setdefault(s.corpus_dir(CORPUS).resolve(), Counter()).update(p.id for p in s.load_pairs())
    assert not [i for ids in by_corpus.values() for i, n in ids.items() if n > 1]


def test_every_key_fact_can_be_stated_from_its_source(pairs, corpus_texts):
    from eval.metrics import mentions

    unreachable = {
        (p.id, fact) for p in pairs for fact in p.key_facts if not mentions(corpus_texts[p.source], fact)
    }
    assert not unreachable - KEY_FACT_FLAWS


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
