"""The registry of evaluation sets (eval/sets.yaml): which corpus, which pairs, gated or not."""

from __future__ import annotations

import glob
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from eval.pairs import Pair, PairsError, load_pairs
from eval.yamlfile import read_yaml
from opmodel.errors import OpmodelError

DEFAULT_SETS_FILE = Path(__file__).with_name("sets.yaml")
CONFIGURED = "configured"  # the corpus folder the settings name
FIELDS = {"name", "corpus", "pairs", "gate", "fit"}


class SetsError(OpmodelError):
    """The sets file cannot be used; the message names the file and the entry."""


@dataclass(frozen=True)
class EvalSet:
    name: str
    corpus: Optional[Path]  # None: the configured corpus folder
    pairs: tuple[str, ...]  # absolute paths or glob patterns
    gate: bool = True
    # False: `opmodel tune` never fits on it, so it stays a corpus no weight has seen (its dev
    # split is still read for what fails; its test split is held back like every other).
    fit: bool = True

    def corpus_dir(self, configured: Path) -> Path:
        return Path(configured) if self.corpus is None else self.corpus

    def pairs_files(self) -> list[Path]:
        """Every file the set's patterns match, in order; a pattern matching none is an error."""
        files: list[Path] = []
        for pattern in self.pairs:
            matched = sorted(glob.glob(pattern)) if glob.has_magic(pattern) else [pattern] if Path(pattern).is_file() else []
            if not matched:
                raise SetsError(f"set {self.name}: no pairs file matches {pattern}")
            files += [Path(m) for m in matched if Path(m) not in files]
        return files

    def load_pairs(self) -> list[Pair]:
        """The pairs of every file, ids unique across them."""
        pairs: list[Pair] = []
        where: dict[str, Path] = {}
        for path in self.pairs_files():
            for pair in load_pairs(path):
                if pair.id in where:
                    raise PairsError(f"set {self.name}: pair id {pair.id!r} is in both {where[pair.id]} and {path}")
                where[pair.id] = path
                pairs.append(pair)
        return pairs


def adhoc_set(pairs_file: Path) -> EvalSet:
    """One pairs file over the configured corpus (`opmodel eval --pairs FILE`), named after it."""
    return EvalSet(name=Path(pairs_file).stem, corpus=None, pairs=(str(pairs_file),), gate=True)


def _entry(raw, position: int, base: Path, path: Path) -> EvalSet:
    label = f"{path}: set {position}"
    if not isinstance(raw, dict):
        raise SetsError(f"{label} must be a mapping with {', '.join(sorted(FIELDS))}, got {raw!r}")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip() or any(c.isspace() for c in name):
        raise SetsError(f"{label}: name must be one word, got {name!r}")
    label = f"{path}: set {name!r}"
    unknown = sorted(set(raw) - FIELDS)
    if unknown:
        raise SetsError(f"{label}: unknown field(s) {', '.join(unknown)}; known: {', '.join(sorted(FIELDS))}")
    corpus = raw.get("corpus")
    if not isinstance(corpus, str) or not corpus.strip():
        raise SetsError(f"{label}: corpus must be a folder relative to {base} or {CONFIGURED!r}, got {corpus!r}")
    pairs = raw.get("pairs")
    if isinstance(pairs, str):
        pairs = [pairs]
    if not isinstance(pairs, list) or not pairs or not all(isinstance(p, str) and p.strip() for p in pairs):
        raise SetsError(f"{label}: pairs must be a non-empty list of files or glob patterns, got {pairs!r}")
    flags = {}
    for flag in ("gate", "fit"):
        flags[flag] = raw.get(flag, True)
        if not isinstance(flags[flag], bool):
            raise SetsError(f"{label}: {flag} must be true or false, got {flags[flag]!r}")
    return EvalSet(
        name=name,
        corpus=None if corpus == CONFIGURED else (base / corpus),
        pairs=tuple(str(base / p) for p in pairs),
        **flags,
    )


def load_sets(path: Path = DEFAULT_SETS_FILE) -> list[EvalSet]:
    """The registry, in file order. Paths in it are relative to the file's folder."""
    path = Path(path)
    raw = read_yaml(path, "sets", SetsError)
    entries = raw.get("sets") if isinstance(raw, dict) else None
    if not isinstance(entries, list) or not entries:
        raise SetsError(f"the sets file {path} must have `sets:`, a non-empty list of sets")
    sets = [_entry(e, i, path.parent, path) for i, e in enumerate(entries, start=1)]
    seen: set[str] = set()
    for s in sets:
        if s.name in seen:
            raise SetsError(f"{path}: set {s.name!r} appears twice")
        seen.add(s.name)
    return sets


def choose(sets: list[EvalSet], name: Optional[str]) -> list[EvalSet]:
    """All sets, or the one named."""
    if name is None:
        return sets
    chosen = [s for s in sets if s.name == name]
    if not chosen:
        raise SetsError(f"no evaluation set {name!r}; known: {', '.join(s.name for s in sets)}")
    return chosen
