"""Choosing the quoted sentence, on the real corpus."""

from __future__ import annotations

from answer_support import assistant, corpus_index_dir  # noqa: F401  (fixtures)


def test_a_when_question_quotes_the_date(assistant):
    answer = assistant.ask("When did the GPSoC framework come to an end?")
    assert "December 2018" in answer.text


def test_a_list_item_is_quoted_with_the_sentence_that_finishes_it(assistant):
    answer = assistant.ask("Are dispensing practices covered by the operating model for their dispensing software?")
    assert not answer.abstained
    assert "These services are outside the scope for the receipt of GP IT digital services" in answer.text
