"""The known question/answer pairs (eval/pairs.yaml): loading, validation and the split rule."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Optional


from eval.yamlfile import read_yaml
from opmodel.errors import OpmodelError

CATEGORIES = ("responsibility", "funding", "definition", "scope", "history", "out_of_scope")
SPLITS = ("dev", "test")
DEFAULT_PAIRS_FILE = Path(__file__).with_name("pairs.yaml")
DEV_SHARE_PERCENT = 60


class PairsError(OpmodelError):
    """The pairs file cannot be used; the message names the pair and the field."""


def split_for(pair_id: str) -> str:
    """The split is a function of the id alone, fixed before any tuning: nobody can move a
    question they dislike from test to dev without changing what it is called."""
    bucket = int(hashlib.sha256(pair_id.encode("utf-8")).hexdigest(), 16) % 100
    return "dev" if bucket < DEV_SHARE_PERCENT else "test"


@dataclass(frozen=True)
class Pair:
    id: str
    split: str
    category: str
    turns: tuple[str, ...]  # a single question is a one-turn conversation
    evidence: tuple[str, ...]
    key_facts: tuple[str, ...]
    source: Optional[str]

    def __post_init__(self):
        if not self.id:
            raise PairsError("a pair has an empty id")
        if self.split not in SPLITS:
            raise PairsError(f"pair {self.id}: split must be one of {SPLITS}, got {self.split!r}")
        if self.category not in CATEGORIES:
            raise PairsError(f"pair {self.id}: category must be one of {CATEGORIES}, got {self.category!r}")
        if not self.turns or any(not isinstance(t, str) or not t.strip() for t in self.turns):
            raise PairsError(f"pair {self.id}: needs a non-empty question (or turns)")
        if self.answerable and not (self.evidence and self.source):
            raise PairsError(f"pair {self.id}: an answerable pair needs evidence and a source")
        if not self.answerable and self.evidence:
            raise PairsError(f"pair {self.id}: an out_of_scope pair must have no evidence")

    @property
    def question(self) -> str:
        """What is asked: the last turn."""
        return self.turns[-1]

    @property
    def history(self) -> tuple[str, ...]:
        """The user's earlier questions, oldest first, as the bot passes them."""
        return self.turns[:-1]

    @property
    def is_conversation(self) -> bool:
        return len(self.turns) > 1

    @property
    def answerable(self) -> bool:
        return self.category != "out_of_scope"


def _strings(pair_id: str, field: str, value) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise PairsError(f"pair {pair_id}: {field} must be a list of non-empty strings, got {value!r}")
    return tuple(value)


def pair_from_record(record: dict) -> Pair:
    if not isinstance(record, dict):
        raise PairsError(f"each pair must be a mapping, got {record!r}")
    pair_id = str(record.get("id") or "")
    has_question, has_turns = "question" in record, "turns" in record
    if has_question == has_turns:
        raise PairsError(f"pair {pair_id or record!r}: give exactly one of question or turns")
    turns = _strings(pair_id, "turns", record["turns"]) if has_turns else (record["question"],)
    if has_turns and len(turns) < 2:
        raise PairsError(f"pair {pair_id}: a conversation needs at least two turns")
    return Pair(
        id=pair_id,
        split=record.get("split"),
        category=record.get("category"),
        turns=tuple(turns),
        evidence=_strings(pair_id, "evidence", record.get("evidence")),
        key_facts=_strings(pair_id, "key_facts", record.get("key_facts")),
        source=record.get("source"),
    )


def load_pairs(path: Path = DEFAULT_PAIRS_FILE) -> list[Pair]:
    path = Path(path)
    records = read_yaml(path, "pairs", PairsError)
    if not isinstance(records, list) or not records:
        raise PairsError(f"the pairs file {path} must be a non-empty list of pairs")
    pairs = [pair_from_record(r) for r in records]
    seen: set[str] = set()
    for pair in pairs:
        if pair.id in seen:
            raise PairsError(f"pair id {pair.id!r} appears twice in {path}")
        seen.add(pair.id)
    return pairs


def select(pairs: list[Pair], split: str) -> list[Pair]:
    """``split`` is dev, test or all."""
    if split == "all":
        return list(pairs)
    if split not in SPLITS:
        raise PairsError(f"split must be dev, test or all, got {split!r}")
    return [p for p in pairs if p.split == split]
