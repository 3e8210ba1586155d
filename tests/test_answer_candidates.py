"""Candidate quotes: every unit can stand alone; a heading, a lead-in without its items or a
few words never can; a list item keeps the rule that introduces it; a table row its columns."""

from __future__ import annotations

import re

import pytest

from answer.quotes import is_fragment, units


def _units(text: str) -> list[str]:
    spans = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    scores = [(1.0,)] * len(spans)
    return [q.text(text) for q in units(text, spans, scores, 0, standalone=True)]


@pytest.mark.parametrize("text, fragment", [
    ("2.1 Roles and Responsibilities", True),
    ("These include:", True),
    ("This includes:", True),
    ("Non-core services", True),
    ("Lot 2:", True),
    ("GP telephony remains a practice responsibility.", False),
    ("The ICB funds the service desk | ICB | Practice", False),  # a table row is never a fragment
])
def test_what_cannot_stand_alone(text, fragment):
    assert is_fragment(text) is fragment


def test_a_list_item_is_quoted_with_the_rule_introducing_it():
    text = ("The following remain the practice's responsibility to choose, procure and fund:\n"
            "• practice websites\n• telephony\n• printer consumables")
    units = _units(text)
    assert any(u.startswith("The following remain the practice's responsibility") and "telephony" in u for u in units)
    assert "The following remain the practice's responsibility to choose, procure and fund:" not in units
    assert all("•" not in u or "responsibility" in u for u in units), "no item stands without its rule"


def test_a_heading_is_never_a_candidate():
    units = _units("Funding of Telephony\nThe contract and running costs of telephony are the practice's.")
    assert units == ["The contract and running costs of telephony are the practice's."]


def test_a_table_row_comes_with_the_row_naming_its_columns():
    text = "Organisation | Funding | Support\nGP practice | Telephony, websites | Own suppliers"
    units = _units(text)
    assert units == [text]


def test_a_dangling_sentence_finishes_the_one_before():
    text = "Some services sit outside the core offer.\nThese are funded by the practice."
    assert "Some services sit outside the core offer.\nThese are funded by the practice." in _units(text)
