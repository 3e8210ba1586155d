"""The lexical side without an index: NHS lexicon, tokeniser, concept-aware BM25, fusion."""

from __future__ import annotations

import math

import pytest

from answer import bm25, lexicon
from answer.conversation import is_follow_up
from answer.query import build_query
from answer.retrieve import blend


def test_acronyms_found_with_plurals_and_expanded_both_ways():
    assert set(lexicon.find_terms("Do CCGs and the ICB use HSCN?")) >= {"ccg", "icb", "hscn"}
    assert "integrated care board" in lexicon.related_terms("icb")
    assert "icb" in lexicon.related_terms("integrated care board")


def test_ambiguous_acronyms_only_count_in_capitals():
    assert "des" not in lexicon.find_terms("what des it mean?")
    assert "ra" in lexicon.find_terms("who is the RA?")
    assert "ra" not in lexicon.find_terms("the ra of it")


def test_lineage_links_old_and_new_names():
    related = lexicon.related_terms("icb")
    assert {"ccg", "clinical commissioning group", "pct"} <= set(related)
    assert "gp it futures" in lexicon.related_terms("gpsoc")
    assert "dspt" in lexicon.related_terms("ig toolkit")
    assert related["integrated care board"] > related["ccg"], "the same body outweighs its predecessor"


def test_successions_name_the_current_body():
    notes = [s.note for s in lexicon.successions_in("CCGs must pay for systems; the NHS CB will commission")]
    assert any("Integrated Care Boards" in n and "July 2022" in n for n in notes)
    assert any("NHS England" in n for n in notes)


def test_agreement_name_alone_gets_only_its_own_note():
    notes = [s.note for s in lexicon.successions_in("under the CCG-Practice Agreement these are funded")]
    assert notes == [lexicon.LINEAGE[0].note]


def test_broader_terms_go_one_way_only():
    assert "primary care contractor" in lexicon.related_terms("dentist")
    assert "dentist" not in lexicon.related_terms("primary care contractor")


def test_tokens_keep_exact_terms_and_phrases():
    toks = bm25.tokens("Non essential Lot 2 products and the Registration Authority")
    assert "lot_2" in toks and "registration_authority" in toks
    assert bm25.words("IM&T plans for N3") == ["im&t", "plan", "n3"]


def test_tokens_fold_plurals_clitics_and_acronym_plurals():
    assert bm25.words("We're funding; it's funded; PCNs' funds") == ["fund", "fund", "pcn", "fund"]
    assert bm25.stem("planned") == bm25.stem("plan")


def test_out_of_scope_is_one_word_not_the_same_as_in_scope():
    """Without its stopwords "out of scope" would read as "scope", like "in scope"."""
    assert bm25.words("Organisations out of scope:") == ["organisation", "outofscop"]
    assert bm25.words("Out-of-scope services") == ["outofscop", "servic"]
    assert bm25.words("Organisations in scope:") == ["organisation", "scop"]


def test_concept_scores_once_through_its_best_name():
    docs = [bm25.tokens(t) for t in (
        "the integrated care board (ICB) pays",
        "practices pay for telephony",
        "the ICB funds the clinical system",
        "NHS England commissions national services",
    )]
    index = bm25.BM25(docs)
    acronym, expansion = (("icb",), 1.0), (tuple(bm25.tokens("integrated care board")), 0.9)
    both = index.scores([(acronym, expansion)])[0]
    assert both == pytest.approx(max(index.scores([(acronym,)])[0], index.scores([(expansion,)])[0]))


def test_a_name_counts_only_when_all_its_words_are_there():
    docs = [bm25.tokens(t) for t in ("CCGs must pay for systems", "the phone system is paid by the practice",
                                     "records", "smartcards")]
    index = bm25.BM25(docs)
    scores = index.scores([((tuple(bm25.tokens("phone system")), 1.0),)])
    assert scores[0] == 0 and scores[1] > 0


def test_bm25_rejects_bad_parameters():
    with pytest.raises(ValueError, match="k1"):
        bm25.BM25([["a"]], k1=-1)


def test_blend_adds_weighted_cosine_to_the_lexical_score():
    from answer.retrieve import DENSE_WEIGHT

    fused = blend({"a": 0.5, "b": 0.2}, {"b": 1.0, "c": 0.5})
    assert fused["b"] == pytest.approx(1.0 + DENSE_WEIGHT * 0.2)
    assert fused["a"] == pytest.approx(DENSE_WEIGHT * 0.5)
    assert fused["c"] == pytest.approx(0.5 + DENSE_WEIGHT * 0.2), "lexical-only passage gets the lowest cosine seen"


def test_query_spells_out_acronyms_for_the_embedder():
    q = build_query("What does the ICB do about HSCN?")
    assert "integrated care board" in q.dense_text and "health and social care network" in q.dense_text


def test_query_counts_a_repeated_subject_once_and_drops_stray_clitics():
    q = build_query("Is the ICB responsible for a practice's phone system, or is that down to the practice?")
    firsts = [concept[0][0] for concept in q.concepts]
    assert firsts.count(("practic",)) == 1
    assert ("s",) not in firsts


@pytest.mark.parametrize("question", ["and who funds it?", "What about for PCNs?", "is that still true?", "Who pays for it?"])
def test_follow_ups_detected(question):
    assert is_follow_up(question)


@pytest.mark.parametrize("question", ["Who pays for the practice phone system?", "What is Lot 2?",
                                      "Who is responsible for the Registration Authority?"])
def test_standalone_questions_not_follow_ups(question):
    assert not is_follow_up(question)


def test_bm25_scores_match_the_okapi_formula_term_by_term():
    texts = ("practices pay for telephony and telephony support", "the ICB funds the clinical system",
             "telephony", "NHS England commissions national services for practices")
    docs = [bm25.tokens(t) for t in texts]
    k1, b = 0.8, 0.5
    index = bm25.BM25(docs, k1=k1, b=b)
    avg = sum(map(len, docs)) / len(docs)

    def okapi(term, doc):
        df = sum(term in d for d in docs)
        idf = math.log(1 + (len(docs) - df + 0.5) / (df + 0.5))
        tf = doc.count(term)
        return idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(doc) / avg)) if tf else 0.0

    name = tuple(bm25.tokens("practices telephony"))  # two words and their pair
    scores = index.scores([((name, 1.0),)])
    for doc, score in zip(docs, scores):
        words = [t for t in name if not bm25.is_pair(t)]
        expected = sum(okapi(t, doc) for t in name) / len(words) if all(w in doc for w in words) else 0.0
        assert score == pytest.approx(expected, rel=1e-5)
    assert scores[0] > 0 and scores[2] == 0, "a name needs all its words"


def test_everyday_words_for_an_end_and_for_service_levels():
    assert "expired" in lexicon.related_terms("finish")
    assert "tiers" in lexicon.related_terms("levels")
