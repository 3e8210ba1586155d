"""Metric functions on hand-made answers (real Answer, Citation and Passage objects)."""

import pytest

from answer.types import Answer, Citation
from eval.metrics import (
    answer_rank,
    citation_problems,
    evidence_rank,
    is_answer_correct,
    is_lead_correct,
    mentions,
    percentile,
    score,
    summarise,
    summarise_baseline,
)
from eval.pairs import Pair
from eval.thresholds import Threshold, ThresholdsError, load_thresholds, missed
from opmodel.passage import Passage

DOC = "gpsoc.txt"
CORPUS = {
    DOC: "CCGs have the responsibility for buying and maintaining GP clinical computer systems. "
    "Non essential Lot 2 and Lot 3 products will need to be procured and paid for locally by the CCG. "
    "The GPSoC contractual framework expired in December 2018.",
    "phones.txt": "guidance and a template specification to support practices procuring Advanced "
    "Telephony Solutions although GP telephony remains a practice responsibility.",
}


def passage(text: str, source: str = DOC, ordinal: int = 0) -> Passage:
    return Passage(source=source, text=text, ordinal=ordinal, title="GPSoC guidance", status="superseded")


BUYING = passage("CCGs have the responsibility for buying and maintaining GP clinical computer systems.")
LOT2 = passage("Non essential Lot 2 and Lot 3 products will need to be procured and paid for locally by the CCG.", ordinal=1)
EXPIRY = passage("The GPSoC contractual framework expired in December 2018.", ordinal=2)
PHONES = passage("GP telephony remains a practice responsibility.", source="phones.txt")


def answer(text: str, *passages: Passage, abstained: bool = False, quotes=()) -> Answer:
    citations = [Citation(n=i, passage=p, score=1.0 / i) for i, p in enumerate(passages, start=1)]
    return Answer(question="q", text=text, abstained=abstained, citations=citations, quotes=list(quotes))


def pair(pair_id="p1", category="funding", evidence=("paid for locally by the CCG",), key_facts=("CCG",),
         turns=("Who pays for Lot 2?",), split="dev") -> Pair:
    answerable = category != "out_of_scope"
    return Pair(id=pair_id, split=split, category=category, turns=tuple(turns),
                evidence=tuple(evidence) if answerable else (), key_facts=tuple(key_facts) if answerable else (),
                source=DOC if answerable else None)


# -- retrieval ranks ---------------------------------------------------------------------

def test_rank_is_the_first_cited_passage_holding_any_evidence_quote():
    a = answer("x", BUYING, LOT2, EXPIRY)
    assert answer_rank(pair(), a) == 2
    assert answer_rank(pair(evidence=("no such words anywhere",)), a) is None
    assert answer_rank(pair(evidence=("nothing", "expired in December 2018")), a) == 3


def test_evidence_match_ignores_whitespace_case_and_curly_quotes():
    assert evidence_rank(["PAID  for\nlocally by the ccg"], [LOT2.text]) == 1
    assert evidence_rank(["practices’ IT systems"], ["The funding of practices' IT systems"]) == 1
    assert evidence_rank(["Non-core – eg IP Telephony"], ["Non-core - eg IP Telephony"]) == 1


def test_an_abstention_is_a_retrieval_miss_even_with_nearest_passages():
    a = answer("The documents don't answer this.", LOT2, abstained=True)
    assert answer_rank(pair(), a) is None


# -- answer correctness ------------------------------------------------------------------

def test_answer_is_correct_when_it_quotes_the_evidence_even_with_markers():
    a = answer("“Non essential Lot 2 and Lot 3 products will need to be procured and paid for locally [1] by the CCG.” [1]", LOT2)
    assert is_answer_correct(pair(key_facts=("something absent",)), a)


def test_answer_is_correct_when_it_states_every_key_fact():
    a = answer("Your ICB pays for these locally [1].", LOT2)
    assert is_answer_correct(pair(key_facts=("CCG", "locally")), a)  # CCG became ICB: lineage equivalent
    assert not is_answer_correct(pair(key_facts=("CCG", "government")), a)


def test_empty_key_facts_never_make_a_wrong_answer_right():
    a = answer("Something unrelated [1].", LOT2)
    assert not is_answer_correct(pair(key_facts=()), a)


def test_abstained_answers_are_never_correct():
    a = answer("Non essential Lot 2 and Lot 3 products will need to be procured and paid for locally by the CCG.",
               LOT2, abstained=True)
    assert not is_answer_correct(pair(), a)


@pytest.mark.parametrize("text, fact, expected", [
    ("The Clinical Commissioning Groups manage it", "ICB", True),
    ("NHS England will commission access", "NHS Commissioning Board", True),
    ("complete the annual DSPT", "IG Toolkit", True),
    ("GP Systems of Choice expired", "GPSoC", True),
    ("CCGs pay", "CCG", True),
    ("sixteen editions", "six", False),
    ("the practice pays", "government", False),
    ("paid by the PRACTICE", "practice", True),
])
def test_key_facts_match_whole_words_and_lineage_names(text, fact, expected):
    assert mentions(text, fact) is expected


# -- lead quote ------------------------------------------------------------------------

def test_lead_is_correct_only_when_the_first_quote_holds_the_evidence():
    lead_right = answer("“…paid for locally by the CCG.” [1] “CCGs have the responsibility…” [2]", LOT2, BUYING,
                        quotes=[LOT2.text, BUYING.text])
    assert is_lead_correct(pair(), lead_right)
    # The evidence is quoted, and cited first, but not in the lead: the answer text is right, the lead is not.
    lead_second = answer("“CCGs have the responsibility…” [2] “…paid for locally by the CCG.” [1]", LOT2, BUYING,
                         quotes=[BUYING.text, LOT2.text])
    assert is_answer_correct(pair(), lead_second)
    assert not is_lead_correct(pair(), lead_second)


def test_lead_match_is_loose_and_needs_a_quote_and_an_answer():
    loose = answer("x [1]", LOT2, quotes=["NON ESSENTIAL Lot 2 and Lot 3 products will need to be procured and "
                                          "paid  for\nlocally [1] by the CCG."])
    assert is_lead_correct(pair(), loose)  # case, whitespace and a stray marker do not matter
    assert not is_lead_correct(pair(), answer("Paid for locally by the CCG [1].", LOT2))  # no quotes recorded
    declined = answer("Not sure.", LOT2, abstained=True, quotes=[LOT2.text])
    assert not is_lead_correct(pair(), declined)
    oos = pair("oos", category="out_of_scope", turns=("Who won the cup?",))
    assert not is_lead_correct(oos, answer("x [1]", LOT2, quotes=[LOT2.text]))


def test_lead_correct_is_summarised_over_answerable_pairs():
    right = score(pair("a"), answer("x [1]", LOT2, quotes=[LOT2.text]), 1.0, CORPUS)
    wrong = score(pair("b"), answer("x [1] y [2]", BUYING, LOT2, quotes=[BUYING.text, LOT2.text]), 1.0, CORPUS)
    oos = score(pair("c", category="out_of_scope", turns=("Who won?",)), answer("No.", abstained=True), 1.0, CORPUS)
    assert (right.lead_correct, wrong.lead_correct) == (True, False)
    assert summarise([right, wrong, oos])["lead_correct"] == pytest.approx(1 / 2)
    assert summarise([oos])["lead_correct"] is None


# -- citation validity -------------------------------------------------------------------

def test_valid_citations_have_no_problems():
    a = answer("Lot 2 is paid locally [1]. Phones are the practice's [2].", LOT2, PHONES)
    assert citation_problems(a, CORPUS) == []


def test_a_passage_not_verbatim_in_its_document_is_reported():
    invented = passage("The ICB pays for Lot 2 and Lot 3 products.")
    problems = citation_problems(answer("x [1]", invented), CORPUS)
    assert len(problems) == 1 and "not verbatim" in problems[0]


def test_a_passage_verbatim_in_another_document_is_still_invalid():
    misattributed = passage(PHONES.text, source=DOC)
    assert citation_problems(answer("x [1]", misattributed), CORPUS)


def test_unknown_source_and_dangling_marker_are_reported():
    stray = passage("text", source="missing.pdf")
    problems = citation_problems(answer("See [1] and [3].", stray), CORPUS)
    assert any("not a corpus text file" in p for p in problems)
    assert any("[3]" in p for p in problems)


def test_repeated_citation_numbers_are_reported():
    a = Answer(question="q", text="x [1]", abstained=False,
               citations=[Citation(1, LOT2, 0.9), Citation(1, BUYING, 0.8)])
    assert any("repeat" in p for p in citation_problems(a, CORPUS))


def test_whitespace_differences_do_not_break_validity():
    spaced = passage("GP  telephony remains\na practice responsibility.", source="phones.txt")
    assert citation_problems(answer("x [1]", spaced), CORPUS) == []


# -- summaries ---------------------------------------------------------------------------

def outcomes_for_summary():
    lot2 = pair("lot2")
    expiry = pair("expiry", category="history", evidence=("expired in December 2018",), key_facts=("December 2018",))
    follow = pair("follow", turns=("Who buys systems?", "And who pays for Lot 2?"))
    oos = pair("oos", category="out_of_scope", turns=("What's the amoxicillin dose?",))
    oos_missed = pair("oos2", category="out_of_scope", turns=("Who won the cup?",))
    return [
        score(lot2, answer("Paid for locally by the CCG [1].", LOT2, BUYING), 10.0, CORPUS),  # rank 1, correct
        score(expiry, answer("Lot 2 is local [1]. It expired in December 2018 [2].", LOT2, EXPIRY), 20.0, CORPUS),  # rank 2
        score(follow, answer("Not found.", BUYING, abstained=True), 30.0, CORPUS),  # false abstention
        score(oos, answer("I can't answer that.", abstained=True), 40.0, CORPUS),
        score(oos_missed, answer("Invented [1].", passage("made up text")), 50.0, CORPUS),  # not declined, bad citation
    ]


def test_summary_metrics_follow_their_definitions():
    m = summarise(outcomes_for_summary())
    assert (m["pairs"], m["answerable"], m["out_of_scope"], m["conversations"]) == (5, 3, 2, 1)
    assert m["hit_at_1"] == pytest.approx(1 / 3)
    assert m["hit_at_3"] == pytest.approx(2 / 3)
    assert m["mrr"] == pytest.approx((1 + 1 / 2 + 0) / 3)
    assert m["answer_correct"] == pytest.approx(2 / 3)
    assert m["citation_valid"] == pytest.approx(4 / 5)
    assert m["abstain_recall"] == pytest.approx(1 / 2)
    assert m["false_abstain"] == pytest.approx(1 / 3)
    assert m["followup_accuracy"] == 0.0
    assert m["p50_ms"] == 30.0 and m["p95_ms"] == 50.0


def test_statuses_name_what_went_wrong():
    statuses = [o.status for o in outcomes_for_summary()]
    assert statuses == ["pass", "hit@2", "false abstain", "pass", "bad citation"]


def test_rates_with_nothing_to_measure_are_none_not_zero():
    m = summarise(outcomes_for_summary()[:2])
    assert m["abstain_recall"] is None and m["followup_accuracy"] is None
    assert summarise([])["hit_at_1"] is None


def test_baseline_summary_uses_baseline_ranks_and_never_declines():
    import dataclasses

    outs = [dataclasses.replace(o, baseline_rank=r, baseline_ms=5.0)
            for o, r in zip(outcomes_for_summary(), [2, 1, None, None, None])]
    m = summarise_baseline(outs)
    assert m["hit_at_1"] == pytest.approx(1 / 3)
    assert m["hit_at_3"] == pytest.approx(2 / 3)
    assert m["abstain_recall"] == 0.0 and m["false_abstain"] == 0.0


def test_percentile_is_nearest_rank():
    assert percentile([5, 1, 3, 2, 4], 50) == 3
    assert percentile(list(range(1, 101)), 95) == 95
    assert percentile([], 50) is None


# -- thresholds --------------------------------------------------------------------------

def test_the_shipped_thresholds_are_the_issue_bars():
    bars = {t.metric: t for t in load_thresholds()}
    assert bars["hit_at_1"].minimum >= 0.90 and bars["hit_at_3"].minimum >= 0.97
    assert bars["answer_correct"].minimum >= 0.85
    assert bars["citation_valid"].minimum == 1.0 and bars["abstain_recall"].minimum == 1.0
    assert bars["false_abstain"].maximum <= 0.05


def test_missed_bars_are_named_with_the_split_and_unmeasured_ones_skipped():
    bars = [Threshold("hit_at_1", minimum=0.9), Threshold("false_abstain", maximum=0.05),
            Threshold("abstain_recall", minimum=1.0)]
    lines = missed(bars, {"hit_at_1": 0.85, "false_abstain": 0.05, "abstain_recall": None}, "test")
    assert lines == ["test: hit_at_1 = 0.850, needs >= 0.90"]


def test_bad_thresholds_files_are_clear_errors(tmp_path):
    f = tmp_path / "t.yaml"
    f.write_text("hit_at_1: {min: 0.9, max: 0.95}\n")
    with pytest.raises(ThresholdsError, match="exactly one"):
        load_thresholds(f)
    f.write_text("hit_at_one: {min: 0.9}\n")
    with pytest.raises(ThresholdsError, match="unknown metric 'hit_at_one'"):
        load_thresholds(f, known={"hit_at_1"})
    f.write_text("hit_at_1: {min: 90}\n")
    with pytest.raises(ThresholdsError, match="from 0 to 1"):
        load_thresholds(f)


def test_held_back_split_is_gated_by_its_floor_and_dev_by_the_bars(tmp_path):
    from eval.thresholds import load_gates

    f = tmp_path / "t.yaml"
    f.write_text("bars:\n  hit_at_1: {min: 0.9}\nheld_back_floor:\n  hit_at_1: {min: 0.7}\n")
    gates = load_gates(f)
    assert [t.minimum for t in gates.for_split("dev")] == [0.9]
    assert [t.minimum for t in gates.for_split("test")] == [0.7]
    assert missed(gates.for_split("test"), {"hit_at_1": 0.75}, "test") == []
    assert missed(gates.for_split("dev"), {"hit_at_1": 0.75}, "dev") == ["dev: hit_at_1 = 0.750, needs >= 0.90"]


def test_a_flat_file_holds_every_split_to_the_bars(tmp_path):
    from eval.thresholds import load_gates

    f = tmp_path / "t.yaml"
    f.write_text("hit_at_1: {min: 0.9}\n")
    gates = load_gates(f)
    assert gates.for_split("test") == gates.for_split("dev") == gates.bars


def test_the_shipped_floors_never_exceed_the_bars():
    from eval.thresholds import load_gates

    gates = load_gates()
    bars = {t.metric: t for t in gates.bars}
    floors = [gates.held_back_floor, *gates.set_floors.values()]
    assert gates.set_floors["shipped"], "the shipped set keeps its held-back floor"
    for floor in (t for f in floors for t in f):
        bar = bars[floor.metric]
        if bar.minimum is not None:
            assert floor.minimum <= bar.minimum
        else:
            assert floor.maximum >= bar.maximum


def test_the_shipped_bars_include_issue_12s_lead_and_retrieval_targets():
    bars = {t.metric: t for t in load_thresholds()}
    assert bars["lead_correct"].minimum >= 0.80
    assert bars["hit_at_1"].minimum >= 0.85 and bars["hit_at_3"].minimum >= 0.95


def test_each_set_has_its_own_floor_and_a_set_without_one_is_not_gated(tmp_path):
    from eval.thresholds import load_gates

    f = tmp_path / "t.yaml"
    f.write_text("bars:\n  hit_at_1: {min: 0.9}\n"
                 "sets:\n  a:\n    held_back_floor:\n      hit_at_1: {min: 0.7}\n  b:\n    held_back_floor: {}\n")
    gates = load_gates(f)
    assert [t.minimum for t in gates.for_split("test", "a")] == [0.7]
    assert [t.minimum for t in gates.for_split("dev", "a")] == [0.9]
    assert gates.gated("a") and not gates.gated("b") and not gates.gated("unlisted")
    assert gates.for_split("test", "b") == gates.bars  # reported against the bars
    f.write_text("bars:\n  hit_at_1: {min: 0.9}\nsets:\n  a:\n    floor: {hit_at_1: {min: 0.7}}\n")
    with pytest.raises(ThresholdsError, match="set 'a' takes only held_back_floor"):
        load_gates(f)
    f.write_text("bars:\n  hit_at_1: {min: 0.9}\nfloors: {}\n")
    with pytest.raises(ThresholdsError, match="unknown section"):
        load_gates(f)


def test_a_set_short_of_the_bars_can_hold_its_dev_split_to_no_regression(tmp_path):
    from eval.thresholds import load_gates

    f = tmp_path / "t.yaml"
    f.write_text("bars:\n  hit_at_1: {min: 0.9}\n"
                 "sets:\n  new:\n    held_back_floor:\n      hit_at_1: {min: 0.5}\n    dev_floor:\n      hit_at_1: {min: 0.6}\n"
                 "  old:\n    held_back_floor:\n      hit_at_1: {min: 0.7}\n")
    gates = load_gates(f)
    assert [t.minimum for t in gates.for_split("dev", "new")] == [0.6]
    assert [t.minimum for t in gates.for_split("test", "new")] == [0.5]
    assert [t.minimum for t in gates.for_split("dev", "old")] == [0.9]  # no dev floor: the bars
    assert gates.gated("new")
