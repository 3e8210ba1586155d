"""Typos read as the corpus's words, and only typos: real English words are left alone."""

from __future__ import annotations

from collections import Counter

import pytest

from answer.spelling import Speller, english_words, one_edit
from answer_support import assistant, corpus_index_dir  # noqa: F401  (fixtures)


@pytest.mark.parametrize("a, b, expected", [
    ("telephny", "telephony", True),     # a letter dropped
    ("smartcrads", "smartcards", True),  # two swapped
    ("responsable", "responsible", True),  # one changed
    ("systemm", "system", True),         # one added
    ("expier", "expired", False),        # two edits
    ("same", "same", False),
])
def test_one_edit(a, b, expected):
    assert one_edit(a, b) is expected and one_edit(b, a) is expected


def speller() -> Speller:
    return Speller(Counter({"telephony": 3, "registration": 5, "reason": 2, "clinical": 9, "clinics": 1}),
                   dictionary={"season", "football"})


def test_a_typo_is_read_as_the_nearest_corpus_word_keeping_its_capital():
    asked, fixes = speller().correct("Who is the Registation lead for telephny?", known=lambda w: False)
    assert asked == "Who is the Registration lead for telephony?"
    assert fixes == (("Registation", "registration"), ("telephny", "telephony"))


def test_english_words_known_words_and_short_words_are_left_alone():
    question = "Who won last season? Is clincs funding known? Clinc or clinicz?"
    asked, fixes = speller().correct(question, known=lambda w: w == "clincs")
    assert asked == "Who won last season? Is clincs funding known? Clinc or clinics?"  # "clinc" is too short
    assert fixes == (("clinicz", "clinics"),)


def test_the_dictionary_is_the_packaged_models_vocabulary():
    words = english_words()
    assert {"season", "reason", "registration"} <= words and "telephny" not in words


def test_a_question_with_a_typo_is_answered_and_says_how_it_was_read(assistant):
    answer = assistant.ask("What is the Registation Authority?")
    assert not answer.abstained and answer.question == "What is the Registation Authority?"
    assert "Registration Authority" in answer.text.split("(Read")[0]
    assert answer.text.endswith("(Read “Registation” as “registration”.)")


def test_a_follow_up_reads_the_typos_of_the_question_before(assistant):
    plain = assistant.ask("and who pays for them?", history=["Who buys GP clinical systems?"])
    typed = assistant.ask("and who pays for them?", history=["Who buys GP clincal systems?"])
    assert [c.passage.id for c in typed.citations] == [c.passage.id for c in plain.citations]
    assert typed.text == plain.text  # only the question asked now is reported as read
