"""The one fitted scorer: a logistic model over answer/features.py's rows.

Its probability says how likely a candidate quote is to hold the answer; the best candidate
leads. ``threshold`` is what declining by that probability would take (the lowest that declines
every out-of-scope dev question): `opmodel tune` reports its figures beside the ranking's, for
comparison. The answerer does not decline by it (answer/scored_engine.py says why).
Weights, feature scaling and the threshold are written by `opmodel tune` to a versioned file
(answer/weights.json) with the report of the fit that made them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from answer.features import FEATURES
from opmodel.errors import OpmodelError

DEFAULT_WEIGHTS = Path(__file__).with_name("weights.json")
FORMAT_VERSION = 1


class WeightsError(OpmodelError):
    """The weights file is missing, damaged, or was fitted on other features."""


@dataclass(frozen=True)
class Scorer:
    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    threshold: float  # declining by probability would decline under this (reported, not used to answer)
    second_share: float  # a second quote needs at least this share of the lead's probability
    version: str = ""

    def __post_init__(self):
        n = len(self.features)
        if not (len(self.mean) == len(self.scale) == len(self.weights) == n):
            raise WeightsError(f"weights cover {len(self.weights)} features, the scaling {len(self.mean)}, names {n}")
        if not 0.0 <= self.threshold <= 1.0:
            raise WeightsError(f"threshold must be a probability, got {self.threshold}")
        if not 0.0 < self.second_share <= 1.0:
            raise WeightsError(f"second_share must be in (0, 1], got {self.second_share}")

    def logits(self, rows: np.ndarray) -> np.ndarray:
        return ((rows - self.mean) / self.scale) @ self.weights + self.bias

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        if rows.size == 0:
            return np.zeros(0)
        return 1.0 / (1.0 + np.exp(-self.logits(rows)))

    def to_json(self, report: dict | None = None) -> dict:
        return {
            "format": FORMAT_VERSION,
            "version": self.version,
            "features": list(self.features),
            "mean": [round(float(x), 6) for x in self.mean],
            "scale": [round(float(x), 6) for x in self.scale],
            "weights": [round(float(x), 6) for x in self.weights],
            "bias": round(float(self.bias), 6),
            "threshold": round(float(self.threshold), 6),
            "second_share": self.second_share,
            "report": report or {},
        }

    @classmethod
    def from_json(cls, data: dict) -> "Scorer":
        if data.get("format") != FORMAT_VERSION:
            raise WeightsError(f"weights format {data.get('format')!r}, this opmodel reads {FORMAT_VERSION}")
        if tuple(data["features"]) != FEATURES:
            missing = sorted(set(FEATURES) - set(data["features"]))
            raise WeightsError(
                f"the weights were fitted on other features (missing: {', '.join(missing) or 'none'}); run `opmodel tune`")
        return cls(
            features=tuple(data["features"]), mean=np.asarray(data["mean"]), scale=np.asarray(data["scale"]),
            weights=np.asarray(data["weights"]), bias=float(data["bias"]), threshold=float(data["threshold"]),
            second_share=float(data["second_share"]), version=str(data.get("version", "")),
        )

    @classmethod
    def load(cls, path: Path = DEFAULT_WEIGHTS) -> "Scorer":
        try:
            return cls.from_json(json.loads(Path(path).read_text(encoding="utf-8")))
        except FileNotFoundError:
            raise WeightsError(f"no weights file at {path}: run `opmodel tune`") from None
        except (ValueError, KeyError, TypeError) as exc:
            raise WeightsError(f"the weights file {path} is damaged ({exc}); run `opmodel tune`") from None
