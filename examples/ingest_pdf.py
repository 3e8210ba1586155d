"""Ingest a PDF and look at the passages it becomes.

Writes a three-page PDF (running header, footer with page numbers, a word hyphenated across
a line end, a definition, a list) into a temporary corpus, ingests it into a temporary
index, then prints each passage with its page and section, as `opmodel ask` would cite it.

    .venv/bin/python examples/ingest_pdf.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from ingest.pipeline import run_ingest
from opmodel.index import open_index
from opmodel.settings import Settings

PAGES = [
    [
        "Introduction",
        "",
        "This operating model sets out how GP IT services are commis-",
        "sioned and funded by integrated care boards (ICBs) for every",
        "practice in England.",
        "",
        "Definitions",
        "",
        "Clinical system: The digital application used by the practice to",
        "store and manage its electronic patient records.",
    ],
    [
        "Responsibilities",
        "",
        "The ICB will provide:",
        "• the clinical system and its support",
        "• connectivity through the Health and Social Care Network",
        "• Registration Authority services",
        "",
        "Practices remain responsible for their own telephony.",
    ],
    ["Review", "", "This operating model is reviewed every two years."],
]

METADATA = """\
operating-model.pdf:
  title: "Example GP IT operating model"
  publisher: Example ICB
  published: "2024-04"
  kind: operating model
  status: current
"""


def write_pdf(path: Path) -> None:
    pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))  # ships with reportlab; renders "•"
    width, height = A4
    c = canvas.Canvas(str(path), pagesize=A4)
    for number, lines in enumerate(PAGES, start=1):
        c.setFont("Vera", 8)
        c.drawString(72, height - 40, "Example GP IT operating model 2024")
        c.drawString(72, 30, "OFFICIAL")
        c.drawRightString(width - 72, 30, f"Page {number} of {len(PAGES)}")
        y = height - 100
        for line in lines:
            c.setFont("Vera", 11)
            c.drawString(72, y, line)
            y -= 15
        c.showPage()
    c.save()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        write_pdf(corpus / "operating-model.pdf")
        (corpus / "metadata.yaml").write_text(METADATA)

        index = open_index(Settings(index_dir=Path(tmp) / "index"))
        report = run_ingest(index, [corpus], corpus)
        print(f"added {report.added}, {report.passages} passages, {report.embedded} embeddings computed\n")
        for passage in index.passages():
            print(f"[{passage.ordinal}] page {passage.page} · {passage.section} · {passage.title} ({passage.published}, {passage.status})")
            print("    " + passage.text.replace("\n", "\n    "))
            print()


if __name__ == "__main__":
    main()
