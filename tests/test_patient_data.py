"""The one patient-data guard: every way people write an NHS number is caught, and the
numbers people ask about (dates, phone numbers, versions) are not."""

from __future__ import annotations

import pytest

from opmodel.patient_data import PatientDataError, contains_nhs_number, fold, is_valid_nhs_number, refuse_patient_data

# 943 476 5919 is the NHS Data Dictionary's example; 401 023 2137 is another valid number.
WRITTEN_FORMS = [
    # plain and ASCII groupings
    "9434765919",
    "943 476 5919",
    "943-476-5919",
    "943.476.5919",
    "943/476/5919",
    "943 - 476 - 5919",
    "943  476  5919",
    "94 34 76 59 19",
    "9 4 3 4 7 6 5 9 1 9",
    "NHS no. 401 023 2137 please",
    "NHS9434765919",
    # dashes, hyphens and minus signs
    "943\u2013476\u20135919",  # en dash
    "943\u2014476\u20145919",  # em dash
    "943\u2212476\u22125919",  # minus sign
    "943\u2010476\u20105919",  # hyphen
    "943\u2011476\u20115919",  # non-breaking hyphen
    "943\u2012476\u20125919",  # figure dash
    "943\u2015476\u20155919",  # horizontal bar
    "943\ufe63476\ufe635919",  # small hyphen-minus
    "943\uff0d476\uff0d5919",  # full-width hyphen-minus
    "943\u02d7476\u02d75919",  # modifier letter minus
    "943\u2043476\u20435919",  # hyphen bullet
    # spaces of every width
    "943\u00a0476\u00a05919",  # no-break space
    "943\u202f476\u202f5919",  # narrow no-break space
    "943\u2009476\u20095919",  # thin space
    "943\u2007476\u20075919",  # figure space
    "943\u3000476\u30005919",  # ideographic space
    "943\t476\t5919",
    "943\n476\n5919",
    # invisible characters
    "943\u00ad476\u00ad5919",  # soft hyphen
    "943\u200b476\u200b5919",  # zero-width space
    "943\u200c476\u200c5919",  # zero-width non-joiner
    "943\u200d476\u200d5919",  # zero-width joiner
    "943\u2060476\u20605919",  # word joiner
    "943\ufeff476\ufeff5919",  # zero-width no-break space (BOM)
    "9\u200b4\u200b3\u200b4\u200b7\u200b6\u200b5\u200b9\u200b1\u200b9",
    # punctuation
    "943_476_5919",
    "943,476,5919",
    "943:476:5919",
    "943;476;5919",
    "(943) 476 5919",
    "[943] 476-5919",
    "943 476 5919.",
    "'943' '476' '5919'",
    "943*476*5919",
    "943#476#5919",
    # other digit forms
    "\uff19\uff14\uff13\uff14\uff17\uff16\uff15\uff19\uff11\uff19",  # full-width digits
    "\u0669\u0664\u0663\u0664\u0667\u0666\u0665\u0669\u0661\u0669",  # Arabic-Indic digits
    "\U0001d7d7\U0001d7d2\U0001d7d1 476 5919",  # mathematical bold digits
    "9\u03324\u03323\u0332 476 5919",  # combining low line (underlined)
    # links and markup, as Slack delivers them
    "<https://example.org/patients/943-476-5919|the record>",
    "<https://example.org/record|943 476 5919>",
    "<tel:9434765919|call them>",
    "<https://example.org/?nhs=943%20476%205919|lookup>",
    "https://example.org/?nhs=943+476+5919",
    "&#57;43 476 5919",
    "943&#x2D;476&#x2D;5919",
]


@pytest.mark.parametrize("written", WRITTEN_FORMS)
def test_every_written_form_of_an_nhs_number_is_caught(written):
    assert contains_nhs_number(f"does patient {written} need a smartcard?")
    assert contains_nhs_number(written)
    with pytest.raises(PatientDataError) as caught:
        refuse_patient_data("What is HSCN?", written)
    assert "5919" not in str(caught.value) and "2137" not in str(caught.value)


def test_there_are_at_least_forty_written_forms():
    assert len(WRITTEN_FORMS) >= 40


@pytest.mark.parametrize("text", [
    "943 476 5918",  # check digit wrong
    "call 01632 960 001",
    "94347659190",  # eleven digits: part of a longer number
    "19434765919",
    "the 2021-2023 model",
    "1234567890",  # fails Modulus 11
    "0500000000",  # check digit would be 10
    "What is Lot 2 of the 2018 framework?",
    "page 943 of 476, line 5919",  # too few digits between the letters to make ten
    "<@U0123456789> What is HSCN?",  # a Slack user id is not the user's text
    "",
])
def test_numbers_that_are_not_nhs_numbers_pass(text):
    assert not contains_nhs_number(text)
    refuse_patient_data(text)  # does not raise


def test_modulus_11_check_digit_of_10_is_never_valid():
    # 050000000x: weighted sum 5 * 9 = 45, remainder 1, so the check digit would be 10: no valid x.
    assert not any(is_valid_nhs_number(f"050000000{d}") for d in range(10))
    assert is_valid_nhs_number("9434765919") and is_valid_nhs_number("4010232137")
    assert not is_valid_nhs_number("\uff19434765919")  # only ASCII digits after folding


def test_fold_keeps_letters_as_separators_and_collapses_the_rest():
    assert fold("943\u2013\u200b476 (5919)") == "943 476 5919 "
    assert fold("Lot\u00a02") == "Lot 2"
