"""The question reader: text (and conversation) -> the typed Question every stage reads."""

from __future__ import annotations

import pytest

from answer import bm25
from answer.question import KINDS, classify, head_word, read


@pytest.mark.parametrize("text, kind, subject", [
    ("Who pays for the practice phone system?", "pays", "the practice phone system"),
    ("who foots the bill for our phones?", "pays", "our phones"),
    ("Does the ICB pay for our building rent?", "pays", "our building rent"),
    ("Is the ICB responsible for replacing our PCs?", "who", "replacing our PCs"),
    ("Who sorts out our broken PC?", "who", "our broken PC"),
    ("Who is responsible for cyber security in our practice?", "who", "cyber security"),
    ("Is telephony included in GP IT funding?", "covered", "telephony"),
    ("Are smartcards covered by the ICB?", "covered", "smartcards"),
    ("How much is the GP IT revenue budget?", "amount", None),
    ("What does a replacement toner cartridge cost?", "amount", None),
    ("How much notice do we have to give before changing clinical system?", "date", None),  # a length of time
    ("How much warning will we get before planned work?", "date", None),
    ("What is the budget for practice IT in 2026/27?", "amount", None),
    ("How many computers do we get per clinical room?", "count", "computers"),
    ("When did CCGs become ICBs?", "date", None),
    ("Is there any help for us when we buy a new one?", "general", None),  # "when" here asks no date
    ("When will the next edition be published?", "date", None),
    ("What year was the first operating model published?", "date", None),
    ("What's the last date to send in our claim?", "date", None),
    ("How quickly must a lost card be reported?", "date", None),
    ("By when do we have to finish the toolkit?", "date", None),
    ("What is the closing day for bids?", "date", None),
    ("What does GPSoC stand for?", "definition", None),
    ("What is meant by a managed GP IT device?", "definition", "managed GP IT device"),
    ("Is the 2018 LMC guidance still current?", "currency", None),
    ("What does the operating model say about practice mergers?", "says_about", "practice mergers"),
    ("Which clinical system is best, EMIS or SystmOne?", "advice", None),
    ("Who is our ICB's chief digital officer?", "who", "our ICB's chief digital officer"),
    ("Can a practice choose its own clinical system?", "general", None),
])
def test_kind_and_subject(text, kind, subject):
    found_kind, raw = classify(text)
    question = read(text)
    assert (found_kind, question.kind) == (kind, kind)
    assert question.subject == subject
    assert question.kind in KINDS


def test_years_future_and_defined_term_are_read_once():
    q = read("When will the 2025 model be replaced, and what is meant by core services?")
    assert q.years == ("2025",) and q.future
    assert q.defined_term == "core services"


def test_a_follow_up_carries_the_conversations_subject():
    q = read("and who pays for them?", history=["Who buys GP clinical systems?"])
    assert q.follow_up and q.query.context
    assert read("Who buys GP clinical systems?").follow_up is False


def test_typos_are_read_through_the_corrector_and_reported():
    q = read("who pays for telephny?", correct=lambda t: (t.replace("telephny", "telephony"),
                                                          (("telephny", "telephony"),) if "telephny" in t else ()))
    assert q.text == "who pays for telephony?" and q.typed == "who pays for telephny?"
    assert q.fixes == (("telephny", "telephony"),)


@pytest.mark.parametrize("phrase, head", [("the core IT stuff", "core"), ("our phones", "phones"), ("", None)])
def test_head_word_is_the_last_word_that_is_not_vague(phrase, head):
    assert head_word(phrase) == (bm25.stem(head) if head else None)
