"""`opmodel --version`: the installed package's version, or pyproject's from a bare checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

from opmodel import cli

ROOT = Path(__file__).resolve().parents[1]


def pyproject_version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)["project"]["version"]


def test_version_prints_name_and_version_and_exits_0(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--version"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out.strip()
    name, _, number = out.partition(" ")
    assert name == "opmodel" and number == cli.version() and number != "unknown"


def test_without_package_metadata_the_version_is_pyprojects(monkeypatch):
    def missing(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", missing)
    assert cli.version() == pyproject_version()


def test_version_from_the_command_line_in_another_folder(tmp_path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([sys.executable, "-m", "opmodel", "--version"], capture_output=True, text=True,
                            cwd=tmp_path, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"opmodel {cli.version()}"


def test_each_sub_command_is_registered_by_the_module_the_front_door_imports_for_it():
    everything = cli.build_parser()
    [commands] = [a for a in everything._actions if a.dest == "command"]
    assert set(commands.choices) == set(cli.COMMAND_MODULES)
    for name in cli.COMMAND_MODULES:
        [alone] = [a for a in cli.build_parser(name)._actions if a.dest == "command"]
        assert name in alone.choices
