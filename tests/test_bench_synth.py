"""The scale benchmark's synthetic corpora: valid for ingest, reproducible, never verbatim copies."""

from __future__ import annotations

import re

from bench.report import table, write_section
from bench.synth import PREFIX, grow, paragraphs
from index_support import CORPUS
from ingest.catalog import load_catalog


def test_growing_keeps_the_real_corpus_and_adds_described_documents(tmp_path):
    documents = grow(CORPUS, tmp_path / "c", 3)
    real = sorted(p.name for p in CORPUS.glob("*.txt"))
    synthetic = sorted(p.name for p in (tmp_path / "c").glob(f"{PREFIX}*.txt"))
    assert documents == len(real) * 3 and len(synthetic) == len(real) * 2
    for name in real:
        assert (tmp_path / "c" / name).read_bytes() == (CORPUS / name).read_bytes()
    catalog = load_catalog(tmp_path / "c")
    assert all(catalog.info(name).described for name in synthetic)


def test_the_same_size_is_the_same_corpus(tmp_path):
    grow(CORPUS, tmp_path / "a", 2)
    grow(CORPUS, tmp_path / "b", 2)
    for path in (tmp_path / "a").iterdir():
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes()


def test_no_synthetic_sentence_paragraph_repeats_a_real_one(tmp_path):
    grow(CORPUS, tmp_path / "c", 4)
    real = {p.strip() for path in CORPUS.glob("*.txt") for p in paragraphs(path.read_text(encoding="utf-8"))}
    for path in (tmp_path / "c").glob(f"{PREFIX}*.txt"):
        for paragraph in paragraphs(path.read_text(encoding="utf-8")):
            if re.search(r"\.\s", paragraph) or paragraph.rstrip().endswith("."):
                assert paragraph.strip() not in real, (path.name, paragraph[:80])


def test_sections_of_benchmarks_file_are_replaced_independently(tmp_path):
    target = tmp_path / "BENCHMARKS.md"
    write_section("core", "## Core\n\nold", target)
    write_section("scale", "## Scale\n\nfirst", target)
    write_section("core", "## Core\n\nnew", target)
    text = target.read_text()
    assert "new" in text and "old" not in text and "first" in text
    assert text.index("## Core") < text.index("## Scale")


def test_tables_align_and_format_numbers():
    out = table(("a", "bb"), [(1.234, None), (1234.5, "x")]).splitlines()
    assert out[0] == "| a     | bb |" and out[2] == "| 1.23  | –  |" and out[3] == "| 1,234 | x  |"


def test_a_benchmark_measures_the_answerer_asked_for_and_none_of_the_users_other_settings(tmp_path, monkeypatch):
    from bench.core import environment

    monkeypatch.setenv("OPMODEL_ANSWERER", "scorer")
    monkeypatch.setenv("OPMODEL_INDEX", "/somewhere/the/users/index")
    env = environment(tmp_path / "index", tmp_path / "corpus")
    assert env["OPMODEL_ANSWERER"] == "scorer"
    assert env["OPMODEL_INDEX"] == str(tmp_path / "index")
