"""Loaders against real files: PDFs written by reportlab, text and markdown on disk."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from ingest.load import load_document
from opmodel.errors import DocumentError

HEADER = "Securing Excellence in Primary Care (GP) Digital Services"
FOOTER = "Publication reference: PR1234 - OFFICIAL"
WIDTH, HEIGHT = A4

# Three pages as typeset lines; "" is a paragraph gap. Page 1 ends mid-sentence.
PAGES = [
    [
        "Introduction",
        "",
        "This operating model sets out how GP IT services are commis-",
        "sioned and funded by integrated care boards for every practice",
        "in England under the ICB-Practice Agreement.",
        "",
        "Responsibilities",
        "",
        "The ICB will provide:",
        "• the clinical system and its support",
        "• network connectivity through the Health and Social Care",
        "  Network",
        "",
        "Practices are responsible for their own telephony and for the",
    ],
    [
        "business systems they choose to buy, e.g. websites.",
        "",
        "Funding",
        "",
        "Funding is allocated every year and reviewed in April by the",
        "ICB.",
    ],
    ["Registration Authority", "", "Smartcards are issued by the Registration Authority."],
]


def _font() -> str:
    """Vera ships with reportlab and maps "•" properly (the standard fonts do not)."""
    pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))
    return "Vera"


def write_pdf(path: Path, pages=PAGES, header: str = HEADER, footer: str = FOOTER) -> Path:
    font = _font()
    c = canvas.Canvas(str(path), pagesize=A4)
    for number, lines in enumerate(pages, start=1):
        c.setFont(font, 8)
        c.drawString(72, HEIGHT - 40, header)
        c.drawString(72, 30, footer)
        c.drawRightString(WIDTH - 72, 30, f"Page {number} of {len(pages)}")
        y = HEIGHT - 100
        for line in lines:
            if line:
                c.setFont(font, 11)
                c.drawString(72 + (14 if line.startswith("  ") else 0), y, line.strip())
            y -= 15
        c.showPage()
    c.save()
    return path


@pytest.fixture
def pdf(tmp_path) -> Path:
    return write_pdf(tmp_path / "model.pdf")


def test_pdf_keeps_pages_and_drops_running_header_footer_and_page_numbers(pdf):
    doc = load_document(pdf, "model.pdf")
    text = doc.text()
    assert HEADER not in text and "PR1234" not in text and "Page 1" not in text and "of 3" not in text
    pages = {block.text: block.page for block in doc.blocks}
    assert pages["Introduction"] == 1 and pages["Funding"] == 2
    assert pages["Smartcards are issued by the Registration Authority."] == 3


def test_pdf_rejoins_hyphenated_words_and_broken_sentences(pdf):
    blocks = [b.text for b in load_document(pdf, "model.pdf").blocks]
    assert (
        "This operating model sets out how GP IT services are commissioned and funded by integrated care "
        "boards for every practice in England under the ICB-Practice Agreement."
    ) in blocks
    assert "• network connectivity through the Health and Social Care Network" in blocks
    assert "Funding is allocated every year and reviewed in April by the ICB." in blocks


def test_pdf_paragraph_across_a_page_break_is_one_block_on_its_first_page(pdf):
    doc = load_document(pdf, "model.pdf")
    (block,) = [b for b in doc.blocks if b.text.startswith("Practices are responsible")]
    assert block.text == (
        "Practices are responsible for their own telephony and for the business systems they choose to buy, e.g. websites."
    )
    assert block.page == 1


def test_pdf_list_introduction_stays_its_own_line(pdf):
    blocks = [b.text for b in load_document(pdf, "model.pdf").blocks]
    at = blocks.index("The ICB will provide:")
    assert blocks[at + 1] == "• the clinical system and its support"


# Typeset as a long operating model is: a lead-in wrapped just before its colon, a list item
# wrapped before its colon, and paragraphs meeting page breaks exactly at a sentence end.
WRAPPED_PAGES = [
    [
        "Purpose",
        "",
        "This document describes the arrangements NHS England will make for GP digital",
        "services to:",
        "• explain how the NHS will fulfil its obligations to every practice",
        "• inform practices of what to expect in the provision of services",
        "",
        "Changes made in this revision of the operating model include:",
        "• the following become Core and Mandated Requirements for all",
        "  practices:",
        "• clinical servers for local hosting and the associated support",
        "",
        "This operating model takes account of the lessons learned from the",
        "Covid-19 response and the vaccination programme during 2020-21.",
    ],
    [
        "These are described later in this document, with what they mean.",
        "",
        "Managed GP IT device: Any individual IT device that is part of the",
        "Managed GP IT Infrastructure and is supported by the ICB supplier.",
    ],
    [
        "Managed GP IT infrastructure: Any GP IT equipment including desktops",
        "and mobile devices, regardless of ownership, connected to the network.",
    ],
]


def test_pdf_lead_in_wrapped_before_its_colon_stays_one_sentence(tmp_path):
    blocks = [b.text for b in load_document(write_pdf(tmp_path / "m.pdf", WRAPPED_PAGES), "m.pdf").blocks]
    assert "This document describes the arrangements NHS England will make for GP digital services to:" in blocks
    assert "• explain how the NHS will fulfil its obligations to every practice" in blocks


def test_pdf_list_item_wrapped_before_its_colon_stays_one_item(tmp_path):
    blocks = [b.text for b in load_document(write_pdf(tmp_path / "m.pdf", WRAPPED_PAGES), "m.pdf").blocks]
    assert "• the following become Core and Mandated Requirements for all practices:" in blocks
    assert "• clinical servers for local hosting and the associated support" in blocks


def test_pdf_page_break_at_a_sentence_end(tmp_path):
    """A sentence pointing back ("These are...") continues its paragraph across the break; a
    new definition at the top of a page does not."""
    doc = load_document(write_pdf(tmp_path / "m.pdf", WRAPPED_PAGES), "m.pdf")
    blocks = {b.text: b.page for b in doc.blocks}
    assert blocks[
        "This operating model takes account of the lessons learned from the Covid-19 response and the vaccination "
        "programme during 2020-21. These are described later in this document, with what they mean."
    ] == 1
    assert blocks[
        "Managed GP IT infrastructure: Any GP IT equipment including desktops and mobile devices, regardless of "
        "ownership, connected to the network."
    ] == 3


def test_pdf_table_of_contents_is_dropped(tmp_path):
    """Its entries name every heading: as a passage it would match any question and answer none."""
    pages = [
        [
            "Contents",
            "",
            "1. Introduction ........................................ 2",
            "2. Responsibilities of integrated care boards and of",
            "practices ................................................ 2",
            "3. Funding arrangements for practices and integrated care",
            "   boards ........................................ 3",
            "4. Registration Authority ............................. 3",
        ],
        [
            "1. Introduction",
            "",
            "This operating model sets out how GP IT services are commissioned.",
            "",
            "2. Responsibilities of integrated care boards and of practices",
            "",
            "The ICB commissions the clinical system for every practice.",
        ],
    ]
    doc = load_document(write_pdf(tmp_path / "m.pdf", pages), "m.pdf")
    text = doc.text()
    assert "...." not in text and "Contents" not in text and "Funding arrangements" not in text
    assert [b.text for b in doc.blocks][:2] == ["1. Introduction", "This operating model sets out how GP IT services are commissioned."]


def test_pdf_dotted_lines_in_body_text_are_kept(tmp_path):
    """Fewer entries than a contents page has: ordinary text, whatever its dots."""
    pages = [["Wait for it .... 3", "", "The ICB commissions the clinical system for every practice."]]
    text = load_document(write_pdf(tmp_path / "m.pdf", pages), "m.pdf").text()
    assert "Wait for it .... 3" in text


def test_pdf_table_rows_are_text_not_headings(tmp_path):
    """Short unpunctuated cells look like headings; nested, they would become every later
    passage's section path ("Service > Clinical system ICB NHS England > ..."). Here the rows are
    single lines with no extra space between them; the "Registration Authority" heading below
    the table, set apart by space, stays a heading."""
    from ingest.catalog import DocumentInfo
    from ingest.chunk import chunk_document

    font, path = _font(), tmp_path / "table.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont(font, 11)
    rows = [("Funding", "", ""), ("", "", ""), ("Who funds each service is set out below.", "", ""),
            ("Service", "Commissioner", "Funder"), ("Clinical system", "ICB", "NHS England"),
            ("Telephony", "Practice", "Practice"), ("", "", ""), ("Registration Authority", "", ""), ("", "", ""),
            ("Smartcards are issued by the Registration Authority.", "", "")]
    y = HEIGHT - 100
    for cells in rows:
        for x, cell in zip((72, 250, 400), cells):
            c.drawString(x, y, cell)
        y -= 15
    c.showPage()
    c.save()
    doc = load_document(path, "table.pdf")
    assert [b.text for b in doc.blocks if b.table_row] == [
        "Service | Commissioner | Funder", "Clinical system | ICB | NHS England", "Telephony | Practice | Practice"]
    info = DocumentInfo(source="table.pdf", title="t", status="current")
    sections = {p.section for p in chunk_document(doc, info)}
    assert sections == {"Funding", "Funding > Service | Commissioner | Funder", "Registration Authority"}


def test_justified_multi_page_document_keeps_every_sentence(tmp_path):
    from reportlab.lib.enums import TA_JUSTIFY
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    style = getSampleStyleSheet()["BodyText"]
    style.alignment = TA_JUSTIFY
    paragraphs = [
        f"Paragraph {n} says that the integrated care board commissions GP IT services for practice {n}. "
        f"It funds the clinical system, the network and Registration Authority services in area {n}. "
        f"Practices in area {n} buy their own telephony and business systems from suppliers they choose."
        for n in range(40)
    ]

    def furniture(c, doc):
        c.setFont("Helvetica", 8)
        c.drawString(72, HEIGHT - 40, HEADER)
        c.drawRightString(WIDTH - 72, 30, str(doc.page))

    path = tmp_path / "justified.pdf"
    SimpleDocTemplate(str(path), pagesize=A4).build(
        [Paragraph(p, style) for p in paragraphs], onFirstPage=furniture, onLaterPages=furniture
    )
    doc = load_document(path, "justified.pdf")
    assert max(b.page for b in doc.blocks) >= 3
    text = " ".join(b.text for b in doc.blocks)
    for paragraph in paragraphs:
        assert paragraph in text
    assert HEADER not in text


def test_password_protected_pdf_is_refused_by_name(pdf, tmp_path):
    writer = PdfWriter(clone_from=pdf)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    locked = tmp_path / "locked.pdf"
    writer.write(locked)
    with pytest.raises(DocumentError, match=r"locked\.pdf.*password"):
        load_document(locked, "locked.pdf")


def test_pdf_protected_only_against_editing_still_opens(pdf, tmp_path):
    writer = PdfWriter(clone_from=pdf)
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-256")
    restricted = tmp_path / "restricted.pdf"
    writer.write(restricted)
    assert "Funding" in [b.text for b in load_document(restricted, "restricted.pdf").blocks]


@pytest.mark.parametrize(
    "content",
    [b"%PDF-1.4\n1 0 obj << /Type /Catalog \x00\x01\x02 garbage", b"", b"PK\x03\x04 a zip file, not a PDF"],
    ids=["garbage", "zero-bytes", "wrong-format"],
)
def test_corrupt_pdf_is_refused_by_name(tmp_path, content):
    path = tmp_path / "broken.pdf"
    path.write_bytes(content)
    with pytest.raises(DocumentError, match=r"broken\.pdf"):
        load_document(path, "broken.pdf")


def test_pdf_without_pages_is_refused_by_name(tmp_path):
    path = tmp_path / "nothing.pdf"
    PdfWriter().write(path)
    with pytest.raises(DocumentError, match=r"nothing\.pdf: the PDF has no pages"):
        load_document(path, "nothing.pdf")


def test_blank_pages_are_refused_by_name(tmp_path):
    path = tmp_path / "blank.pdf"
    c = canvas.Canvas(str(path))
    c.showPage()
    c.showPage()
    c.save()
    with pytest.raises(DocumentError, match=r"blank\.pdf: no text in its 2 pages"):
        load_document(path, "blank.pdf")


def test_image_only_pdf_is_refused_with_ocr_advice(tmp_path):
    from PIL import Image

    picture = tmp_path / "scan.png"
    Image.new("RGB", (300, 400), (240, 240, 240)).save(picture)
    path = tmp_path / "scanned.pdf"
    c = canvas.Canvas(str(path))
    c.drawImage(str(picture), 50, 50, 300, 400)
    c.rect(40, 40, 320, 420)
    c.showPage()
    c.save()
    with pytest.raises(DocumentError, match=r"scanned\.pdf: .*image-only.*OCR"):
        load_document(path, "scanned.pdf")


def test_non_utf8_text_is_refused_by_name(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Practices pay £5 for the café's network.".encode("latin-1"))
    with pytest.raises(DocumentError, match=r"latin1\.txt: not UTF-8 text \(byte 0xa3"):
        load_document(path, "latin1.txt")


def test_empty_text_file_is_refused_by_name(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("  \n\n")
    with pytest.raises(DocumentError, match=r"empty\.txt: the file has no text"):
        load_document(path, "empty.txt")


def test_unsupported_type_is_refused_by_name(tmp_path):
    path = tmp_path / "model.docx"
    path.write_bytes(b"PK")
    with pytest.raises(DocumentError, match=r"model\.docx: unsupported file type '\.docx'"):
        load_document(path, "model.docx")


def test_text_lines_are_paragraphs_unless_broken_mid_sentence(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text(
        "\ufeffFunding\n"
        "The ICB funds the clinical\n"
        "system and   the network.\n"
        "Practices fund telephony.\n"
        "\n"
        "  • first item\n",
        encoding="utf-8",
    )
    blocks = [b.text for b in load_document(path, "notes.txt").blocks]
    assert blocks == [
        "Funding",
        "The ICB funds the clinical system and the network.",
        "Practices fund telephony.",
        "• first item",
    ]


def test_hard_wrapped_text_is_reflowed_into_paragraphs(tmp_path):
    path = tmp_path / "wrapped.txt"
    sentence = "The integrated care board funds the clinical system and the network for every practice."
    import textwrap

    path.write_text("\n\n".join(textwrap.fill(f"{sentence} {sentence} Paragraph {n}.", 72) for n in range(4)))
    blocks = [b.text for b in load_document(path, "wrapped.txt").blocks]
    assert blocks == [f"{sentence} {sentence} Paragraph {n}." for n in range(4)]


def test_markdown_headings_paragraphs_and_lists(tmp_path):
    path = tmp_path / "guide.md"
    path.write_text(
        "# GP IT guide\n\nIntro paragraph that is\nwrapped over two lines.\n\n"
        "Overview\n--------\n\nThe ICB provides:\n- the clinical system\n- the network\n  and its support\n\n---\n\n## Funding ##\nPaid yearly.\n",
        encoding="utf-8",
    )
    blocks = load_document(path, "guide.md").blocks
    assert [(b.text, b.heading_level) for b in blocks] == [
        ("GP IT guide", 1),
        ("Intro paragraph that is wrapped over two lines.", 0),
        ("Overview", 2),
        ("The ICB provides:", 0),
        ("- the clinical system", 0),
        ("- the network and its support", 0),
        ("Funding", 2),
        ("Paid yearly.", 0),
    ]


def test_pdf_footnote_markers_set_with_text_rise_leave_the_paragraph_whole(tmp_path):
    """pypdf lays the words after a raised marker on a line of their own above the paragraph's;
    the markers are dropped and longer raised text is kept on its line."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    body = ParagraphStyle("b", fontName=_font(), fontSize=9, leading=12, spaceBefore=6)
    marked = ("The ICB commissions GP IT services for practices in its area and funds the clinical system<super>12</super> "
              "under the ICB-Practice Agreement<super>3</super>, which sets out what each party provides.")
    raised = "Practices buy their own telephony<super>see annex</super> and websites."
    SimpleDocTemplate(str(tmp_path / "notes.pdf"), pagesize=A4).build([Paragraph(marked, body), Paragraph(raised, body)])
    doc = load_document(tmp_path / "notes.pdf", "notes.pdf")
    assert [b.text for b in doc.blocks] == [
        "The ICB commissions GP IT services for practices in its area and funds the clinical system under the "
        "ICB-Practice Agreement, which sets out what each party provides.",
        "Practices buy their own telephonysee annex and websites.",
    ]


def test_pdf_paragraph_carries_on_past_the_footnotes_at_the_bottom_of_its_page(tmp_path):
    font, path = _font(), tmp_path / "notes.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    pages = [
        (["Funding", "", "The ICB funds the clinical system and its support for every practice in its",
          "area, and the practice funds its own telephony and the business systems that it"],
         ["1 See https://www.england.nhs.uk/gp-it/ for the ICB-Practice Agreement.", "2 Published annually."]),
        (["chooses to buy, such as websites.", "", "Smartcards are issued by the Registration Authority."],
         ["3 The Registration Authority is run by the ICB."]),
    ]
    for number, (body, notes) in enumerate(pages, start=1):
        y = HEIGHT - 100
        c.setFont(font, 11)
        for line in body:
            if line:
                c.drawString(72, y, line)
            y -= 15
        c.setFont(font, 7)
        for k, note in enumerate(notes):
            c.drawString(72, 80 - 9 * k, note)
        c.drawRightString(WIDTH - 72, 30, f"Page {number}")
        c.showPage()
    c.save()
    doc = load_document(path, "notes.pdf")
    assert [(b.text, b.page) for b in doc.blocks] == [
        ("Funding", 1),
        ("The ICB funds the clinical system and its support for every practice in its area, and the practice "
         "funds its own telephony and the business systems that it chooses to buy, such as websites.", 1),
        ("1 See https://www.england.nhs.uk/gp-it/ for the ICB-Practice Agreement.", 1),
        ("2 Published annually.", 1),
        ("Smartcards are issued by the Registration Authority.", 2),
        ("3 The Registration Authority is run by the ICB.", 2),
    ]


def test_pdf_ligatures_are_spelled_out(tmp_path):
    """"ﬁnances" would be the word "nances" to the search: typeset text keeps ligature glyphs."""
    c = canvas.Canvas(str(tmp_path / "lig.pdf"), pagesize=A4)
    c.setFont(_font(), 11)
    c.drawString(72, 700, "The ICB \ufb01nances \ufb02exible working.")  # Vera has the fi and fl ligatures
    c.showPage()
    c.save()
    assert load_document(tmp_path / "lig.pdf", "lig.pdf").text() == "The ICB finances flexible working."


def test_pdf_page_in_two_columns_is_read_column_by_column(tmp_path):
    """Layout text puts both columns on one line; read across, every sentence would run on into
    the other column's. The title across the page keeps its place above them."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import BaseDocTemplate, Frame, FrameBreak, PageTemplate, Paragraph

    body = ParagraphStyle("b", fontName=_font(), fontSize=9, leading=12, spaceBefore=6)
    title = ParagraphStyle("t", parent=body, fontSize=14, leading=18)
    column = (WIDTH - 120) / 2
    frames = [Frame(50, HEIGHT - 110, WIDTH - 100, 50, id="title"), Frame(50, 50, column, HEIGHT - 170, id="left"),
              Frame(70 + column, 50, column, HEIGHT - 170, id="right")]
    paragraphs = [f"Paragraph {n}: the ICB commissions GP IT services for the practices in its area and funds the "
                  f"clinical system, and practices fund their own telephony and websites (item {n})." for n in range(1, 25)]
    doc = BaseDocTemplate(str(tmp_path / "cols.pdf"), pagesize=A4, pageTemplates=[PageTemplate(frames=frames)])
    doc.build([Paragraph("GP IT for practices: a two-column newsletter", title), FrameBreak(),
               *[Paragraph(p, body) for p in paragraphs]])
    texts = [b.text for b in load_document(tmp_path / "cols.pdf", "cols.pdf").blocks]
    assert texts[0] == "GP IT for practices: a two-column newsletter"
    assert texts[1:] == paragraphs[: len(texts) - 1] and len(texts) > 12  # both columns, in order, whole
