"""The wheel, installed as a user would, run from an empty folder outside the checkout:
package data (corpus, catalogue, manifest, eval sets) inside it, data in OPMODEL_HOME.

The new environment reuses this one's installed dependencies through a .pth line (no network,
nothing downloaded); only the wheel's own files are new, and the checkout is not on the path."""

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "Who pays for the practice phone system?"

pytestmark = pytest.mark.slow


def _run(command, **kwargs):
    done = subprocess.run(command, capture_output=True, text=True, timeout=900, **kwargs)
    assert done.returncode == 0, f"{command[1:]} exited {done.returncode}:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    work = tmp_path_factory.mktemp("wheel")
    # Built from a copy: setuptools builds in the source's build/, which would keep modules
    # deleted since the last build (and ship them), and litter the checkout.
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv*", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", "reports", "results"))
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--wheel-dir", str(work / "dist"), str(source)])
    (wheel,) = (work / "dist").glob("opmodel-*.whl")
    venv = work / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps", str(wheel)], env=clean)
    # Only now: pip must not see (let alone replace) this environment's own opmodel.
    (site / "reuse-test-env.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    empty = work / "empty"
    empty.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPMODEL_") and k != "PYTHONPATH"}
    env.update(OPMODEL_HOME=str(work / "home"), HF_HUB_OFFLINE="1", ANONYMIZED_TELEMETRY="False")
    return venv / "bin" / "opmodel", empty, env, work / "home"


def test_the_installed_tool_ingests_answers_and_evaluates_from_an_empty_folder(installed):
    opmodel, empty, env, home = installed

    def run(*args):
        return _run([str(opmodel), *args], cwd=empty, env=env)

    assert run("--version").stdout.startswith("opmodel ")
    ingested = run("ingest", "--quiet").stdout
    assert "site-packages" in ingested and "5 added" in ingested and "0 failed" in ingested
    assert "telephony" in run("ask", QUESTION).stdout.lower()
    python = str(opmodel.with_name("python"))
    script = ("import sys\nfrom opmodel.cli import main\n"
              f"assert main(['ask', {QUESTION!r}]) == 0\n"
              "heavy = [m for m in ('torch', 'sentence_transformers', 'transformers', 'langchain_core') if m in sys.modules]\n"
              "assert not heavy, heavy\n")
    _run([python, "-c", script], cwd=empty, env=env)  # answering imports none of the extras
    assert "metadata.yaml" in run("sources").stdout
    evaluated = run("eval", "--split", "dev", "--set", "shipped", "--no-baseline")
    assert (empty / "opmodel-eval.md").is_file(), evaluated.stdout
    assert sorted(p.name for p in empty.iterdir()) == ["opmodel-eval.md"]  # no .opmodel/ here
    assert (home / "index").is_dir()


def test_the_installed_tool_runs_from_its_own_files_not_the_checkout(installed):
    opmodel, empty, env, _ = installed
    python = opmodel.with_name("python")
    where = _run([str(python), "-c", "import opmodel, bot, eval; from opmodel.locations import shipped_corpus, shipped_manifest; "
                  "print(opmodel.__file__, shipped_corpus(), shipped_manifest())"], cwd=empty, env=env).stdout
    assert str(ROOT) not in where and where.count("site-packages") == 3
