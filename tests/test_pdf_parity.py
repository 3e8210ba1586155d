"""The current edition typeset as a PDF chunks into the same passages as its text.

The real operating model arrives as a long PDF. Here the corpus's own text is laid out as one
would be (A5 pages, a running header, page numbers, wrapped lines, bold headings, bullet
lists that cross page breaks) by reportlab, read back through pypdf, and chunked: every
passage must equal the text file's, so a PDF answers exactly as the text does.
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A5
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate

from ingest.catalog import DocumentInfo
from ingest.chunk import chunk_document
from ingest.load import load_document

CURRENT = Path(__file__).resolve().parents[1] / "corpus" / "001_f5b8b55b8638404c.txt"
INFO = DocumentInfo(source="model", title="Operating model", status="current", published="2021-04")


def typeset(text: str, path: Path) -> Path:
    pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))
    pdfmetrics.registerFont(TTFont("VeraBd", "VeraBd.ttf"))
    body = ParagraphStyle("body", fontName="Vera", fontSize=9, leading=12, spaceBefore=6)
    heading = ParagraphStyle("heading", parent=body, fontName="VeraBd", fontSize=12, leading=15, spaceBefore=6)
    item = ParagraphStyle("item", parent=body, leftIndent=12, bulletIndent=2)
    flow = []
    for line in (line.strip() for line in text.splitlines()):
        if line.startswith("•"):
            flow.append(Paragraph(escape(line[1:].strip()), item, bulletText="•"))
        elif line and len(line) < 70 and ":" not in line and not line.endswith((".", ",")):
            flow.append(Paragraph(escape(line), heading))
        elif line:
            flow.append(Paragraph(escape(line), body))

    def furniture(canvas, doc):
        canvas.setFont("Vera", 7)
        canvas.drawString(40, A5[1] - 25, "Securing Excellence in Primary Care (GP) Digital Services 2021-2023")
        canvas.drawRightString(A5[0] - 40, 20, f"Page {doc.page}")

    SimpleDocTemplate(str(path), pagesize=A5, topMargin=45, bottomMargin=40).build(
        flow, onFirstPage=furniture, onLaterPages=furniture
    )
    return path


def test_the_current_edition_as_a_pdf_chunks_like_its_text(tmp_path):
    text_passages = chunk_document(load_document(CURRENT, "model.txt"), INFO)
    pdf = typeset(CURRENT.read_text(encoding="utf-8"), tmp_path / "model.pdf")
    pdf_passages = chunk_document(load_document(pdf, "model.pdf"), INFO)

    assert max(p.page for p in pdf_passages) >= 8  # enough page breaks to cut lists and paragraphs
    assert [(p.section, p.text) for p in pdf_passages] == [(p.section, p.text) for p in text_passages]
    assert [p.page for p in pdf_passages] == sorted(p.page for p in pdf_passages)
