"""`opmodel init`: the shipped documents, catalogue and manifest copied for a team to edit;
never overwriting, saying what it wrote; then `opmodel ingest` from that folder indexes the copy."""

import os
import subprocess
import sys
from pathlib import Path

from opmodel.cli import main
from opmodel.locations import shipped_corpus, shipped_manifest

ROOT = Path(__file__).resolve().parents[1]


def test_init_copies_the_corpus_catalogue_and_manifest_and_says_so(tmp_path, capsys):
    target = tmp_path / "team"
    assert main(["init", str(target)]) == 0
    out = capsys.readouterr().out
    shipped = sorted(p.name for p in shipped_corpus().iterdir() if p.is_file())
    assert sorted(p.name for p in (target / "corpus").iterdir()) == shipped and "metadata.yaml" in shipped
    assert (target / "corpus" / "metadata.yaml").read_bytes() == (shipped_corpus() / "metadata.yaml").read_bytes()
    assert (target / "slack-manifest.yaml").read_bytes() == shipped_manifest().read_bytes()
    assert (target / ".env").read_text().strip().endswith("OPMODEL_CORPUS_DIR=corpus")
    for written in ("corpus/", "slack-manifest.yaml", ".env", "metadata.yaml"):
        assert written in out
    assert f"cd {target} && opmodel ingest" in out


def test_init_refuses_to_overwrite_and_writes_nothing(tmp_path, capsys):
    (tmp_path / "slack-manifest.yaml").write_text("ours\n")
    assert main(["init", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "slack-manifest.yaml already exists" in err and "nothing was written" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["slack-manifest.yaml"]
    assert (tmp_path / "slack-manifest.yaml").read_text() == "ours\n"


def test_init_into_a_file_is_a_clear_error(tmp_path, capsys):
    (tmp_path / "file").write_text("x")
    assert main(["init", str(tmp_path / "file")]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err


def test_ingest_from_the_initialised_folder_indexes_its_copy(tmp_path):
    folder = tmp_path / "team"
    assert main(["init", str(folder)]) == 0
    (folder / "corpus" / "our-note.txt").write_text("Our practice keeps its spare keyboards in the back office.\n")
    env = {**os.environ, "OPMODEL_HOME": str(tmp_path / "home"), "PYTHONPATH": str(ROOT)}
    env.pop("OPMODEL_CORPUS_DIR", None)
    env.pop("OPMODEL_INDEX", None)
    done = subprocess.run([sys.executable, "-m", "opmodel", "ingest", "--quiet"], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "Ingested corpus in" in done.stdout and "6 added" in done.stdout
    assert (tmp_path / "home" / "index").is_dir() and not (folder / ".opmodel").exists()
