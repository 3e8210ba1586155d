"""Measurements that must run in a fresh process, so peak memory is theirs alone.

    python -m bench.probe warm                    questions in a loop against the configured index, once
                                                  the answerer is warm (as the bot is, soon after it starts)
    python -m bench.probe ingest --corpus DIR     ingest a corpus folder into the configured index
    python -m bench.probe query                   time + quality of the eval questions at scale

Settings (index folder or server URL) come from OPMODEL_* like every other command. Each
prints one JSON object on its last stdout line; ``bench.measure.probe`` runs and reads it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from bench.measure import own_peak_rss_mb, timed_ms
from bench.synth import PREFIX as SYNTHETIC_PREFIX



def eval_pairs():
    from eval.pairs import load_pairs

    return load_pairs()


def warm() -> dict:
    from answer.engine import Assistant

    assistant = Assistant.from_settings()
    pairs = eval_pairs()
    started = time.perf_counter()
    assistant.ask(pairs[0].question, pairs[0].history)
    first_ms = (time.perf_counter() - started) * 1000
    if warm_up := getattr(assistant, "warm_up", None):  # as the bot does when it starts
        warm_up(wait=True)
    ask_ms = []
    for pair in pairs:
        started = time.perf_counter()
        assistant.ask(pair.question, pair.history)
        ask_ms.append((time.perf_counter() - started) * 1000)
    return {"first_ask_ms": first_ms, "ask_ms": ask_ms, "snapshot_ms": timed_ms(assistant.index.snapshot, 200)}


class TimedEmbedder:
    """The real embedder, with a stopwatch: how long the ingest spent inside the model."""

    def __init__(self, inner):
        self.inner, self.name, self.dimension = inner, inner.name, inner.dimension
        self.seconds, self.texts = 0.0, 0

    def embed(self, texts):
        started = time.perf_counter()
        try:
            return self.inner.embed(texts)
        finally:
            self.seconds += time.perf_counter() - started
            self.texts += len(texts)


def ingest(corpus: Path) -> dict:
    from ingest.pipeline import run_ingest
    from opmodel.embedding import default_embedder
    from opmodel.index import open_index
    from opmodel.settings import Settings

    model = default_embedder()  # loaded and run once before the clock starts: throughput, not start-up
    model.embed(["warm-up"])
    embedder = TimedEmbedder(model)
    index = open_index(Settings(corpus_dir=corpus), embedder)
    started = time.perf_counter()
    report = run_ingest(index, [corpus], corpus)
    seconds = time.perf_counter() - started
    return {
        "ingest_s": seconds,
        "passages": report.passages,
        "embedded": report.embedded,
        "documents": report.documents,
        "failed": len(report.failed),
        # Timed inside the same ingest, so both rates saw the same load on a shared machine.
        "embed_texts_per_s": embedder.texts / embedder.seconds if embedder.seconds else float("nan"),
    }


def query() -> dict:
    from answer.engine import Assistant
    from eval.metrics import evidence_rank

    assistant = Assistant.from_settings()
    index = assistant.index
    pairs = eval_pairs()
    started = time.perf_counter()
    assistant.ask(pairs[0].question, pairs[0].history)  # builds the lexical side: the cold cost
    first_ms = (time.perf_counter() - started) * 1000
    ask_ms, ranks = [], []
    for pair in pairs:
        started = time.perf_counter()
        answer = assistant.ask(pair.question, pair.history)
        ask_ms.append((time.perf_counter() - started) * 1000)
        if pair.answerable:
            # Only real documents count: a synthetic copy of a quote is a wrong citation.
            texts = [c.passage.text if not c.passage.source.startswith(SYNTHETIC_PREFIX) else "" for c in answer.citations]
            ranks.append(None if answer.abstained else evidence_rank(pair.evidence, texts))
    snap = index.snapshot()
    vectors = index.embedder.embed([p.question for p in pairs])
    search_ms = []
    for vector in vectors:
        started = time.perf_counter()
        index.search(vector, 20, snap)
        search_ms.append((time.perf_counter() - started) * 1000)
    return {
        "first_ask_ms": first_ms,
        "ask_ms": ask_ms,
        "search_ms": search_ms,
        "snapshot_ms": timed_ms(index.snapshot, 100),
        "hit1": sum(r == 1 for r in ranks) / len(ranks),
        "hit3": sum(r is not None and r <= 3 for r in ranks) / len(ranks),
        "answerable": len(ranks),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.probe", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=("warm", "ingest", "query"))
    parser.add_argument("--corpus", type=Path, help="corpus folder (ingest)")
    args = parser.parse_args(argv)
    if args.kind == "ingest" and not args.corpus:
        parser.error("ingest needs --corpus")
    result = {"warm": warm, "query": query}[args.kind]() if args.kind != "ingest" else ingest(args.corpus)
    result["peak_rss_mb"] = own_peak_rss_mb()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
