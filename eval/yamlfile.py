"""Reading the eval's YAML files (pairs, thresholds) with errors that name the file."""

from __future__ import annotations

from pathlib import Path

import yaml


def read_yaml(path: Path, what: str, error: type[Exception]):
    """The parsed document, or ``error`` saying which file (``what``: "pairs", "thresholds") failed and why."""
    try:
        return yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise error(f"cannot read the {what} file {path}: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise error(f"the {what} file {path} is not valid YAML: {exc}") from exc
