"""The fitted-scorer answerer only (answer.scored_engine.ScoredAssistant, OPMODEL_ANSWERER=scorer):
what its kinds ask of a quote, its decline texts and its confidence. What both answerers must do
alike is in test_answer_assistants.py, run against each."""

from __future__ import annotations

import pytest

from answer.engine import REPHRASE_TIP
from answer.scored_engine import ScoredAssistant
from answer_support import corpus_index_dir  # noqa: F401  (fixture)
from opmodel.settings import Settings


@pytest.fixture(scope="module")
def assistant(corpus_index_dir):
    return ScoredAssistant.from_settings(Settings(index_dir=corpus_index_dir))


@pytest.mark.parametrize("question, quote, met", [
    ("How much does it cost?", "Other smartcards may be used for access control.", False),
    ("How much does it cost?", "The reader costs £20 from the supplier.", True),
    ("How much is the annual fee?", "Part of that is the annual IG Toolkit.", False),
    ("When does it apply?", "It becomes applicable from 25th May 2018.", True),
    ("When does it apply?", "Practices may march on regardless.", False),
    ("When will the next edition be published?", "The edition was published on 3 April 2014.", False),
    ("When will the next edition be published?", "A new edition is expected in 2025.", True),
    ("How many tiers of GP IT service are there?", "There are basically three tiers of service,", True),
    ("How many PCs does a practice of 10,000 patients get?", "Services offered in lot 1, patient arrival systems.", False),
    ("Who pays for our phones?", "GP telephony remains a practice responsibility.", True),
    ("Who pays for our phones?", "Non-core – eg IP Telephony", False),
    ("Should we have our own website?", "We would encourage all practices to consider having their own website.", True),
    ("Which clinical system is best?", "Clinical system: the application used to manage records.", False),
    ("Can a practice choose its own clinical system?", "Anything at all.", None),  # a general question asks for nothing
])
def test_what_a_questions_kind_asks_of_a_quote(question, quote, met):
    """One feature of the scorer's, not a rule: whether the quote gives what the kind asks for."""
    from answer import bm25
    from answer.features import kind_satisfied, subject_names
    from answer.question import read

    q = read(question)
    names = [set(n) for n in subject_names(q) or ()] if q.kind == "count" else subject_names(q)
    assert kind_satisfied(q, quote, set(bm25.tokens(quote)), names, defined=False) is met


def test_decline_texts_say_what_is_missing_or_that_the_documents_are_unclear_and_lineage_is_marked():
    from answer.engine import LINEAGE_LEAD, _decline_text

    assert _decline_text("weak_evidence", [], [], ["HSCN"]).startswith(
        "These documents never mention “HSCN”, so I can't quote an answer.")
    unclear = _decline_text("weak_evidence", [], ["CCGs were replaced by Integrated Care Boards (ICBs) in July 2022."])
    assert unclear.startswith("The documents don't answer this clearly enough")
    assert f"{LINEAGE_LEAD} CCGs were replaced" in unclear and REPHRASE_TIP in unclear


def test_every_answer_says_how_sure_the_scorer_is(assistant):
    answered = assistant.ask("Who issues NHS smartcards?")
    declined = assistant.ask("what dose of amoxicillin should a child with tonsillitis get?")  # no hard gate: the checks decline
    assert answered.confidence > declined.confidence >= 0.0



@pytest.mark.parametrize("question, lead, other", [
    ("What is the deadline for 2027/28 grant bids?", "Bids for 2026/27 grants must arrive by 30 April 2026.", True),
    ("What is the deadline for 2027/28 grant bids?", "Bids for 2027/28 grants must arrive by 30 April 2027.", False),
    ("What is the deadline for 2027/28 grant bids?", "Bids must arrive by 30 April each year.", False),  # names none
    # a span mostly names an edition the question starts from, not the period it asks about
    ("What did the edition before the 2021-23 model learn from?", "The 2019-21 edition drew on WannaCry.", False),
])
def test_a_lead_naming_only_another_financial_year_does_not_answer(question, lead, other):
    from answer.fit import names_only_other_years
    from answer.question import read

    assert names_only_other_years(dict(read(question).periods), lead) is other
