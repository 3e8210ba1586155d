"""A period the question names (a financial year, an edition's span) that no document names is
a fact no weight can learn: both answerers decline and say so. A period the documents name is
answered as before."""

from __future__ import annotations

import pytest

from answer.engine import Assistant
from answer.question import read
from answer.scored_engine import ScoredAssistant
from answer_support import corpus_index_dir  # noqa: F401  (fixture)
from opmodel.dates import periods
from opmodel.settings import Settings


@pytest.mark.parametrize("text, expected", [
    ("What was the GP IT budget in 2023/24?", {(2023, 2024): "2023/24"}),
    ("the 2014-16 operating model", {(2014, 2016): "2014-16"}),
    ("the 2025–2028 edition", {(2025, 2028): "2025–2028"}),
    ("the 2025 - 2028 edition", {(2025, 2028): "2025 - 2028"}),
    ("accounts for 1999/00", {(1999, 2000): "1999/00"}),
    # Not periods: a date, two years a history spans, a phone number, years joined by words.
    ("published 2024-04-01", {}),
    ("from 1990-2026", {}),
    ("call 0300 555 0142", {}),
    ("what changed from 2019 to 2021?", {}),
])
def test_periods_are_read_however_they_are_written(text, expected):
    assert periods(text) == expected


def test_the_question_reader_keeps_the_periods_as_typed():
    assert read("How much was spent in 2019/20?").periods == (((2019, 2020), "2019/20"),)


@pytest.fixture(scope="module", params=["rules", "scorer"])
def assistant(request, corpus_index_dir):
    kind = Assistant if request.param == "rules" else ScoredAssistant
    return kind.from_settings(Settings(index_dir=corpus_index_dir, answerer=request.param))


def test_a_period_no_document_names_is_declined_and_named(assistant):
    # The documents mention 2019 and 2020 in passing, but no budget or anything else for 2019/20.
    answer = assistant.ask("What was the GP IT budget for 2019/20?")
    assert answer.abstained and answer.reason == "weak_evidence"
    assert "2019/20" in answer.missing
    assert answer.text.startswith("These documents never mention “2019/20”")


def test_a_period_the_documents_name_is_answered(assistant):
    answer = assistant.ask("How much money was behind the 2014-16 GP IT operating model?")
    assert not answer.abstained, answer.text
