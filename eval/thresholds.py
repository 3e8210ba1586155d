"""The bars in eval/thresholds.yaml and the check of a run's metrics against them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from eval.yamlfile import read_yaml
from opmodel.errors import OpmodelError

DEFAULT_THRESHOLDS_FILE = Path(__file__).with_name("thresholds.yaml")


class ThresholdsError(OpmodelError):
    """The thresholds file cannot be used; the message names the file and the entry."""


@dataclass(frozen=True)
class Threshold:
    metric: str
    minimum: Optional[float] = None
    maximum: Optional[float] = None

    def __post_init__(self):
        if (self.minimum is None) == (self.maximum is None):
            raise ThresholdsError(f"threshold {self.metric}: give exactly one of min or max")

    def describe(self) -> str:
        return f">= {self.minimum:.2f}" if self.minimum is not None else f"<= {self.maximum:.2f}"

    def met_by(self, value: Optional[float]) -> Optional[bool]:
        """None when there is nothing to measure (e.g. no out-of-scope pairs in the run)."""
        if value is None:
            return None
        # Rates are fractions of small counts: compare with a tolerance for float noise only.
        if self.minimum is not None:
            return value >= self.minimum - 1e-9
        return value <= self.maximum + 1e-9


HELD_BACK_SPLIT = "test"


@dataclass(frozen=True)
class Gates:
    """``bars`` are what the product must reach; the split we tune on is held to them.
    A held-back floor guards the split we never tune on against regressions: holding it to
    the bars as well would leave tuning on it as the only way to get CI green.

    Floors are per evaluation set (``set_floors``, from ``sets:`` in the file); a set without
    one falls back to ``held_back_floor`` (the file's top-level floor, if any). A set with no
    floor at all has not been measured yet: it is reported against the bars, not gated. A flat
    file (bars only, no ``bars:`` key) holds every split of every set to the bars, gated."""

    bars: list[Threshold]
    held_back_floor: list[Threshold]  # the default floor; empty: none
    set_floors: dict[str, list[Threshold]] = field(default_factory=dict)
    flat: bool = False
    # A set still short of the bars on the split we tune on can be held to "no regression"
    # there too (its last measured dev figures); the bars stay reported until it reaches them.
    dev_floors: dict[str, list[Threshold]] = field(default_factory=dict)

    def floor_of(self, set_name: Optional[str] = None) -> list[Threshold]:
        if set_name is not None and set_name in self.set_floors:
            return self.set_floors[set_name]
        return self.held_back_floor

    def for_split(self, split: str, set_name: Optional[str] = None) -> list[Threshold]:
        floor = self.floor_of(set_name)
        if split != HELD_BACK_SPLIT and self.dev_floors.get(set_name):
            return self.dev_floors[set_name]
        return floor if split == HELD_BACK_SPLIT and floor else self.bars

    def gated(self, set_name: Optional[str] = None) -> bool:
        """Whether a missed gate of this set fails the run."""
        return self.flat or bool(self.floor_of(set_name))


def _parse(raw, path: Path, known: Optional[set[str]]) -> list[Threshold]:
    if not isinstance(raw, dict) or not raw:
        raise ThresholdsError(f"the thresholds file {path} must map metric names to {{min: x}} or {{max: x}}")
    thresholds = []
    for metric, bound in raw.items():
        if known is not None and metric not in known:
            raise ThresholdsError(f"{path}: unknown metric {metric!r}; known: {', '.join(sorted(known))}")
        if not isinstance(bound, dict) or set(bound) - {"min", "max"}:
            raise ThresholdsError(f"{path}: {metric} must be {{min: x}} or {{max: x}}, got {bound!r}")
        if not all(isinstance(v, (int, float)) and 0 <= v <= 1 for v in bound.values()):
            raise ThresholdsError(f"{path}: {metric} bounds must be numbers from 0 to 1, got {bound!r}")
        thresholds.append(Threshold(metric, minimum=bound.get("min"), maximum=bound.get("max")))
    return thresholds


def _set_floors(raw, path: Path, known: Optional[set[str]], key: str = "held_back_floor") -> dict[str, list[Threshold]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ThresholdsError(f"{path}: sets must map set names to {{held_back_floor: ...}}, got {raw!r}")
    floors = {}
    for name, entry in raw.items():
        if entry is None:
            entry = {}
        if not isinstance(entry, dict) or set(entry) - {"held_back_floor", "dev_floor"}:
            raise ThresholdsError(f"{path}: set {name!r} takes only held_back_floor (metrics, or {{}} until measured) "
                                  f"and dev_floor, got {entry!r}")
        floor = entry.get(key)
        floors[str(name)] = _parse(floor, path, known) if floor else []
    return floors


def load_gates(path: Path = DEFAULT_THRESHOLDS_FILE, known: Optional[set[str]] = None) -> Gates:
    """A file with ``bars:`` (and optionally ``held_back_floor:`` and per-set floors under
    ``sets:``), or a flat map of bars."""
    path = Path(path)
    raw = read_yaml(path, "thresholds", ThresholdsError)
    if isinstance(raw, dict) and "bars" in raw:
        unknown = sorted(set(raw) - {"bars", "held_back_floor", "sets"})
        if unknown:
            raise ThresholdsError(f"{path}: unknown section(s) {', '.join(unknown)}; known: bars, held_back_floor, sets")
        floor = raw.get("held_back_floor")
        return Gates(
            _parse(raw["bars"], path, known),
            _parse(floor, path, known) if floor else [],
            _set_floors(raw.get("sets"), path, known),
            dev_floors=_set_floors(raw.get("sets"), path, known, "dev_floor"),
        )
    return Gates(_parse(raw, path, known), [], flat=True)


def load_thresholds(path: Path = DEFAULT_THRESHOLDS_FILE, known: Optional[set[str]] = None) -> list[Threshold]:
    """The bars alone."""
    return load_gates(path, known).bars


def missed(thresholds: list[Threshold], metrics: dict, label: str = "") -> list[str]:
    """One line per missed bar, e.g. "test: hit_at_1 = 0.874, needs >= 0.90"."""
    prefix = f"{label}: " if label else ""
    return [
        f"{prefix}{t.metric} = {metrics.get(t.metric):.3f}, needs {t.describe()}"
        for t in thresholds
        if t.met_by(metrics.get(t.metric)) is False
    ]


def flagged_metrics(lines: list[str], split: str) -> set[str]:
    """The metrics named in ``missed``'s "split: metric = ..." lines for one split."""
    flagged = set()
    for line in lines:
        where, _, rest = line.partition(": ")
        if where.split(" ")[0] == split:
            flagged.add(rest.split(" = ")[0])
    return flagged
