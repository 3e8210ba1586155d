"""`opmodel bench core`: what one user feels on this machine (issue 2's targets).

Every figure comes from fresh processes running the real commands against a fresh temporary
index built from corpus/: `opmodel ingest` twice (the second finds nothing changed),
`opmodel ask "..."` several times from cold, and a probe process asking the evaluation
questions in a loop with the model loaded. Peak memory is the largest RSS high-water mark of
any of those processes.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench import report
from bench.measure import Run, median, probe, run_measured
from eval.metrics import percentile

COLD_QUESTION = "Who pays for the practice phone system?"
# Issue 16's: cold start 2 s (was 5), and 400 MB (was 1024), which it set for `opmodel ask`, held
# here by the largest process measured, the ingest included.
TARGETS = {"warm_p50_ms": 30.0, "warm_p95_ms": 80.0, "cold_s": 2.0, "reingest_s": 3.0, "peak_mb": 400.0}


@dataclass
class CoreResult:
    passages: int
    ingest_s: float
    reingest_s: float
    reingest_embedded: int | None
    cold_s: list[float]
    warm_ms: list[float]
    snapshot_ms: list[float]
    peak_mb: float


def opmodel_command() -> list[str]:
    beside = Path(sys.executable).with_name("opmodel")
    return [str(beside)] if beside.exists() else [sys.executable, "-m", "opmodel"]


# Settings that choose what is measured pass through; every other OPMODEL_ one is the user's own.
MEASURED_SETTINGS = ("OPMODEL_ANSWERER", "OPMODEL_WEIGHTS")


def environment(index_dir: Path, corpus: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPMODEL_") or k in MEASURED_SETTINGS}
    env.update(
        OPMODEL_HOME=str(index_dir.parent),  # nothing of a benchmark lands in the user's data folder
        OPMODEL_INDEX=str(index_dir),
        OPMODEL_CORPUS_DIR=str(corpus),
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        ANONYMIZED_TELEMETRY="False",
        PYTHONPATH=str(Path(__file__).resolve().parents[1]),
    )
    return env


def _checked(run: Run, what: str) -> Run:
    if run.returncode != 0:
        raise RuntimeError(f"{what} failed (exit {run.returncode}): {run.stderr.strip()[-1500:]}")
    return run


def measure(corpus: Path, cold_runs: int = 5) -> CoreResult:
    work = Path(tempfile.mkdtemp(prefix="opmodel-bench-core-"))
    try:
        env = environment(work / "index", corpus.resolve())
        opmodel = opmodel_command()
        first = _checked(run_measured([*opmodel, "ingest"], env=env, cwd=work), "opmodel ingest")
        again = _checked(run_measured([*opmodel, "ingest"], env=env, cwd=work), "opmodel ingest (unchanged)")
        cold = [_checked(run_measured([*opmodel, "ask", COLD_QUESTION], env=env, cwd=work), "opmodel ask") for _ in range(cold_runs)]
        warm, warm_run = probe("warm", env=env, cwd=work)
        runs = [first, again, *cold, warm_run]
        return CoreResult(
            passages=_number(r"(\d+) passages", first.stdout) or 0,
            ingest_s=first.wall_s,
            reingest_s=again.wall_s,
            reingest_embedded=_number(r"(\d+) embeddings computed", again.stdout),
            cold_s=[r.wall_s for r in cold],
            warm_ms=warm["ask_ms"],
            snapshot_ms=warm["snapshot_ms"],
            peak_mb=max(r.peak_rss_mb for r in runs),
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _number(pattern: str, text: str) -> int | None:
    found = re.search(pattern, text)
    return int(found.group(1)) if found else None


def render(result: CoreResult, command: str) -> str:
    t = TARGETS
    p50, p95 = median(result.warm_ms), percentile(result.warm_ms, 95)
    cold = median(result.cold_s)
    embedded = "?" if result.reingest_embedded is None else str(result.reingest_embedded)
    rows = [
        (f"cold start to first answer (`opmodel ask`, median of {len(result.cold_s)})", f"{cold:.2f} s", f"≤ {t['cold_s']:.0f} s", report.verdict(cold <= t["cold_s"])),
        (f"warm latency per question, median ({len(result.warm_ms)} eval questions)", f"{p50:.1f} ms", f"≤ {t['warm_p50_ms']:.0f} ms", report.verdict(p50 <= t["warm_p50_ms"])),
        ("warm latency per question, p95", f"{p95:.1f} ms", f"≤ {t['warm_p95_ms']:.0f} ms", report.verdict(p95 <= t["warm_p95_ms"])),
        (f"ingest corpus/ into a fresh index (`opmodel ingest`, {result.passages} passages)", f"{result.ingest_s:.2f} s", "–", ""),
        ("re-ingest with nothing changed", f"{result.reingest_s:.2f} s, {embedded} embeddings", f"≤ {t['reingest_s']:.0f} s, 0", report.verdict(result.reingest_s <= t["reingest_s"] and result.reingest_embedded == 0)),
        ("peak memory (largest RSS of the processes above)", f"{result.peak_mb:.0f} MB", f"≤ {t['peak_mb']:.0f} MB", report.verdict(result.peak_mb <= t["peak_mb"])),
        ("index version check per question (`Index.snapshot`, median)", f"{median(result.snapshot_ms):.2f} ms", "–", ""),
    ]
    return "\n\n".join(
        [
            "## Core: one user, embedded index",
            f"`{command}` on {report.machine()}. Wall times include starting Python; cold runs are separate processes.",
            report.table(("measure", "result", "target", ""), rows),
        ]
    )
