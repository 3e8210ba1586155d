"""The eval reads a PDF as the product does: evidence and citations from a typeset document.

A real PDF is laid out by reportlab (running header, page numbers, a paragraph broken across a
page), then read back through the eval's corpus loader, the real chunker and the baseline's
loader.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A6
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate

from answer.types import Answer, Citation
from eval.baseline import load_documents
from eval.metrics import citation_problems, evidence_rank
from eval.textmatch import corpus_files, load_corpus_texts, normalise_whitespace
from ingest.catalog import DocumentInfo
from ingest.chunk import chunk_document
from ingest.load import load_document

HEADER = "Fictional Primary Care Digital Services Operating Model 2030"
PARAGRAPHS = [
    "Responsibilities",
    "The Integrated Care Board funds the practice network connection and the service desk for every "
    "practice in its area, and reviews the arrangement each year with the local medical committee.",
    "Telephony",
    "Practices choose, contract for and pay for their own telephone systems; the board offers a "
    "framework and a one-off transition grant but the running costs stay with the practice.",
] + [
    f"Appendix item {n}: the service catalogue lists support for item {n} with its own named contact "
    "and a response time agreed with the delivery partner for that item."
    for n in range(1, 13)
]


def write_pdf(path: Path, paragraphs: list[str] = PARAGRAPHS, header: str = HEADER) -> Path:
    """A small multi-page PDF shaped like guidance: running header, page numbers, headings."""
    pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))
    pdfmetrics.registerFont(TTFont("VeraBd", "VeraBd.ttf"))
    body = ParagraphStyle("body", fontName="Vera", fontSize=9, leading=12, spaceBefore=6)
    heading = ParagraphStyle("heading", parent=body, fontName="VeraBd", fontSize=12, leading=15)
    flow = [Paragraph(escape(p), heading if len(p.split()) < 3 else body) for p in paragraphs]

    def furniture(canvas, doc):
        canvas.setFont("Vera", 6)
        canvas.drawString(20, A6[1] - 18, header)
        canvas.drawRightString(A6[0] - 20, 12, f"Page {doc.page}")

    SimpleDocTemplate(str(path), pagesize=A6, topMargin=30, bottomMargin=28, leftMargin=20, rightMargin=20).build(
        flow, onFirstPage=furniture, onLaterPages=furniture
    )
    return path


def corpus_with_pdf(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write_pdf(folder / "model.pdf")
    (folder / "faq.md").write_text("# FAQ\n\nWho pays for printers? Printers are paid for by the practice.\n")
    (folder / "README.md").write_text("What this folder is.\n")
    (folder / "metadata.yaml").write_text("model.pdf:\n  title: Model\n")
    return folder


def test_a_pdf_is_read_as_the_product_reads_it(tmp_path):
    corpus = corpus_with_pdf(tmp_path / "docs")
    texts = load_corpus_texts(corpus)
    assert set(texts) == {"model.pdf", "faq.md"}  # README and the catalogue are not documents
    pdf = texts["model.pdf"]
    assert HEADER not in pdf and "Page 2" not in pdf  # page furniture dropped, as the ingest drops it
    assert normalise_whitespace(PARAGRAPHS[3]) in pdf  # a whole paragraph, its wrapped lines rejoined
    assert pdf == normalise_whitespace(load_document(corpus / "model.pdf", "model.pdf").text())


def test_passages_chunked_from_a_pdf_are_valid_citations_and_evidence_is_found(tmp_path):
    corpus = corpus_with_pdf(tmp_path / "docs")
    texts = load_corpus_texts(corpus)
    info = DocumentInfo(source="model.pdf", title="Model", status="current", published="2030")
    passages = chunk_document(load_document(corpus / "model.pdf", "model.pdf"), info)
    assert max(p.page for p in passages) >= 2
    answer = Answer("q", "x [1]", False, [Citation(i, p, 1.0) for i, p in enumerate(passages, start=1)])
    assert citation_problems(answer, texts) == []
    quote = "the running costs stay with the practice"
    assert evidence_rank([quote], [p.text for p in passages]) is not None
    forged = Answer("q", "x [1]", False, [Citation(1, replace(passages[0], text="The board pays for telephony."), 1.0)])
    assert citation_problems(forged, texts)


def test_files_are_named_as_the_ingest_names_them_and_the_baseline_reads_pdf_pages(tmp_path):
    corpus = corpus_with_pdf(tmp_path / "docs")
    (corpus / "news").mkdir()
    (corpus / "news" / "item.txt").write_text("The board opened a new service desk in 2030.\n")
    (corpus / ".hidden.txt").write_text("not a document\n")
    assert [source for source, _ in corpus_files(corpus)] == ["faq.md", "model.pdf", "news/item.txt"]
    docs = load_documents(corpus)
    pages = [d for d in docs if d.metadata["source"] == "model.pdf"]
    assert len(pages) >= 2 and [d.metadata["page"] for d in pages] == list(range(len(pages)))
    assert HEADER in pages[0].page_content  # the tutorial's loader keeps page furniture: no clean-up
    assert {d.metadata["source"] for d in docs} == {"faq.md", "model.pdf", "news/item.txt"}


def test_a_markdown_table_row_cited_as_the_product_chunks_it_is_valid(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "funding.md").write_text(
        "# Funding\n\nThe budget lines are:\n\n| Budget line | Allocation |\n| --- | ---: |\n"
        "| Service desk | £1,640,000 |\n| Cyber security support | £210,000 |\n"
    )
    texts = load_corpus_texts(folder)
    info = DocumentInfo(source="funding.md", title="Funding", status="current")
    passages = chunk_document(load_document(folder / "funding.md", "funding.md"), info)
    row = next(p for p in passages if "£1,640,000" in p.text)
    assert "Service desk | £1,640,000" in texts["funding.md"] and "---" not in texts["funding.md"]
    answer = Answer("q", "x [1]", False, [Citation(1, row, 1.0)])
    assert citation_problems(answer, texts) == []
