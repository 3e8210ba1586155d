"""Measuring other processes and folders: wall time, peak memory, disk use, timings."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence


@dataclass
class Run:
    wall_s: float
    peak_rss_mb: float  # the child's own high-water mark (ru_maxrss), not its parent's
    returncode: int
    stdout: str
    stderr: str

    def json(self) -> dict:
        """The last stdout line of a probe (``python -m bench.probe ...``)."""
        if self.returncode != 0:
            raise RuntimeError(f"probe failed with exit code {self.returncode}:\n{self.stderr[-2000:]}")
        return json.loads(self.stdout.strip().splitlines()[-1])


def run_measured(command: Sequence[str], env: Optional[dict] = None, cwd: Optional[Path] = None, stdin: str = "") -> Run:
    """Run a command to completion; wall time from spawn to exit, peak RSS from wait4."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as inp:
        inp.write(stdin.encode("utf-8"))
        inp.seek(0)
        started = time.perf_counter()
        process = subprocess.Popen(list(command), stdin=inp, stdout=out, stderr=err, env=env, cwd=cwd)
        try:
            _, status, usage = os.wait4(process.pid, 0)
        except BaseException:  # interrupted: do not leave a busy child behind
            process.kill()
            process.wait()
            raise
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(wall, usage.ru_maxrss / 1024, process.returncode, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"))


def probe(kind: str, *args: str, env: Optional[dict] = None, cwd: Optional[Path] = None) -> tuple[dict, Run]:
    run = run_measured([sys.executable, "-m", "bench.probe", kind, *args], env=env, cwd=cwd)
    return run.json(), run


def own_peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def process_peak_rss_mb(pid: int) -> Optional[float]:
    """VmHWM of a running process (e.g. the chroma server), None when unreadable."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def disk_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file()) / 1e6


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def timed_ms(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out
