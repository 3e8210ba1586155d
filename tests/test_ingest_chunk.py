"""The chunker decides what gets quoted to NHS staff: passages must be the unit a reader quotes."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.catalog import DocumentInfo, load_catalog
from ingest.chunk import chunk_document
from ingest.load import load_document
from ingest.sentences import sentence_spans
from ingest.split import MAX_CHARS
from ingest.text import normalise_document

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
INFO = DocumentInfo(source="doc.txt", title="A test document", status="current", published="2021-04")


def chunk(tmp_path: Path, text: str, name: str = "doc.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return chunk_document(load_document(path, name), INFO, doc_hash="h")


def by_text(passages, start: str):
    (found,) = [p for p in passages if p.text.startswith(start)]
    return found


def test_definitions_stay_whole_with_the_term_in_the_section(tmp_path):
    passages = chunk(
        tmp_path,
        "Definitions\n\nThe following definitions are used in this document:\n\n"
        "Clinical system: The digital application used by the practice to store and manage its "
        "electronic patient records. It includes integrated applications, e.g. document management.\n\n"
        "Practice: Any GP Contract holder eligible to receive GP IT services\n\n"
        "NHS smartcard: Smartcards issued by an approved NHS Registration Authority.\n",
    )
    clinical = by_text(passages, "Clinical system:")
    assert clinical.section == "Definitions > Clinical system"
    assert clinical.text.endswith("e.g. document management.")
    assert by_text(passages, "Practice:").section == "Definitions > Practice"
    assert by_text(passages, "NHS smartcard:").section == "Definitions > NHS smartcard"


def test_a_run_of_term_lines_outside_a_definitions_section_are_definitions(tmp_path):
    passages = chunk(
        tmp_path,
        "Lot 1: GP clinical IT systems and subsidiary modules that most practices use.\n"
        "Lot 2: Additional GP IT services that interoperate with lot 1.\n",
    )
    assert [p.section for p in passages] == ["Lot 1", "Lot 2"]


def test_a_lone_title_with_a_colon_is_a_heading_not_a_definition(tmp_path):
    passages = chunk(
        tmp_path,
        "News\n\nPrimary care IT services: Operating model published\n\n"
        "Securing excellence in IT Services: Operating Model for Community Pharmacies explains how accountability transfers.\n",
    )
    (passage,) = passages
    assert passage.section == "News > Primary care IT services: Operating model published"
    assert passage.text.startswith("Securing excellence in IT Services:")


def test_headings_become_the_section_path(tmp_path):
    passages = chunk(
        tmp_path,
        "Introduction\n\nThis document sets out the operating model.\n\n"
        "Purpose – what does this document do?\n\nIt is a commissioning framework.\n\n"
        "Organisational scope\n\nNote: see section on sub-contracting of services\n\nStakeholders:\n\n"
        "  • primary stakeholder organisations including ICBs\n  • secondary stakeholder organisations\n",
    )
    assert [p.section for p in passages] == ["Introduction", "Purpose – what does this document do?", "Organisational scope"]
    # Short lead-in lines are not quoted alone: they join the list they introduce.
    assert passages[2].text == (
        "Note: see section on sub-contracting of services\nStakeholders:\n"
        "• primary stakeholder organisations including ICBs\n• secondary stakeholder organisations"
    )


def test_markdown_heading_levels_nest(tmp_path):
    passages = chunk(tmp_path, "# Guide\n\n## Funding\n\nPaid yearly.\n\n## Support\n\nBy the ICB.\n", name="guide.md")
    assert [(p.section, p.text) for p in passages] == [("Guide > Funding", "Paid yearly."), ("Guide > Support", "By the ICB.")]


def test_a_bullet_list_stays_with_its_introduction(tmp_path):
    passages = chunk(
        tmp_path,
        "Funding\n\nThe funding of practices’ IT systems is aimed at ensuring that GP systems support practice personnel to:\n"
        "– provide clinicians with appropriate information\n– allow communication between systems\n"
        "– enable patient online access to appointments.\n\nSomething else entirely.\n",
    )
    assert passages[0].text == (
        "The funding of practices’ IT systems is aimed at ensuring that GP systems support practice personnel to:\n"
        "– provide clinicians with appropriate information\n– allow communication between systems\n"
        "– enable patient online access to appointments."
    )
    assert passages[1].text == "Something else entirely."


def test_a_list_introduced_by_a_comma_or_a_plain_paragraph_still_stays_with_it(tmp_path):
    (passage,) = chunk(tmp_path, "There are basically three tiers of service,\n  • National\n  • Non-core – eg IP Telephony\n")
    assert passage.text == "There are basically three tiers of service,\n• National\n• Non-core – eg IP Telephony"


def test_a_long_list_is_split_between_items_and_every_part_names_its_introduction(tmp_path):
    items = [f"  • item {n}: the ICB provides service number {n} to every practice in the area it covers" for n in range(40)]
    passages = chunk(tmp_path, "Services\n\nChanges made in this revision include:\n" + "\n".join(items) + "\n")
    assert len(passages) >= 3
    assert all(len(p.text) <= MAX_CHARS for p in passages)
    assert passages[0].text.startswith("Changes made in this revision include:\n• item 0:")
    assert passages[0].section == "Services"
    for part in passages[1:]:
        assert part.text.startswith("• item ")
        assert part.section == "Services > Changes made in this revision include"
    quoted = [line for p in passages for line in p.text.split("\n") if line.startswith("•")]
    assert quoted == [item.strip() for item in items]
    sizes = [len(p.text) for p in passages]
    assert max(sizes) - min(sizes) < 400  # near-equal parts, not full parts and a scrap


def test_a_long_paragraph_is_cut_between_sentences_under_the_cap(tmp_path):
    sentences = [f"Sentence {n} explains that the ICB funds the clinical system for practice number {n} in full." for n in range(40)]
    passages = chunk(tmp_path, " ".join(sentences) + "\n")
    assert len(passages) == 4
    assert all(len(p.text) <= MAX_CHARS for p in passages)
    assert " ".join(p.text for p in passages) == " ".join(sentences)
    assert [s for p in passages for s in p.sentence_texts()] == sentences


def test_a_giant_sentence_is_cut_between_words_as_a_last_resort(tmp_path):
    giant = "The ICB funds " + ", ".join(f"service {n}" for n in range(400)) + "."
    passages = chunk(tmp_path, giant + "\n")
    assert all(len(p.text) <= MAX_CHARS for p in passages)
    assert " ".join(p.text for p in passages) == giant


def test_a_dateline_joins_the_paragraph_it_dates(tmp_path):
    passages = chunk(
        tmp_path,
        "GPSoC delivery goes local in IT devolution\n- 11 December 2006\nLocal NHS organisations will be required to draw up plans.\n"
        "Primary care trusts will be required to have their own plan.\n",
    )
    assert passages[0].text == "- 11 December 2006\nLocal NHS organisations will be required to draw up plans."
    assert passages[0].section == "GPSoC delivery goes local in IT devolution"


@pytest.mark.parametrize(
    "line, expected",
    [
        ("Services e.g. an APMS contractor, i.e. a provider, etc. are included. Next one.", 2),
        ("Out of hours etc. These are Enhanced Requirements.", 2),
        ("Ask eg dispensing tokens or No. 5 of the list. Then stop.", 2),
        ("Funding rose by 2.5 per cent to £230.5 million. It was agreed.", 2),
        ("It moves from PCTs to the NHS Commissioning Board (NHS CB). It follows the model.", 2),
        ("The NHS CB will be responsible. Dr. Smith and J. Bloggs agreed.", 2),
        ("“We are devolving power.” Some said so! Did they? Yes.", 4),
    ],
)
def test_sentences_are_not_broken_at_abbreviations_or_decimals(line, expected):
    spans = sentence_spans(line)
    assert len(spans) == expected, [line[a:b] for a, b in spans]
    assert "".join(line[a:b] for a, b in spans).replace(" ", "") == line.replace(" ", "")


def test_sentence_offsets_exclude_list_markers(tmp_path):
    (passage,) = chunk(tmp_path, "The NHS CB will be responsible for:\n  • Registration Authority;\n  • Clinical Safety. It is assured.\n")
    assert passage.sentence_texts() == [
        "The NHS CB will be responsible for:",
        "Registration Authority;",
        "Clinical Safety.",
        "It is assured.",
    ]


def test_passages_carry_their_documents_currency(tmp_path):
    (passage,) = chunk(tmp_path, "One paragraph.\n")
    assert (passage.title, passage.status, passage.published, passage.doc_hash) == ("A test document", "current", "2021-04", "h")


# -- the shipped corpus -------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_passages():
    catalog = load_catalog(CORPUS)
    out = {}
    for path in sorted(CORPUS.glob("*.txt")):
        out[path.name] = chunk_document(load_document(path, path.name), catalog.info(path.name))
    return out


def test_every_corpus_passage_is_verbatim_in_its_whitespace_normalised_source(corpus_passages):
    for source, passages in corpus_passages.items():
        document = normalise_document((CORPUS / source).read_text(encoding="utf-8"))
        for passage in passages:
            assert passage.text in document, (source, passage.ordinal)
            assert len(passage.text) <= MAX_CHARS
            for a, b in passage.sentences:
                assert passage.text[a:b] == passage.text[a:b].strip() and b > a


def test_every_line_of_the_corpus_is_quoted_exactly_once(corpus_passages):
    for source, passages in corpus_passages.items():
        lines = normalise_document((CORPUS / source).read_text(encoding="utf-8")).split("\n")
        quoted = [line for p in passages for line in p.text.split("\n")]
        headings = {h for p in passages for h in (p.section or "").split(" > ")}
        assert [line for line in lines if line not in headings] == quoted, source


def test_corpus_definitions_lists_and_lots_are_shaped_for_quoting(corpus_passages):
    model = corpus_passages["001_f5b8b55b8638404c.txt"]
    clinical = by_text(model, "Clinical system:")
    assert clinical.section == "Definitions > Clinical system"
    purpose = by_text(model, "The Operating Model is a commissioning framework")
    assert purpose.section == "Purpose – what does this document do?" and purpose.text.count("\n• ") == 3
    lots = corpus_passages["003_853fdf65414417db.txt"]
    assert by_text(lots, "Lot 2:").section == "Lot 2"
    funding = by_text(lots, "The funding of practices’ IT systems")
    assert funding.text.count("\n– ") == 8
    news = corpus_passages["000_448a70553580d094.txt"]
    assert by_text(news, "The NHS CB will be directly responsible for:").text.count("\n• ") == 6


def test_numbered_section_headings_nest_and_numbered_lists_stay_lists(tmp_path):
    passages = chunk(
        tmp_path,
        "1. Introduction\n\nWho pays for what.\n\n2. Funding\n\n2.1 Core services\n\nThe ICB will:\n\n"
        "1. fund the clinical system\n2. fund the network\n\n2.2 Practice services\n\nPractices fund telephony.\n",
    )
    assert [(p.section, p.text) for p in passages] == [
        ("1. Introduction", "Who pays for what."),
        ("2. Funding > 2.1 Core services", "The ICB will:\n1. fund the clinical system\n2. fund the network"),
        ("2. Funding > 2.2 Practice services", "Practices fund telephony."),
    ]


def test_a_numbered_heading_right_after_a_bullet_list_starts_a_section(tmp_path):
    """A "•" list ending above "3. Definitions" is not a numbered list that "3." continues."""
    passages = chunk(
        tmp_path,
        "2. Purpose\n\nThis document sets out:\n\u2022 the operating arrangements\n\u2022 the governance arrangements\n"
        "3. Definitions\n\nThe following definitions are used in this document.\n"
        "6. COVID-19 pandemic response lessons learned\n\nLessons were learned from the 2020-21 response.\n",
    )
    assert [(p.section, p.text) for p in passages] == [
        ("2. Purpose", "This document sets out:\n\u2022 the operating arrangements\n\u2022 the governance arrangements"),
        ("3. Definitions", "The following definitions are used in this document."),
        ("6. COVID-19 pandemic response lessons learned", "Lessons were learned from the 2020-21 response."),
    ]


def test_a_question_line_heads_its_answer(tmp_path):
    passages = chunk(tmp_path, "Q: Who pays for the practice phone system?\nA: The practice pays for its telephony.\n")
    assert [(p.section, p.text) for p in passages] == [
        ("Q: Who pays for the practice phone system?", "A: The practice pays for its telephony.")
    ]


def test_a_run_of_short_lines_is_a_list_not_ever_deeper_headings(tmp_path):
    passages = chunk(
        tmp_path,
        "3. Contributors\n\nReferences\nGNOME desktop, http://www.gnome.org\nKDE desktop, http://www.kde.org\n"
        "ROX desktop, http://rox.sourceforge.net\nThese are the desktops this applies to.\n",
    )
    assert {p.section for p in passages} == {"3. Contributors"}
    assert "References\nGNOME desktop" in passages[0].text


def test_code_and_table_cells_are_not_headings(tmp_path):
    passages = chunk(tmp_path, "Header layout\n\n4 CARD32 ALIAS_LIST_OFFSET\nThe offset of the alias list.\n")
    assert [p.section for p in passages] == ["Header layout"]


def test_a_labelled_date_is_not_a_heading(tmp_path):
    """"Published: 3 April 2023" would otherwise head the whole document in every section path."""
    from ingest.load import Document, markdown_blocks

    text = "# GP IT operating model 2023\n\nPublished: 3 April 2023\n\nThe ICB funds the clinical system for every practice.\n"
    doc = Document("model.md", tuple(markdown_blocks(text)))
    (passage,) = chunk_document(doc, DocumentInfo(source="model.md", title="t", status="current"))
    assert passage.section == "GP IT operating model 2023"
    assert passage.text == "Published: 3 April 2023\nThe ICB funds the clinical system for every practice."


def test_a_line_dating_the_page_heads_nothing(tmp_path):
    """"Last updated ... by the team" says when the page was written; the passages under it are
    not filed in a section named after a date."""
    passages = chunk(tmp_path, "# Practice IT questions\n\nLast updated 3 October 2026 by the Digital Team\n\n"
                               "This page answers what practices ask most often about their IT.\n\n"
                               "## Getting help\n\nCall the service desk when the clinical system is down.\n", name="faq.md")
    assert [p.section for p in passages if "This page answers" in p.text] == ["Practice IT questions"]
    assert by_text(passages, "Call the service desk").section == "Practice IT questions > Getting help"
