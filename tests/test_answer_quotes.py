"""Choosing the quoted sentence: a how-much or when question is answered by the sentence holding
that kind of figure, on the real corpus."""

from __future__ import annotations

import pytest

from answer.quotes import answers_figure
from answer_support import assistant, corpus_index_dir  # noqa: F401  (fixtures)


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        ("How much money was there?", "more than £230million in funding", True),
        ("How much money was there?", "On 3 April 2014 NHS England published the model for 2014-16", False),
        ("How many practices dispense?", "Dispensing practices (approximately 1,000)", True),
        ("When did it end?", "expired in December 2018", True),
        ("When did it end?", "more than £230million in funding", False),
        ("Who pays for it?", "expired in December 2018", False),
    ],
)
def test_a_figure_counts_only_when_it_is_the_kind_asked_for(question, sentence, expected):
    assert answers_figure(question, sentence) is expected


def test_a_how_much_question_quotes_the_amount_not_the_publication_date(assistant):
    answer = assistant.ask("How much money was the 2014-16 model going to spend?")
    assert not answer.abstained
    assert "£230million" in answer.text


def test_a_when_question_quotes_the_date(assistant):
    answer = assistant.ask("When did the GPSoC framework come to an end?")
    assert "December 2018" in answer.text


def test_a_list_item_is_quoted_with_the_sentence_that_finishes_it(assistant):
    answer = assistant.ask("Are dispensing practices covered by the operating model for their dispensing software?")
    assert not answer.abstained
    assert "These services are outside the scope for the receipt of GP IT digital services" in answer.text
