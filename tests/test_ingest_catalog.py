"""metadata.yaml: entries read with their line, mistakes named by file, entry and line, and
each folder's own catalogue used for the documents in it."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.catalog import Catalogs, DocumentInfo, load_catalog
from opmodel.errors import ConfigError, DocumentError


def write(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "metadata.yaml").write_text(text, encoding="utf-8")
    return folder


def test_a_key_listed_twice_fails_that_entry_naming_file_entry_and_lines(tmp_path):
    folder = write(tmp_path, "a.txt:\n  title: First\n  status: current\nb.txt:\n  title: Bee\na.txt:\n  title: Second\n")
    catalog = load_catalog(folder)
    with pytest.raises(DocumentError) as caught:
        catalog.info("a.txt")
    message = str(caught.value)
    assert str(folder / "metadata.yaml") in message and "'a.txt'" in message
    assert "line 6" in message and "line 1" in message and "twice" in message
    assert catalog.info("b.txt").title == "Bee"


def test_a_field_given_twice_in_one_entry_is_an_error_with_its_lines(tmp_path):
    folder = write(tmp_path, "a.txt:\n  title: One\n  status: current\n  status: superseded\n")
    with pytest.raises(DocumentError, match=r"entry 'a.txt', line 1: field 'status' is given twice \(lines 3 and 4\)"):
        load_catalog(folder).info("a.txt")


@pytest.mark.parametrize("written", ["2023-02-30", '"2023-13"', "April 2023", "2023-4-1"])
def test_an_invalid_date_names_file_entry_and_line(tmp_path, written):
    folder = write(tmp_path, f"ok.txt:\n  title: Fine\nbad.txt:\n  title: Bad date\n  published: {written}\n")
    catalog = load_catalog(folder)
    with pytest.raises(DocumentError) as caught:
        catalog.info("bad.txt")
    message = str(caught.value)
    assert "metadata.yaml" in message and "'bad.txt'" in message and "line 5" in message and "published" in message
    assert catalog.info("ok.txt").title == "Fine"


@pytest.mark.parametrize("text", ["", "\n# nothing described yet\n", "{}\n"])
def test_an_empty_catalogue_is_a_warning_not_an_error(tmp_path, text):
    catalog = load_catalog(write(tmp_path, text))
    assert catalog.entries == {} and catalog.errors == {}
    (warning,) = catalog.warnings
    assert "metadata.yaml" in warning and "empty" in warning


def test_a_catalogue_that_is_not_a_mapping_stops_with_its_path(tmp_path):
    folder = write(tmp_path, "- a.txt\n- b.txt\n")
    with pytest.raises(ConfigError, match="must map file names to entries, got a list"):
        load_catalog(folder)


def test_an_entry_may_leave_fields_to_the_document(tmp_path):
    info = load_catalog(write(tmp_path, "a.txt:\n  publisher: NHS England\n")).info("a.txt")
    assert info.origins == {"title": "file name", "published": "default", "status": "default"}
    assert info.defaulted("title") and info.defaulted("status") and info.publisher == "NHS England"


def test_constructor_names_the_bad_origin():
    with pytest.raises(ValueError, match="'guessed'"):
        DocumentInfo(source="a.txt", title="A", status="current", origins={"title": "guessed"})


def test_the_nearest_folder_s_catalogue_describes_its_files(tmp_path):
    corpus = write(tmp_path / "corpus", "sub/a.txt:\n  title: From the corpus\nb.txt:\n  title: Bee\n")
    sub = write(corpus / "sub", "a.txt:\n  title: From the folder\n")
    elsewhere = write(tmp_path / "drop", "c.txt:\n  title: Dropped in\n")
    catalogs = Catalogs([corpus, sub, elsewhere])
    assert catalogs.lookup(sub / "a.txt", "sub/a.txt").title == "From the folder"
    assert catalogs.lookup(sub / "a.txt", "sub/a.txt").source == "sub/a.txt"
    assert catalogs.lookup(corpus / "b.txt", "b.txt").title == "Bee"
    assert catalogs.lookup(elsewhere / "c.txt", "c.txt").title == "Dropped in"
    assert not catalogs.lookup(elsewhere / "d.txt", "d.txt").described


@pytest.mark.parametrize("value", ["5", "[CCG]", "CCG"])
def test_superseded_terms_that_are_no_mapping_name_file_entry_and_line(tmp_path, value):
    (tmp_path / "metadata.yaml").write_text(f"a.txt:\n  title: A\n  superseded_terms: {value}\n")
    with pytest.raises(DocumentError, match=r"metadata.yaml, entry 'a.txt', line 1: superseded_terms must map old names"):
        load_catalog(tmp_path).info("a.txt")
