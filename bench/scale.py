"""`opmodel bench scale`: how cost and quality grow with the corpus, embedded and on a server.

For each size (1× is the shipped corpus; N× adds N-1 rounds of synthetic documents, see
``bench.synth``) and each mode, a fresh index is built by one fresh process (ingest
throughput, peak memory, and the embedding model's own throughput on the same passages,
timed inside that ingest), then a second fresh process
answers every evaluation question with the full hybrid ``Assistant.ask`` (first answer,
warm latency, dense search alone, quality with the synthetic passages as distractors).
In server mode each size gets its own `chroma run`, whose memory is reported too.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from bench import report
from bench.core import environment
from bench.local_chroma import LocalChroma
from bench.measure import disk_mb, median, probe, process_peak_rss_mb
from bench.synth import grow
from eval.metrics import percentile

MODES = ("embedded", "server")
QUERY_P95_TARGET_MS = 150.0
INGEST_SHARE_TARGET = 0.8


@dataclass
class Row:
    size: int
    mode: str
    documents: int
    passages: int
    embedded: int  # passages sharing a text share one embedding, so this can be below passages
    ingest_s: float
    embed_rate: float
    disk_mb: float
    first_ask_ms: float
    ask_ms: list[float]
    search_ms: list[float]
    snapshot_ms: list[float]
    hit1: float
    hit3: float
    ingest_peak_mb: float
    query_peak_mb: float
    server_peak_mb: Optional[float] = None

    @property
    def ingest_rate(self) -> float:
        return self.passages / self.ingest_s if self.ingest_s else float("nan")

    @property
    def model_share(self) -> float:
        """Share of the ingest spent in the model: the embedding rate the ingest achieved,
        over the model's own rate. 100% would mean everything else was free."""
        return (self.embedded / self.ingest_s) / self.embed_rate if self.ingest_s and self.embed_rate else float("nan")


def measure_one(corpus: Path, size: int, mode: str, work: Path) -> Row:
    env = environment(work / f"index-{size}x", corpus)
    server = None
    if mode == "server":
        server = LocalChroma(work / f"server-{size}x").start()
        env["OPMODEL_CHROMA_URL"] = server.url
    try:
        ingested, ingest_run = probe("ingest", "--corpus", str(corpus), env=env, cwd=work)
        if ingested["failed"]:
            raise RuntimeError(f"{ingested['failed']} documents failed to ingest at {size}×")
        asked, query_run = probe("query", env=env, cwd=work)
        return Row(
            size=size,
            mode=mode,
            documents=ingested["documents"],
            passages=ingested["passages"],
            embedded=ingested["embedded"],
            ingest_s=ingested["ingest_s"],
            embed_rate=ingested["embed_texts_per_s"],
            disk_mb=disk_mb(server.path if server else work / f"index-{size}x"),
            first_ask_ms=asked["first_ask_ms"],
            ask_ms=asked["ask_ms"],
            search_ms=asked["search_ms"],
            snapshot_ms=asked["snapshot_ms"],
            hit1=asked["hit1"],
            hit3=asked["hit3"],
            ingest_peak_mb=ingest_run.peak_rss_mb,
            query_peak_mb=query_run.peak_rss_mb,
            server_peak_mb=process_peak_rss_mb(server.pid) if server else None,
        )
    finally:
        if server:
            server.stop()
            shutil.rmtree(server.path, ignore_errors=True)
        shutil.rmtree(work / f"index-{size}x", ignore_errors=True)


def run(real_corpus: Path, sizes: list[int], modes: tuple[str, ...], on_row: Callable[[list[Row]], None]) -> list[Row]:
    rows: list[Row] = []
    work = Path(tempfile.mkdtemp(prefix="opmodel-bench-scale-"))
    try:
        for size in sizes:
            corpus = work / f"corpus-{size}x"
            grow(real_corpus, corpus, size)
            for mode in modes:
                rows.append(measure_one(corpus.resolve(), size, mode, work))
                on_row(rows)
            shutil.rmtree(corpus, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return rows


HEADERS = (
    "size", "mode", "docs", "passages", "ingest chunks/s", "embed texts/s", "time in model", "index MB",
    "first answer ms", "ask p50 ms", "ask p95 ms", "dense p50 ms", "dense p95 ms", "version check ms",
    "hit@1", "hit@3", "peak RSS ingest MB", "peak RSS ask MB", "server RSS MB",
)


def render(rows: list[Row], command: str) -> str:
    lines = [
        (
            f"{r.size}×", r.mode, r.documents, r.passages, r.ingest_rate, r.embed_rate, f"{r.model_share:.0%}",
            r.disk_mb, r.first_ask_ms, median(r.ask_ms), percentile(r.ask_ms, 95), median(r.search_ms),
            percentile(r.search_ms, 95), median(r.snapshot_ms), f"{r.hit1:.1%}", f"{r.hit3:.1%}",
            r.ingest_peak_mb, r.query_peak_mb, r.server_peak_mb,
        )
        for r in rows
    ]
    return "\n\n".join(
        [
            "## Scale: synthetic corpora from 1× to 1,000× the shipped one",
            f"`{command}` on {report.machine()}.",
            report.table(HEADERS, lines),
            "\n".join(notes(rows)),
            DEFINITIONS,
        ]
    )


def notes(rows: list[Row]) -> list[str]:
    out = []
    largest = max((r.size for r in rows), default=0)
    for r in rows:
        if r.mode == "embedded" and r.size == largest:
            p95 = percentile(r.ask_ms, 95)
            out.append(
                f"- Target: ask p95 ≤ {QUERY_P95_TARGET_MS:.0f} ms embedded at the largest size measured ({r.size}×, "
                f"{r.passages:,} passages): {p95:.0f} ms, {report.verdict(p95 <= QUERY_P95_TARGET_MS)}"
                + ("" if r.size >= 1000 else " (1,000× not measured in this run)") + "."
            )
    if rows:
        worst = min(rows, key=lambda r: r.model_share)
        out.append(
            f"- Target: ingest throughput within {INGEST_SHARE_TARGET:.0%} of the embedding model's own: the lowest "
            f"share of ingest time spent in the model is {worst.model_share:.0%} ({worst.size}× {worst.mode}), "
            f"{report.verdict(worst.model_share >= INGEST_SHARE_TARGET)}."
        )
    return out


DEFINITIONS = """\
Columns: *ingest chunks/s* is passages ÷ `run_ingest` time in a fresh process with the model
already loaded (reading, chunking, embedding, writing, publishing); *embed texts/s* is the
rate of `MiniLMEmbedder.embed` itself on the same passages, timed inside that ingest (so both
saw the same load on this shared machine): the physical limit. *time in model* is the share
of the ingest spent inside the model, i.e. the embedding rate the ingest achieved over the
model's own rate (passages with identical text share one embedding, which is why chunks/s can
exceed texts/s). *first answer* is the first
`Assistant.ask` of a fresh process (it builds the BM25 side from the index); *ask* is the full
hybrid `Assistant.ask` over every evaluation question after that; *dense* is `Index.search`
alone; *version check* is `Index.snapshot()`, done once per question to notice another
process's ingest. *hit@k*: an evidence quote of an answerable question is in one of the first
k cited passages **of a real document** (a synthetic copy does not count; a declined question
is a miss). Peak RSS is each process's high-water mark (`getrusage`); *server RSS* is the
`chroma run` process's."""
