"""Tables in real PDFs (typeset by reportlab's Table, read back by pypdf) and in markdown: each
row comes out whole, its wrapped cells rejoined however they are aligned, a table stays with
its column names, and answers quote rows.

The real operating model sets out who provides and funds each service in tables, so a row
read as interleaved fragments ("The digital application used by the ICB NHS England") would
lose exactly the passages practice staff ask about.
"""

from __future__ import annotations

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

from ingest.catalog import DocumentInfo
from ingest.chunk import chunk_document
from ingest.load import load_document
from ingest.pipeline import run_ingest
from opmodel.embedding import default_embedder
from opmodel.index import open_index
from opmodel.settings import Settings

ROWS = [
    ["Requirement", "Description", "Commissioner", "Funding"],
    ["Clinical system", "The digital application used by the practice to store and manage its electronic patient records.",
     "ICB", "NHS England"],
    ["Telephony", "Practice telephony, including cloud telephony and call recording.", "Practice", "Practice"],
    ["Registration Authority", "Issuing smartcards to practice staff who need access to clinical systems.", "ICB", "ICB"],
]
EXPECTED_ROWS = [
    "Requirement | Description | Commissioner | Funding",
    "Clinical system | The digital application used by the practice to store and manage its electronic patient records. | ICB | NHS England",
    "Telephony | Practice telephony, including cloud telephony and call recording. | Practice | Practice",
    "Registration Authority | Issuing smartcards to practice staff who need access to clinical systems. | ICB | ICB",
]
BEFORE = "Who provides and funds each requirement is set out below."
AFTER = "Practices are responsible for the business systems they choose to buy, such as websites."
INFO = DocumentInfo(source="table.pdf", title="Operating model", status="current", published="2021-04")


def typeset(path, rows=ROWS, style=(), heading_after=None, items_after=(), widths=(90, 200, 80, 80)):
    pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))
    body = ParagraphStyle("body", fontName="Vera", fontSize=9, leading=11)
    cells = [[Paragraph(cell, body) for cell in row] for row in rows]
    flow = [Paragraph(BEFORE, body), Table(cells, colWidths=list(widths), style=list(style), repeatRows=1)]
    if heading_after:
        flow.append(Paragraph(heading_after, ParagraphStyle("h", parent=body, fontSize=12, leading=15, spaceBefore=8)))
    flow += [Paragraph(item, ParagraphStyle("i", parent=body, leftIndent=12), bulletText="•") for item in items_after]
    flow.append(Paragraph(AFTER, body))
    SimpleDocTemplate(str(path), pagesize=A4).build(flow)
    return path


TOP = [("VALIGN", (0, 0), (-1, -1), "TOP")]
UNPADDED = TOP + [("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]


@pytest.mark.parametrize("style", [TOP, [], UNPADDED], ids=["top-aligned", "bottom-aligned", "unpadded"])
def test_each_row_is_one_block_with_its_wrapped_cells_rejoined(tmp_path, style):
    doc = load_document(typeset(tmp_path / "table.pdf", style=style), "table.pdf")
    assert [b.text for b in doc.blocks] == [BEFORE, *EXPECTED_ROWS, AFTER]
    assert [b.table_row for b in doc.blocks] == [False, True, True, True, True, False]


def test_a_two_column_table_of_terms_is_read_as_rows(tmp_path):
    terms = [["Term", "Definition"], ROWS[1][:2], ["Practice", "Any GP Contract holder eligible to receive GP IT services."]]
    path = typeset(tmp_path / "terms.pdf", rows=terms, style=TOP, widths=[110, 250])
    blocks = load_document(path, "terms.pdf").blocks
    assert [b.text for b in blocks if b.table_row] == [
        "Term | Definition",
        "Clinical system | The digital application used by the practice to store and manage its electronic patient records.",
        "Practice | Any GP Contract holder eligible to receive GP IT services.",
    ]


def test_numbered_items_and_label_value_lines_are_not_two_column_tables(tmp_path):
    """"1." and its text, or "Published" and a date, sit apart like two cells; they stay text."""
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))
    path = tmp_path / "items.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("Vera", 11)
    lines = [("1.", "The ICB commissions the clinical system."), ("2.", "The practice funds its telephony."), ("", ""),
             ("Published", "3 April 2014"), ("", ""), ("The Registration Authority issues smartcards.", "")]
    for n, (left, right) in enumerate(lines):
        c.drawString(72, 700 - 15 * n, left)
        c.drawString(110 if left in ("1.", "2.") else 200, 700 - 15 * n, right)
    c.showPage()
    c.save()
    blocks = load_document(path, "items.pdf").blocks
    assert not any(b.table_row for b in blocks)
    assert [b.text for b in blocks][:2] == ["1. The ICB commissions the clinical system.", "2. The practice funds its telephony."]


def test_a_heading_right_after_a_table_is_not_taken_for_a_row(tmp_path):
    doc = load_document(typeset(tmp_path / "table.pdf", style=TOP, heading_after="Funding"), "table.pdf")
    assert [b.text for b in doc.blocks] == [BEFORE, *EXPECTED_ROWS, "Funding", AFTER]
    passages = chunk_document(doc, INFO)
    assert passages[-1].section == "Funding" and passages[-1].text == AFTER


def test_each_row_is_a_passage_under_its_column_names_and_is_quoted_whole(tmp_path):
    passages = chunk_document(load_document(typeset(tmp_path / "table.pdf", style=TOP), "table.pdf"), INFO)
    rows = [p for p in passages if " | " in p.text]
    assert [p.text for p in rows] == ["\n".join(EXPECTED_ROWS[:2]), *EXPECTED_ROWS[2:]]
    assert [p.section for p in rows] == [None, EXPECTED_ROWS[0], EXPECTED_ROWS[0]]
    assert all(p.column_names == EXPECTED_ROWS[0] for p in rows)
    assert rows[0].sentence_texts() == EXPECTED_ROWS[:2] and rows[1].sentence_texts() == [EXPECTED_ROWS[2]]
    # The embedder reads each cell under its column's name.
    assert rows[1].embedding_text() == ("Telephony — Description: Practice telephony, including cloud telephony and "
                                        "call recording. Commissioner: Practice; Funding: Practice")


def test_a_list_right_after_a_table_is_not_taken_into_it(tmp_path):
    items = ["the clinical system and its support", "the Registration Authority"]
    doc = load_document(typeset(tmp_path / "table.pdf", style=TOP, items_after=items), "table.pdf")
    texts = [p.text for p in chunk_document(doc, INFO)]
    assert EXPECTED_ROWS[-1] in texts
    assert any(t.startswith("• the clinical system and its support\n• the Registration Authority") for t in texts)


def test_a_long_table_over_pages_keeps_every_row_whole_under_its_column_names(tmp_path):
    rows = ROWS[:1] + [
        [f"Service {n}", f"Service {n} is described here in a sentence long enough to wrap inside its cell.", "ICB", "ICB"]
        for n in range(1, 31)
    ]
    doc = load_document(typeset(tmp_path / "long.pdf", rows=rows, style=TOP), "long.pdf")
    passages = [p for p in chunk_document(doc, INFO) if "Service" in p.text]
    assert len(passages) >= 3 and all(len(p.text) <= 1200 for p in passages)
    assert passages[0].text.startswith("Requirement | Description | Commissioner | Funding\nService 1 |")
    header = "Requirement | Description | Commissioner | Funding"
    # The column names repeat at the top of each page (repeatRows): each page's rows stay under
    # them, and the repeats are not passages of their own.
    assert all(p.text.startswith(header) or p.section == header for p in passages)
    assert header not in [p.text for p in chunk_document(doc, INFO)]
    assert len({p.page for p in passages}) >= 2
    rows_out = [line for p in passages for line in p.text.split("\n") if line != header]
    assert rows_out == [
        f"Service {n} | Service {n} is described here in a sentence long enough to wrap inside its cell. | ICB | ICB"
        for n in range(1, 31)
    ]


def table_assistant(tmp_path):
    """The answering core over one indexed PDF of the table ROWS, its header rule on top."""
    from answer.engine import Assistant

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    typeset(corpus / "table.pdf", style=TOP)
    settings = Settings(index_dir=tmp_path / "index")
    index = open_index(settings, default_embedder())
    report = run_ingest(index, [], corpus)
    assert report.failed == [] and report.documents == 1
    return Assistant(index, settings)


def test_a_question_about_a_table_row_quotes_the_row(tmp_path):
    assistant = table_assistant(tmp_path)
    answer = assistant.ask("Who funds practice telephony?")
    assert not answer.abstained
    assert f"“{EXPECTED_ROWS[2]}” [1] (columns: {EXPECTED_ROWS[0]})" in answer.text
    assert answer.citations[0].passage.page == 1
    assert answer.citations[0].passage.section == EXPECTED_ROWS[0]  # shown with the citation: what each cell is
    # A row quoted from the passage that holds the column names is quoted under them.
    answer = assistant.ask("Who funds the clinical system?")
    assert answer.text.startswith(f"“{EXPECTED_ROWS[0]}\n{EXPECTED_ROWS[1]}” [1]")


def test_markdown_pipe_table_rows_are_verbatim_blocks_with_their_introduction(tmp_path):
    path = tmp_path / "funding.md"
    path.write_text(
        "# Funding\n\nWho provides and funds each of the services below is agreed every year as follows:\n\n"
        "| Service | Commissioner | Funder |\n|---|:---:|---|\n| Clinical system | ICB | NHS England |\n"
        "| Telephony  |  | Practice |\n\nAfter the table.\n",
        encoding="utf-8",
    )
    doc = load_document(path, "funding.md")
    assert [(b.text, b.table_row) for b in doc.blocks][2:] == [
        ("Service | Commissioner | Funder", True), ("Clinical system | ICB | NHS England", True),
        ("Telephony | | Practice", True), ("After the table.", False)]
    passages = chunk_document(doc, DocumentInfo(source="funding.md", title="Funding", status="current"))
    assert [(p.section, p.text) for p in passages] == [
        ("Funding", "Who provides and funds each of the services below is agreed every year as follows:\n"
                    "Service | Commissioner | Funder\nClinical system | ICB | NHS England"),
        ("Funding > Service | Commissioner | Funder", "Telephony | | Practice"),
        ("Funding", "After the table."),
    ]
    assert passages[0].sentence_texts()[-1] == "Clinical system | ICB | NHS England"


def test_a_table_pasted_into_a_text_file_keeps_a_row_per_line_under_its_column_names(tmp_path):
    """Cells apart by tabs read as spaces (the text stays verbatim), but each line is a row."""
    path = tmp_path / "pasted.txt"
    path.write_text("Funding\nWho funds what is set out below.\nService\tCommissioner\tFunder\n"
                    "Clinical system\tICB\tNHS England\nTelephony\tPractice\tPractice\nThe practice funds its website.\n",
                    encoding="utf-8")
    doc = load_document(path, "pasted.txt")
    assert [b.text for b in doc.blocks if b.table_row] == [
        "Service Commissioner Funder", "Clinical system ICB NHS England", "Telephony Practice Practice"]
    passages = chunk_document(doc, DocumentInfo(source="pasted.txt", title="Funding", status="current"))
    assert [(p.section, p.text) for p in passages][1:3] == [
        ("Funding", "Service Commissioner Funder\nClinical system ICB NHS England"),
        ("Funding > Service Commissioner Funder", "Telephony Practice Practice"),
    ]
    assert passages[-1].text == "The practice funds its website."


def test_a_header_row_with_an_empty_first_cell_names_the_columns(tmp_path):
    rows = [["", "Commissioned by", "Funded by"], ["Clinical system", "ICB", "NHS England"],
            ["Telephony", "Practice", "Practice"], ["Smartcards", "ICB", "ICB"]]
    doc = load_document(typeset(tmp_path / "matrix.pdf", rows=rows, style=TOP, widths=[120, 120, 120]), "matrix.pdf")
    assert [b.text for b in doc.blocks if b.table_row] == [
        "Commissioned by | Funded by", "Clinical system | ICB | NHS England", "Telephony | Practice | Practice",
        "Smartcards | ICB | ICB"]
    passages = chunk_document(doc, INFO)
    assert {p.section for p in passages if p.text.startswith(("Telephony", "Smartcards"))} == {"Commissioned by | Funded by"}


# -- one table however it arrives: split over pages, as Markdown or as a PDF ------------------

DUTY_ROWS = 60  # three pages


def duties(empty: int = 0) -> list[list[str]]:
    """Every third row has no Cyber cell, from row ``empty`` on (2: page two opens with one)."""
    return [["Organisation", "Financial", "Cyber", "Clinical safety"]] + [
        [f"Body {n}", f"Body {n} holds the budget for service {n} and reports on it each quarter.",
         "" if n % 3 == empty else "Watches for threats", "Signs off changes"]
        for n in range(1, DUTY_ROWS + 1)
    ]


DUTIES = duties()
DUTIES_INTRO = "Each body answers for its part of every service as follows:"
DUTIES_AFTER = "Where two bodies disagree, the ICB decides."
RUNNING_HEAD, RUNNING_FOOT = "Wrenmoor digital services operating model", "Page {} of the operating model"


def typeset_duties(path, rows=DUTIES):
    """A heading, an introduction, a table long enough to run over three pages without its
    header repeated, and a running header and footer on every page."""
    pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))
    body = ParagraphStyle("body", fontName="Vera", fontSize=9, leading=11)
    heading = ParagraphStyle("h", parent=body, fontSize=13, leading=16, spaceAfter=4)

    def furniture(canvas, doc):
        canvas.setFont("Vera", 8)
        canvas.drawString(72, A4[1] - 40, RUNNING_HEAD)
        canvas.drawString(72, 30, RUNNING_FOOT.format(doc.page))

    cells = [[Paragraph(cell, body) for cell in row] for row in rows]
    flow = [Paragraph("Responsibilities", heading), Paragraph(DUTIES_INTRO, body),
            Table(cells, colWidths=[70, 210, 90, 90], style=TOP), Paragraph(DUTIES_AFTER, body)]
    SimpleDocTemplate(str(path), pagesize=A4).build(flow, onFirstPage=furniture, onLaterPages=furniture)
    return path


def duties_markdown(path, rows=DUTIES):
    lines = ["# Responsibilities", "", DUTIES_INTRO, ""]
    lines += ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    lines += ["|" + "|".join(f" {cell} " if cell else "" for cell in row) + "|" for row in rows[1:]]
    path.write_text("\n".join(lines + ["", DUTIES_AFTER, ""]), encoding="utf-8")
    return path


def duty_row(n: int, empty: int = 0) -> str:
    cyber = "" if n % 3 == empty else " Watches for threats"
    return f"Body {n} | Body {n} holds the budget for service {n} and reports on it each quarter. |{cyber} | Signs off changes"


@pytest.mark.parametrize("empty", [0, 2], ids=["full-rows-open-pages", "a-page-opens-with-an-empty-cell"])
def test_a_table_split_over_page_breaks_is_one_table_under_its_header(tmp_path, empty):
    """The running header and footer between the pages join no row, every row on a later page
    stays under the column names of the first (in their columns, though the row opening a
    page leaves one empty), and an empty cell keeps the cells after it in their columns."""
    doc = load_document(typeset_duties(tmp_path / "duties.pdf", rows=duties(empty)), "duties.pdf")
    header = " | ".join(DUTIES[0])
    rows = [b for b in doc.blocks if b.table_row]
    assert [b.text for b in rows] == [header] + [duty_row(n, empty) for n in range(1, DUTY_ROWS + 1)]
    assert len({b.page for b in rows}) >= 3
    assert not any("Wrenmoor digital" in b.text or "of the operating model" in b.text for b in doc.blocks)
    passages = chunk_document(doc, INFO)
    table = [p for p in passages if " | " in p.text]
    assert table[0].text == f"{DUTIES_INTRO}\n{header}\n{duty_row(1, empty)}" and table[0].section == "Responsibilities"
    assert [p.text for p in table[1:]] == [duty_row(n, empty) for n in range(2, DUTY_ROWS + 1)]
    assert {p.section for p in table[1:]} == {f"Responsibilities > {header}"}
    assert all(p.column_names == header for p in table)
    assert passages[-1].text == DUTIES_AFTER and passages[-1].section == "Responsibilities"


def test_markdown_and_pdf_give_the_same_passages_for_the_same_table(tmp_path):
    pdf = chunk_document(load_document(typeset_duties(tmp_path / "duties.pdf"), "duties.pdf"), INFO)
    md = chunk_document(load_document(duties_markdown(tmp_path / "duties.md"), "duties.md"), INFO)
    assert [(p.section, p.text, p.sentence_texts()) for p in md] == [(p.section, p.text, p.sentence_texts()) for p in pdf]


def test_markdown_rows_read_the_same_however_their_pipes_are_spaced(tmp_path):
    path = tmp_path / "tight.md"
    path.write_text("Funding is set out below.\n\n|  |Commissioner|Funder|\n|--|--|--|\n|Telephony||Practice|\n"
                    "| Clinical system | ICB | NHS England |\n|Cell with a \\| in it|ICB||\n", encoding="utf-8")
    assert [b.text for b in load_document(path, "tight.md").blocks if b.table_row] == [
        "Commissioner | Funder", "Telephony | | Practice", "Clinical system | ICB | NHS England", "Cell with a \\| in it | ICB"]


def test_a_short_table_keeps_its_rows_to_itself(tmp_path):
    """Two short rows are no fragment to lend to the paragraph after them."""
    path = tmp_path / "short.md"
    path.write_text("## Targets\n\n| Priority | Fix |\n|---|---|\n| 1 | 8 hours |\n\nA priority 2 fault is fixed within two days.\n",
                    encoding="utf-8")
    passages = chunk_document(load_document(path, "short.md"), INFO)
    assert [p.text for p in passages] == ["Priority | Fix\n1 | 8 hours", "A priority 2 fault is fixed within two days."]


# -- a row as a reader sees it: its label and a "Column: cell" line per cell -------------------


def test_a_row_reads_as_its_label_and_its_cells_under_their_column_names():
    from opmodel.table_rows import labelled

    columns = "Organisation | Financial | Cyber"
    row = labelled("NHS England regional teams | Hold the primary care budget | Run the national cyber centre", columns)
    assert row.one_line() == ("NHS England regional teams — Financial: Hold the primary care budget; "
                              "Cyber: Run the national cyber centre")
    assert labelled("ICB teams | | Watch for threats", columns).one_line() == "ICB teams — Cyber: Watch for threats"
    # Column names over an empty corner cell start at the second cell.
    assert labelled("Telephony | Practice | Practice", "Commissioned by | Funded by").one_line() == \
        "Telephony — Commissioned by: Practice; Funded by: Practice"


def test_the_terminal_and_slack_show_a_cited_row_as_labelled_fields(tmp_path):
    from answer.render import render_answer
    from bot.blocks import render_answer as slack_answer, render_passages

    answer = table_assistant(tmp_path).ask("Who funds practice telephony?")
    assert f"“{EXPECTED_ROWS[2]}” [1]" in answer.text  # the answer itself quotes the row verbatim
    fields = ["Telephony", "Description: Practice telephony, including cloud telephony and call recording.",
              "Commissioner: Practice", "Funding: Practice"]

    terminal = render_answer(answer, cols=100)
    answer_part, sources = terminal.split("\n\nSources:\n\n")
    assert [line.strip() for line in answer_part.splitlines()][:4] == [f"{fields[0]} [1]", *fields[1:]]
    assert [line.strip(" │") for line in sources.splitlines()[2:6]] == fields
    assert " | " not in terminal

    message = slack_answer(answer, answer_id="a1")
    texts = [b["text"]["text"] for b in message.blocks if b["type"] == "section"]
    assert [line.strip() for line in texts[0].splitlines()][:4] == [f"{fields[0]} [1]", *fields[1:]]
    quoted = texts[1].splitlines()
    assert "Requirement" not in quoted[0]  # the section path no longer spells out the columns
    assert [line.lstrip(">").strip() for line in quoted[1:5]] == fields
    shown = render_passages(answer.citations).blocks[1]["text"]["text"].splitlines()
    assert [line.lstrip(">").strip() for line in shown[1:5]] == fields
    assert not any(" | " in text for text in texts)
