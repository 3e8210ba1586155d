"""The registry of evaluation sets (eval/sets.yaml): loading, and bad entries named clearly."""

from pathlib import Path

import pytest

from eval.pairs import PairsError
from eval.sets import DEFAULT_SETS_FILE, SetsError, adhoc_set, choose, load_sets

PAIR = """- id: {id}
  split: dev
  category: funding
  question: Who pays for {id}?
  evidence: [the practice pays for it]
  key_facts: []
  source: a.txt
"""


def write(tmp_path: Path, text: str) -> Path:
    f = tmp_path / "sets.yaml"
    f.write_text(text)
    return f


def test_the_shipped_registry_names_its_sets_and_their_corpora():
    sets = {s.name: s for s in load_sets()}
    assert list(sets) == ["shipped", "fresh", "wrenmoor", "tarnbridge", "calderwick", "probes"]
    assert all(sets[n].corpus is None for n in ("shipped", "fresh", "probes"))  # the configured corpus, shared
    assert sets["wrenmoor"].corpus == DEFAULT_SETS_FILE.parent / "corpora" / "wrenmoor" / "docs"
    assert sets["tarnbridge"].corpus == DEFAULT_SETS_FILE.parent / "corpora" / "tarnbridge" / "docs"
    assert sets["calderwick"].corpus == DEFAULT_SETS_FILE.parent / "corpora" / "calderwick" / "docs"
    assert [p.name for p in sets["shipped"].pairs_files()] == ["pairs.yaml"]
    assert all(s.gate for s in sets.values())


def test_paths_are_relative_to_the_registry_and_globs_gather_every_file(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "pairs_b.yaml").write_text(PAIR.format(id="b1"))
    (tmp_path / "pairs_a.yaml").write_text(PAIR.format(id="a1") + PAIR.format(id="a2"))
    f = write(tmp_path, "sets:\n  - name: local\n    corpus: docs\n    pairs: ['pairs_*.yaml']\n    gate: false\n")
    (s,) = load_sets(f)
    assert s.corpus == tmp_path / "docs" and s.corpus_dir(Path("elsewhere")) == tmp_path / "docs"
    assert s.gate is False
    assert [p.name for p in s.pairs_files()] == ["pairs_a.yaml", "pairs_b.yaml"]
    assert [p.id for p in s.load_pairs()] == ["a1", "a2", "b1"]


def test_an_id_in_two_pairs_files_of_a_set_is_an_error_naming_both(tmp_path):
    (tmp_path / "pairs_a.yaml").write_text(PAIR.format(id="same"))
    (tmp_path / "pairs_b.yaml").write_text(PAIR.format(id="same"))
    (s,) = load_sets(write(tmp_path, "sets:\n  - {name: x, corpus: configured, pairs: ['pairs_*.yaml']}\n"))
    with pytest.raises(PairsError, match=r"set x: pair id 'same' is in both .*pairs_a.yaml and .*pairs_b.yaml"):
        s.load_pairs()


@pytest.mark.parametrize("entry, message", [
    ("{corpus: configured, pairs: [p.yaml]}", r"set 2: name must be one word"),
    ("{name: two words, corpus: configured, pairs: [p.yaml]}", r"set 2: name must be one word"),
    ("{name: bad, pairs: [p.yaml]}", r"set 'bad': corpus must be a folder"),
    ("{name: bad, corpus: configured, pairs: []}", r"set 'bad': pairs must be a non-empty list"),
    ("{name: bad, corpus: configured, pairs: [p.yaml], gate: maybe}", r"set 'bad': gate must be true or false"),
    ("{name: bad, corpus: configured, pairs: [p.yaml], fit: no-thanks}", r"set 'bad': fit must be true or false"),
    ("{name: bad, corpus: configured, pairs: [p.yaml], gated: true}", r"set 'bad': unknown field\(s\) gated"),
    ("{name: good, corpus: configured, pairs: [p.yaml]}", r"set 'good' appears twice"),
    ("just a string", r"set 2 must be a mapping"),
])
def test_a_bad_entry_is_named_in_the_error(tmp_path, entry, message):
    f = write(tmp_path, f"sets:\n  - {{name: good, corpus: configured, pairs: [p.yaml]}}\n  - {entry}\n")
    with pytest.raises(SetsError, match=message):
        load_sets(f)


def test_missing_files_and_unknown_names_are_clear_errors(tmp_path):
    with pytest.raises(SetsError, match="cannot read the sets file"):
        load_sets(tmp_path / "nope.yaml")
    with pytest.raises(SetsError, match="must have `sets:`"):
        load_sets(write(tmp_path, "- name: x\n"))
    (s,) = load_sets(write(tmp_path, "sets:\n  - {name: x, corpus: configured, pairs: ['none_*.yaml', p.yaml]}\n"))
    with pytest.raises(SetsError, match=r"set x: no pairs file matches .*none_\*.yaml"):
        s.pairs_files()
    with pytest.raises(SetsError, match="no evaluation set 'y'; known: x"):
        choose([s], "y")
    assert choose([s], None) == [s]


def test_a_pairs_file_alone_is_a_set_over_the_configured_corpus(tmp_path):
    s = adhoc_set(tmp_path / "mine.yaml")
    assert (s.name, s.corpus, s.gate) == ("mine", None, True)


def test_tune_fits_on_every_set_but_those_marked_fit_false():
    from answer.tune_cli import dev_sets

    sets = load_sets()
    unfitted = {s.name for s in sets if not s.fit}
    assert unfitted == {"calderwick"}  # the corpus no weight has seen (eval/sets.yaml says why)
    fitted_folders = {folder for _, folder, _ in dev_sets()}
    assert all(s.corpus_dir(Path("corpus")).resolve() not in fitted_folders for s in sets if not s.fit)
    assert len(fitted_folders) == 3  # corpus/ (shipped, fresh, probes), wrenmoor and tarnbridge
