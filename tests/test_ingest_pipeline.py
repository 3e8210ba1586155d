"""run_ingest and `opmodel ingest` against a real Chroma on disk and the real embedder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pypdf import PdfWriter
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from index_support import embedder  # noqa: F401  (fixture)
from ingest.pipeline import run_ingest
from opmodel.index import open_index
from opmodel.settings import Settings

REPO = Path(__file__).resolve().parents[1]
METADATA = """\
funding.txt:
  title: Funding guidance
  published: "2021-04"
  status: current
support.txt:
  title: Support guidance
  published: "2019"
  status: superseded
  notes: GPSoC was replaced by GP IT Futures.
"""
FUNDING = "Funding\n\nThe ICB funds the clinical system for every practice.\n\nPractices fund their own telephony.\n"
SUPPORT = "Support\n\nThe GP IT delivery partner supports the practice network.\n"


@pytest.fixture
def corpus(tmp_path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "metadata.yaml").write_text(METADATA)
    (folder / "README.md").write_text("# About this corpus\n\nNot a document.\n")
    (folder / "funding.txt").write_text(FUNDING)
    (folder / "support.txt").write_text(SUPPORT)
    return folder


@pytest.fixture
def index(tmp_path, embedder):
    return open_index(Settings(index_dir=tmp_path / "index"), embedder)


def texts(index) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for passage in index.passages():
        out.setdefault(passage.source, []).append(passage.text)
    return out


def write_pdf(path: Path, lines: list[str]) -> Path:
    pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))
    c = canvas.Canvas(str(path))
    c.setFont("Vera", 11)
    for n, line in enumerate(lines):
        c.drawString(72, 750 - 16 * n, line)
    c.showPage()
    c.save()
    return path


def test_first_ingest_indexes_every_document_with_its_metadata(index, corpus):
    report = run_ingest(index, [corpus], corpus)
    assert report.added == ["funding.txt", "support.txt"]
    assert (report.updated, report.removed, report.skipped, report.failed, report.warnings) == ([], [], [], [], [])
    assert report.passages == report.embedded == 3 and report.documents == 2
    support = [p for p in index.passages() if p.source == "support.txt"]
    assert [(p.title, p.status, p.published, p.section, p.status_note) for p in support] == [
        ("Support guidance", "superseded", "2019", "Support", "GPSoC was replaced by GP IT Futures.")
    ]


def test_unchanged_reingest_embeds_nothing_and_keeps_the_version(index, corpus):
    run_ingest(index, [corpus], corpus)
    version = index.snapshot().collection
    report = run_ingest(index, [corpus], corpus)
    assert report.skipped == ["funding.txt", "support.txt"] and not report.changed
    assert report.embedded == 0 and report.passages == 3
    assert index.snapshot().collection == version


def test_a_changed_file_replaces_its_passages_and_reuses_the_rest(index, corpus):
    run_ingest(index, [corpus], corpus)
    (corpus / "funding.txt").write_text(FUNDING.replace("telephony", "telephony and websites"))
    report = run_ingest(index, [corpus], corpus)
    assert report.updated == ["funding.txt"] and report.skipped == ["support.txt"]
    assert report.embedded == 1  # only the edited paragraph
    assert texts(index)["funding.txt"] == [
        "The ICB funds the clinical system for every practice.",
        "Practices fund their own telephony and websites.",
    ]


def test_a_metadata_change_updates_the_document(index, corpus):
    run_ingest(index, [corpus], corpus)
    (corpus / "metadata.yaml").write_text(METADATA.replace("status: current", "status: historical"))
    report = run_ingest(index, [corpus], corpus)
    assert report.updated == ["funding.txt"]
    assert {p.status for p in index.passages() if p.source == "funding.txt"} == {"historical"}


def test_a_deleted_file_disappears(index, corpus):
    run_ingest(index, [corpus], corpus)
    (corpus / "support.txt").unlink()
    report = run_ingest(index, [corpus], corpus)
    assert report.removed == ["support.txt"]
    assert set(texts(index)) == {"funding.txt"}
    assert any("describes support.txt, which is not in the corpus folder" in w for w in report.warnings)


def test_documents_outside_the_given_paths_are_kept(index, corpus):
    run_ingest(index, [corpus], corpus)
    (corpus / "support.txt").unlink()  # not named below, so not ours to remove
    (corpus / "funding.txt").write_text(FUNDING + "\nA new paragraph.\n")
    report = run_ingest(index, [corpus / "funding.txt"], corpus)
    assert report.updated == ["funding.txt"] and report.removed == []
    assert set(texts(index)) == {"funding.txt", "support.txt"}


def test_subfolders_are_indexed_with_their_path(index, corpus):
    (corpus / "local").mkdir()
    (corpus / "local" / "lmc.md").write_text("# LMC view\n\nThe LMC represents practices.\n")
    report = run_ingest(index, [], corpus)  # no paths: the corpus folder
    assert "local/lmc.md" in report.added
    shutil.rmtree(corpus / "local")
    assert run_ingest(index, [corpus / "funding.txt"], corpus).removed == []
    assert run_ingest(index, [corpus], corpus).removed == ["local/lmc.md"]


def test_a_corrupt_pdf_is_reported_and_the_rest_is_indexed(index, corpus):
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.7\n\x00\x01 not really a PDF")
    write_pdf(corpus / "good.pdf", ["Registration Authority", "", "Smartcards are issued by the RA."])
    report = run_ingest(index, [corpus], corpus)
    assert [source for source, _ in report.failed] == ["broken.pdf"]
    assert "broken.pdf" in report.failed[0][1] and "not a readable PDF" in report.failed[0][1]
    assert report.added == ["funding.txt", "good.pdf", "support.txt"]
    (good,) = [p for p in index.passages() if p.source == "good.pdf"]
    assert (good.text, good.page, good.section) == ("Smartcards are issued by the RA.", 1, "Registration Authority")


def test_a_file_that_breaks_keeps_its_previous_passages(index, corpus):
    run_ingest(index, [corpus], corpus)
    (corpus / "support.txt").write_bytes(b"caf\xe9 latin-1 text")
    report = run_ingest(index, [corpus], corpus)
    assert report.failed and report.failed[0][0] == "support.txt" and "not UTF-8" in report.failed[0][1]
    assert texts(index)["support.txt"] == ["The GP IT delivery partner supports the practice network."]
    assert any("kept its previously indexed passages" in w for w in report.warnings)


class FailingEmbedder:
    """The real embedder, except that the process "runs out of memory" on the first batch."""

    def __init__(self, real):
        self.name, self.dimension = real.name, real.dimension

    def embed(self, texts):
        raise MemoryError("simulated: the machine ran out of memory while embedding")


def test_a_publish_that_fails_leaves_the_previous_index_answering(tmp_path, index, corpus, embedder):
    run_ingest(index, [corpus], corpus)
    before = (index.snapshot().collection, texts(index))
    (corpus / "funding.txt").write_text("Funding\n\nEverything changed.\n")
    failing = open_index(Settings(index_dir=tmp_path / "index"), FailingEmbedder(embedder))
    with pytest.raises(MemoryError):
        run_ingest(failing, [corpus], corpus)
    assert (index.snapshot().collection, texts(index)) == before
    vector = embedder.embed(["Who funds the clinical system?"])[0]
    (best, _), *_ = index.search(vector, k=1)
    assert best.text == "The ICB funds the clinical system for every practice."


def test_a_document_without_metadata_gets_defaults_and_a_warning(index, corpus, caplog):
    (corpus / "lmc_it_page.txt").write_text("The LMC sits on IT groups.\n")
    report = run_ingest(index, [corpus], corpus)
    assert "lmc_it_page.txt" in report.added
    (warning,) = [w for w in report.warnings if "lmc_it_page.txt" in w]
    assert "no entry in" in warning and "metadata.yaml" in warning
    assert "lmc_it_page.txt" in caplog.text
    (passage,) = [p for p in index.passages() if p.source == "lmc_it_page.txt"]
    # Nothing states its status: "unknown", never "historical" (issue 13), and nothing for the
    # operator in the passage itself (the hint is the warning above).
    assert (passage.title, passage.status, passage.published, passage.status_note) == ("lmc it page", "unknown", None, None)


def test_a_document_without_metadata_is_titled_as_it_titles_itself(index, corpus):
    """A PDF's metadata title or a markdown document's "# " heading beats the file name;
    a word processor's "draft3.docx" does not."""
    # (Its sentence is not funding.txt's: the same passage in two files would be indexed once.)
    titled = write_pdf(corpus / "sec-exc-2023.pdf", ["The ICB funds the clinical system of each practice."])
    untitled = write_pdf(corpus / "scan_0042.pdf", ["Practices fund their own telephony and websites."])
    for path, title in ((titled, "Securing Excellence in GP Digital Services 2023"), (untitled, "draft3.docx")):
        writer = PdfWriter(clone_from=path)
        writer.add_metadata({"/Title": title})
        writer.write(path)
    (corpus / "lmc.md").write_text("# LMC guide to practice IT\n\nThe LMC sits on IT groups.\n")
    report = run_ingest(index, [corpus], corpus)
    titles = {p.source: p.title for p in index.passages()}
    assert titles["sec-exc-2023.pdf"] == "Securing Excellence in GP Digital Services 2023"
    assert titles["scan_0042.pdf"] == "scan 0042"
    assert titles["lmc.md"] == "LMC guide to practice IT"
    assert any("'LMC guide to practice IT'" in w and "no entry in" in w for w in report.warnings)
    again = run_ingest(index, [corpus], corpus)
    assert "lmc.md" in again.skipped and any("lmc.md: still no entry" in w for w in again.warnings)


def test_a_document_without_metadata_is_dated_by_its_own_title_page(index, corpus):
    """A labelled date or a dateline counts; a date inside a sentence is about something else."""
    (corpus / "model.md").write_text(
        "# GP IT operating model\n\nPublished: 3 April 2014\n\n"
        "It builds on the model first published in December 2012.\n"
    )
    (corpus / "news.txt").write_text("GPSoC delivery goes local\n- 11 December 2006\nPCTs will draw up plans.\n")
    (corpus / "plan.txt").write_text("The plan runs from April 2021 to March 2023 for every practice.\n")
    report = run_ingest(index, [corpus], corpus)
    dates = {p.source: p.published for p in index.passages()}
    assert (dates["model.md"], dates["news.txt"], dates["plan.txt"]) == ("2014-04-03", "2006-12-11", None)
    assert any("model.md" in w and "dated 2014-04-03 from its text" in w for w in report.warnings)
    assert any("plan.txt" in w and "undated" in w for w in report.warnings)


def test_a_bad_metadata_entry_fails_only_its_document(index, corpus):
    (corpus / "metadata.yaml").write_text(METADATA.replace("status: superseded", "status: outdated"))
    report = run_ingest(index, [corpus], corpus)
    ((source, message),) = report.failed
    assert source == "support.txt" and "'support.txt'" in message and "'outdated'" in message
    assert report.added == ["funding.txt"]


def test_unsupported_and_missing_paths_are_reported(index, corpus, tmp_path):
    (corpus / "notes.docx").write_bytes(b"PK")
    report = run_ingest(index, [corpus, tmp_path / "nowhere"], corpus)
    assert any("notes.docx" in w and "not supported" in w for w in report.warnings)
    assert [message for _, message in report.failed] == [f"{tmp_path / 'nowhere'}: no such file or folder"]
    assert report.added == ["funding.txt", "support.txt"]


def test_a_file_outside_the_corpus_is_indexed_by_name_with_a_warning(index, corpus, tmp_path):
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("A document from somewhere else.\n")
    report = run_ingest(index, [outside], corpus)
    assert report.added == ["elsewhere.txt"]
    assert any("outside" in w for w in report.warnings)


def test_links_in_a_folder_are_skipped_and_reported_but_a_named_link_is_followed(index, corpus, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "private.txt").write_text("Another team's notes, never meant for the index.\n")
    (corpus / "linked.txt").symlink_to(elsewhere / "private.txt")
    (corpus / "linked-folder").symlink_to(elsewhere, target_is_directory=True)
    report = run_ingest(index, [corpus], corpus)
    assert not any("linked" in s or "private" in s for s in report.added)
    skipped = [w for w in report.warnings if "symbolic link" in w]
    assert len(skipped) == 2 and any(str(elsewhere / "private.txt") in w for w in skipped)
    assert not any("private" in p.source for p in index.passages())
    named = run_ingest(index, [corpus / "linked.txt"], corpus)
    assert named.added == ["linked.txt"]


def test_progress_bar_goes_to_stderr(index, corpus, capsys):
    run_ingest(index, [corpus], corpus, progress=True)
    captured = capsys.readouterr()
    assert "Indexing" in captured.err and "3/3" in captured.err and captured.out == ""


def test_the_shipped_corpus_ingests_and_reingests_for_free(index):
    corpus = REPO / "corpus"
    first = run_ingest(index, [corpus], corpus)
    assert len(first.added) == 5 and not first.failed and not first.warnings
    assert first.embedded == first.passages > 50
    again = run_ingest(index, [corpus], corpus)
    assert len(again.skipped) == 5 and again.embedded == 0 and again.passages == first.passages


def test_cli_prints_a_summary_and_exits_1_when_a_file_failed(corpus, monkeypatch, capsys, tmp_path):
    from opmodel.cli import main

    monkeypatch.setenv("OPMODEL_INDEX", str(tmp_path / "index"))
    monkeypatch.setenv("OPMODEL_CORPUS_DIR", str(corpus))
    (corpus / "broken.pdf").write_bytes(b"not a pdf")
    assert main(["ingest", "--quiet"]) == 1
    out, err = capsys.readouterr()
    assert "2 added, 0 updated, 0 removed, 0 unchanged, 1 failed" in out
    assert "failed: broken.pdf" in err and "Traceback" not in err
    assert "The other 2 changed files were indexed" in err
    (corpus / "broken.pdf").unlink()
    assert main(["ingest"]) == 0
    out, _ = capsys.readouterr()
    assert "0 added, 0 updated, 0 removed, 2 unchanged, 0 failed" in out
    assert "0 embeddings computed" in out


def test_the_cli_never_claims_files_were_indexed_when_none_were(monkeypatch, capsys, tmp_path):
    from opmodel.cli import main

    monkeypatch.setenv("OPMODEL_INDEX", str(tmp_path / "index"))
    monkeypatch.setenv("OPMODEL_CORPUS_DIR", str(tmp_path))
    assert main(["ingest", "--quiet", str(tmp_path / "nowhere")]) == 1
    _, err = capsys.readouterr()
    assert "no such file or folder" in err and "Nothing new was indexed" in err
    assert "other" not in err


def test_an_unreadable_metadata_file_stops_before_touching_the_index(index, corpus):
    from opmodel.errors import ConfigError

    run_ingest(index, [corpus], corpus)
    version = index.snapshot().collection
    (corpus / "metadata.yaml").write_text("funding.txt: [unclosed\n")
    with pytest.raises(ConfigError, match="metadata.yaml"):
        run_ingest(index, [corpus], corpus)
    assert index.snapshot().collection == version


def test_a_folder_outside_the_corpus_brings_its_own_catalogue(index, corpus, tmp_path):
    """`opmodel ingest PATH` reads PATH/metadata.yaml, wherever PATH lives."""
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "metadata.yaml").write_text('icb.txt:\n  title: ICB digital policy\n  published: "2024-01"\n  status: current\n')
    (drop / "icb.txt").write_text("The ICB replaces practice hardware every five years.\n")
    report = run_ingest(index, [corpus, drop], corpus)
    assert "icb.txt" in report.added and not report.failed
    assert not any("icb.txt" in w and "no entry" in w for w in report.warnings)
    (passage,) = [p for p in index.passages() if p.source == "icb.txt"]
    assert (passage.title, passage.published, passage.status) == ("ICB digital policy", "2024-01", "current")


def test_a_subfolder_catalogue_describes_its_documents(index, corpus):
    sub = corpus / "icb"
    sub.mkdir()
    (sub / "metadata.yaml").write_text("policy.txt:\n  title: ICB policy\n  status: superseded\n")
    (sub / "policy.txt").write_text("The ICB funds the practice network.\n")
    report = run_ingest(index, [sub], corpus)
    assert report.added == ["icb/policy.txt"] and not report.failed
    (passage,) = [p for p in index.passages() if p.source == "icb/policy.txt"]
    assert (passage.title, passage.status) == ("ICB policy", "superseded")


def test_a_duplicate_key_fails_its_document_by_file_entry_and_line_and_the_rest_ingests(index, corpus):
    (corpus / "metadata.yaml").write_text(METADATA + "funding.txt:\n  title: Funding again\n")
    report = run_ingest(index, [corpus], corpus)
    ((source, message),) = report.failed
    assert source == "funding.txt"
    assert str(corpus / "metadata.yaml") in message and "'funding.txt'" in message and "line 10" in message
    assert report.added == ["support.txt"]


def test_an_invalid_date_fails_its_document_by_file_entry_and_line(index, corpus):
    (corpus / "metadata.yaml").write_text(METADATA.replace('published: "2019"', "published: 2019-02-30"))
    report = run_ingest(index, [corpus], corpus)
    ((source, message),) = report.failed
    assert source == "support.txt" and "'support.txt', line 5" in message and "2019-02-30" in message
    assert "ValueError" not in message
    assert report.added == ["funding.txt"]


def test_an_empty_catalogue_is_a_warning_and_everything_ingests(index, corpus):
    (corpus / "metadata.yaml").write_text("")
    report = run_ingest(index, [corpus], corpus)
    assert report.added == ["funding.txt", "support.txt"] and not report.failed
    assert any("metadata.yaml is empty" in w for w in report.warnings)


# -- editions and duplicates ----------------------------------------------------------------

OLD_EDITION = ("# GP digital services operating model 2019-2021\n\nStatus: current\n\n"
               "The CCG funds the clinical system for each practice in its area.\n")
NEW_EDITION = ("# GP digital services operating model 2021-2023\n\n"
               "The ICB funds the clinical system for each practice in its area.\n")


def statuses(index) -> dict[str, tuple[str, str | None]]:
    return {p.source: (p.status, p.status_note) for p in index.passages()}


def test_the_newer_edition_is_current_and_the_older_superseded_by_it(index, corpus):
    (corpus / "model-2019.md").write_text(OLD_EDITION)
    (corpus / "model-2021.md").write_text(NEW_EDITION)
    run_ingest(index, [corpus], corpus)
    found = statuses(index)
    assert found["model-2021.md"][0] == "current"
    status, note = found["model-2019.md"]
    # Its own "Status: current" was true when it was written; the newer edition says otherwise now.
    assert status == "superseded" and "GP digital services operating model 2021-2023" in note
    (old,) = [p for p in index.passages() if p.source == "model-2019.md"]
    assert '"status": "edition"' in old.provenance and '"edition": "2019-2021"' in old.provenance
    (corpus / "model-2021.md").unlink()
    run_ingest(index, [corpus], corpus)
    assert statuses(index)["model-2019.md"] == ("current", "Status: current")  # back to what it says of itself


def test_an_edition_added_later_supersedes_the_one_indexed_before(index, corpus):
    (corpus / "model-2019.md").write_text(OLD_EDITION)
    run_ingest(index, [corpus], corpus)
    assert statuses(index)["model-2019.md"][0] == "current"
    (corpus / "model-2021.md").write_text(NEW_EDITION)
    report = run_ingest(index, [corpus / "model-2021.md"], corpus)
    assert report.added == ["model-2021.md"] and "model-2019.md" not in report.updated
    assert statuses(index)["model-2019.md"][0] == "superseded"


def test_the_catalogue_s_status_for_an_edition_stands(index, corpus):
    (corpus / "metadata.yaml").write_text(METADATA + "model-2019.md:\n  status: historical\n  notes: Kept for reference.\n")
    (corpus / "model-2019.md").write_text(OLD_EDITION)
    (corpus / "model-2021.md").write_text(NEW_EDITION)
    run_ingest(index, [corpus], corpus)
    assert statuses(index)["model-2019.md"] == ("historical", "Kept for reference.")
    assert statuses(index)["model-2021.md"][0] == "current"


def test_a_passage_in_two_files_is_indexed_once_under_the_newest_current_document(index, corpus):
    """A saved copy of funding.txt (current, 2021), a web page holding one of its sentences and
    an older page quoting it too: the sentence is cited once, from funding.txt."""
    sentence = "The ICB funds the clinical system for every practice."
    (corpus / "saved-copy.txt").write_text(FUNDING)
    (corpus / "web-page.txt").write_text(f"Funding page\n{sentence}\nPractices buy their own headsets.\n")
    (corpus / "old-page.txt").write_text(f"Old funding page\nPublished: March 2015\n"
                                         f"This page says who pays for practice IT.\n{sentence}\n")
    report = run_ingest(index, [corpus], corpus)
    holders = [p for p in index.passages() if p.text == sentence]
    assert [p.source for p in holders] == ["funding.txt"]
    assert dict(holders[0].also_in).keys() == {"saved-copy.txt", "web-page.txt", "old-page.txt"}
    assert report.duplicates == 4  # the saved copy's two passages, and one each of the pages
    assert any("saved-copy.txt: every passage is also in another document" in w for w in report.warnings)
    assert {p.text for p in index.passages() if p.source == "web-page.txt"} == {"Practices buy their own headsets."}
    assert report.documents == 5

    again = run_ingest(index, [corpus], corpus)  # a file wholly held elsewhere is still known: not re-read
    assert "saved-copy.txt" in again.skipped and not again.added and again.embedded == 0

    (corpus / "funding.txt").unlink()  # each passage comes back under the best remaining holder
    report = run_ingest(index, [corpus], corpus)
    assert report.removed == ["funding.txt"] and not report.failed
    holders = [p for p in index.passages() if p.text == sentence]
    # All three are of unknown status now; the one with a date (2015) goes first.
    assert [p.source for p in holders] == ["old-page.txt"]
    assert dict(holders[0].also_in).keys() == {"saved-copy.txt", "web-page.txt"}
    assert [p.source for p in index.passages() if p.text == "Practices fund their own telephony."] == ["saved-copy.txt"]


def test_sources_shows_where_each_title_date_and_status_came_from(corpus, monkeypatch, capsys, tmp_path):
    import json as json_module

    from opmodel.cli import main

    monkeypatch.setenv("OPMODEL_INDEX", str(tmp_path / "index"))
    monkeypatch.setenv("OPMODEL_CORPUS_DIR", str(corpus))
    (corpus / "briefing.txt").write_text("Practice cyber briefing\nA note for managers. Published: 2023-12-01. Status: current.\n"
                                         "Practices report incidents to their ICB the same day.\n")
    (corpus / "notes_7.txt").write_text("The LMC sits on IT groups.\n")
    (corpus / "copy.txt").write_text(SUPPORT)
    assert main(["ingest", "--quiet"]) == 0
    capsys.readouterr()
    assert main(["sources"]) == 0
    out = capsys.readouterr().out
    assert "Practice cyber briefing\n  2023-12-01 · current · 2 passages · briefing.txt\n" \
           "  from: title its text, date its text, status its text" in out
    assert "notes 7\n  date not stated · status not stated · 1 passages · notes_7.txt\n" \
           "  from: title file name, date not stated, status not stated" in out
    assert "from: title metadata.yaml, date metadata.yaml, status metadata.yaml" in out
    assert "copy.txt\n  every passage is also in another file and cited from there (1 in support.txt)" in out
    assert "add an entry" in out  # the operator's hint lives here and in `opmodel ingest`
    assert main(["sources", "--json"]) == 0
    rows = {r["source"]: r for r in map(json_module.loads, capsys.readouterr().out.splitlines())}
    assert rows["briefing.txt"]["origins"] == {"title": "text", "published": "text", "status": "text"}
    assert rows["notes_7.txt"]["status"] == "unknown" and rows["notes_7.txt"]["origins"]["title"] == "file name"
    assert rows["copy.txt"]["passages"] == 0 and rows["copy.txt"]["duplicates_cited_from"] == {"support.txt": 1}
