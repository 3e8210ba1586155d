"""A document without a catalogue entry is described by what it says of itself: title, date,
edition and status, each with where it came from."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from ingest.catalog import DocumentInfo, load_catalog
from ingest.describe import describe
from ingest.load import load_document


def described(path: Path, info: DocumentInfo | None = None) -> DocumentInfo:
    return describe(load_document(path, path.name), info or DocumentInfo.undescribed(path.name))


def write_pdf(path: Path, lines: list[str], title: str | None = None, created: str | None = None) -> Path:
    c = canvas.Canvas(str(path), pagesize=A4)
    for n, line in enumerate(lines):
        c.drawString(72, 770 - 36 * n, line)  # a blank line apart: separate paragraphs
    c.showPage()
    c.save()
    writer = PdfWriter(clone_from=path)
    meta = {}
    if title:
        meta["/Title"] = title
    if created:
        meta["/CreationDate"] = created
    if meta:
        writer.add_metadata(meta)
    writer.write(path)
    return path


def test_a_briefing_that_states_its_date_and_status_is_cited_by_them(tmp_path):
    path = tmp_path / "briefing.txt"
    path.write_text("Practice cyber briefing\nA note for practice managers. Published: 2023-12-01. Status: current.\n"
                    "Practices report incidents to their ICB the same day.\n")
    info = described(path)
    assert (info.title, info.published, info.status) == ("Practice cyber briefing", "2023-12-01", "current")
    assert info.origins == {"title": "text", "published": "text", "status": "text"}


@pytest.mark.parametrize("line, published, edition", [
    ("Version 1.0 3 July 2023", "2023-07-03", "Version 1.0"),
    ("Version 2.1, March 2022", "2022-03", "Version 2.1"),
    ("Last updated 5 May 2024", "2024-05-05", None),
    ("Page last updated: 12/01/2024", "2024-01-12", None),
    ("- 11 December 2006", "2006-12-11", None),
    ("Published 3 April 2014. Last updated 9 June 2016", "2016-06-09", None),
    ("Kestrel CSU. Version 3.0, published 2 May 2019. Agreed by the board.", "2019-05-02", "Version 3.0"),
    ("Approval date: 22 April 2026", "2026-04-22", None),
    ("Approved by: the Digital Board, 2 March 2026", None, None),  # says who approved it, and when they met
    ("HARTLEY BRIDGE, ELMSHIRE, 4 November 2025 - Practices can now book engineer visits online.", "2025-11-04", None),
])
def test_the_date_and_edition_the_opening_states(tmp_path, line, published, edition):
    path = tmp_path / "page.txt"
    path.write_text(f"Remote access for practice staff\n{line}\nStaff connect through the ICB's secure gateway.\n")
    info = described(path)
    assert (info.published, info.edition, info.origin("published")) == (published, edition, "text" if published else "default")


def test_a_date_inside_a_sentence_or_not_a_date_dates_nothing(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text("Hardware refresh plan\nPublished: 31 February 2023\nThe plan runs from April 2021 for every practice.\n")
    info = described(path)
    assert (info.published, info.origin("published"), info.status, info.origin("status")) == (None, "default", "unknown", "default")


def test_a_title_naming_its_years_dates_the_document_and_names_the_edition(tmp_path):
    path = tmp_path / "model.md"
    path.write_text("# GP digital services operating model 2023-2025\n\nThe ICB commissions the clinical system.\n")
    info = described(path)
    assert (info.title, info.published, info.edition) == ("GP digital services operating model 2023-2025", "2023", "2023-2025")


def test_a_pdf_is_titled_and_dated_by_its_metadata_last(tmp_path):
    path = write_pdf(tmp_path / "export.pdf", ["Practices fund their own websites and telephony."],
                     title="ICB digital policy for practices", created="D:20220314093000Z")
    info = described(path)
    assert (info.title, info.published) == ("ICB digital policy for practices", "2022-03-14")
    assert info.origins == {"title": "pdf", "published": "pdf", "status": "default"}
    stated = write_pdf(tmp_path / "stated.pdf", ["ICB digital policy", "Published: 1 June 2021",
                                                 "Practices fund their own websites and telephony."],
                       created="D:20240101000000Z")
    assert described(stated).published == "2021-06-01"  # what the text states beats the file's creation date


@pytest.mark.parametrize("statement, status", [
    ("This guidance has been superseded by the 2023 operating model.", "superseded"),
    ("Superseded by: GP IT operating model 2023", "superseded"),
    ("[Archived]", "historical"),
    ("This page was withdrawn on 3 May 2020.", "historical"),
    ("Status: Approved", "current"),  # document control's word for a policy in force
])
def test_the_status_the_document_states_of_itself(tmp_path, statement, status):
    path = tmp_path / "old.txt"
    path.write_text(f"Practice IT support\n{statement}\nThe support desk answers calls from 8am.\n")
    info = described(path)
    assert (info.status, info.origin("status"), info.status_note) == (status, "text", statement.strip("[].").rstrip("."))


def test_a_status_said_of_something_else_is_no_status(tmp_path):
    path = tmp_path / "history.txt"
    path.write_text("Clinical systems history\nGPSoC was superseded by GP IT Futures in 2019.\n"
                    "Archived records are kept by the practice.\n")
    assert described(path).status == "unknown"


def test_generic_first_headings_are_not_titles(tmp_path):
    path = tmp_path / "page_0042.txt"
    path.write_text("News\nICB takes on GP IT funding\nThe ICB now funds practice IT.\n")
    assert described(path).title == "ICB takes on GP IT funding"
    lone = tmp_path / "notes_7.txt"
    lone.write_text("The LMC sits on IT groups.\n")
    assert described(lone).title == "notes 7"


def test_the_catalogue_has_the_last_word_on_each_field_it_gives(tmp_path):
    (tmp_path / "metadata.yaml").write_text("brief.txt:\n  title: Cyber briefing (catalogue)\n  status: superseded\n")
    path = tmp_path / "brief.txt"
    path.write_text("Practice cyber briefing\nPublished: 2023-12-01. Status: current.\nReport incidents the same day.\n")
    info = described(path, load_catalog(tmp_path).info("brief.txt"))
    assert (info.title, info.status, info.published) == ("Cyber briefing (catalogue)", "superseded", "2023-12-01")
    assert info.origins == {"title": "catalogue", "published": "text", "status": "catalogue"}


@pytest.mark.parametrize("opening, title", [
    ("# Elmshire Integrated Care Board\n\n## Practice hardware funding rules 2026/27\n\nVersion 1.0.", "Practice hardware funding rules 2026/27"),
    ("Elmshire ICB - News\n\nEngineer visits can now be booked online\n\nPractices book visits on the portal.", "Engineer visits can now be booked online"),
    ("ELMSHIRE INTEGRATED CARE BOARD\nPrimary Care Digital Team\n\nREMOTE ACCESS NOTE FOR PRACTICES\n\nStaff connect through the gateway.",
     "REMOTE ACCESS NOTE FOR PRACTICES"),
])
def test_a_line_naming_the_publisher_gives_way_to_the_title_under_it(tmp_path, opening, title):
    """Two documents from one ICB are not two editions of one title "Elmshire ICB"."""
    path = tmp_path / ("doc.md" if opening.startswith("#") else "doc.txt")
    path.write_text(opening + "\nThe ICB funds one device per clinical room.\n")
    assert described(path).title == title


def test_the_period_a_document_is_in_force_for_says_whether_it_is_current(tmp_path):
    import datetime

    path = tmp_path / "rules.txt"
    path.write_text("Practice hardware funding rules\nPublished 3 March 2026. Applies from 1 April 2026 to 31 March 2027.\n"
                    "The ICB funds one device per clinical room.\n")
    document = load_document(path, path.name)
    during = describe(document, DocumentInfo.undescribed(path.name), today=datetime.date(2026, 9, 1))
    assert (during.status, during.origin("status")) == ("current", "text")
    assert during.status_note == "In force from 2026-04-01 to 2027-03-31, as its text states"
    after = describe(document, DocumentInfo.undescribed(path.name), today=datetime.date(2027, 6, 1))
    assert after.status == "historical"
    before = describe(document, DocumentInfo.undescribed(path.name), today=datetime.date(2026, 3, 10))
    assert before.status == "unknown"  # published ahead of its period: nothing says it is in force yet


def test_a_document_saying_it_replaces_another_supersedes_it_whatever_their_titles(tmp_path):
    from ingest.chunk import chunk_document
    from ingest.editions import apply_editions

    old = tmp_path / "old_model.md"
    old.write_text("# Elmshire CCG GP IT Operating Model 2018-2020\n\nVersion 1.0, published 5 June 2018.\n\n"
                   "The CCG funds the practice network.\n")
    new = tmp_path / "new_model.md"
    new.write_text("# Elmshire Primary Care Digital Services Operating Model\n\nPublished: 1 May 2025\n\n"
                   "This operating model sets out who funds what. It replaces the Elmshire CCG GP IT Operating Model "
                   "2018-2020 in full.\n")
    aside = tmp_path / "aside.md"  # a third document naming the old one is no successor of it
    aside.write_text("# Practice IT questions\n\nPublished: 2 June 2025\n\nThe Elmshire CCG GP IT Operating Model 2018-2020 "
                     "no longer applies: the ICB's own model replaces it.\n")
    passages = []
    for path in (old, new, aside):
        document = load_document(path, path.name)
        passages += chunk_document(document, describe(document, DocumentInfo.undescribed(path.name)))
    status = {p.source: (p.status, p.status_note) for p in apply_editions(passages)}
    assert status["old_model.md"] == ("superseded", "Superseded by “Elmshire Primary Care Digital Services Operating Model” "
                                                    "(2025-05-01), which says it replaces it.")
    assert status["new_model.md"] == ("current", "It replaces “Elmshire CCG GP IT Operating Model 2018-2020” (2018-06-05).")
    assert status["aside.md"] == ("unknown", None)
