"""`opmodel bench embed`: the numpy MiniLM against sentence-transformers' PyTorch forward pass.

Both embed the same ~200 passages (the corpus's, then the evaluation corpora's where the
checkout has them) as one ingest batch, and one question at a time as `opmodel ask` does.
Rounds alternate between the two so both see the same load on a shared machine. The
reference needs the `[bench]` extra (sentence-transformers, hence PyTorch); without it only
the numpy figures are printed.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from bench import report

QUESTION = "Who pays for the practice phone system?"
PASSAGES = 200
EVAL_CORPORA = Path(__file__).resolve().parents[1] / "eval" / "corpora"


@dataclass
class EmbedResult:
    name: str
    batch_s: list[float]  # one batch of every passage, per round
    question_ms: list[float]  # one question per call


def passages(corpus: Path, count: int = PASSAGES) -> list[str]:
    """The ingest's own passages of the real documents: their lengths are what ingest embeds."""
    from eval.textmatch import corpus_files
    from ingest.catalog import Catalogs
    from ingest.chunk import chunk_document
    from ingest.describe import describe
    from ingest.load import load_document

    texts: list[str] = []
    for folder in [corpus, *sorted(EVAL_CORPORA.glob("*/docs"))]:
        catalogs = Catalogs([folder])
        for source, path in corpus_files(folder):
            document = load_document(path, source)
            texts += [p.text for p in chunk_document(document, describe(document, catalogs.lookup(path, source)))]
            if len(texts) >= count:
                return texts[:count]
    return texts


def _embedders() -> list[tuple[str, object]]:
    from opmodel.embedding import MiniLMEmbedder, SentenceTransformerEmbedder

    found = [("numpy (`MiniLMEmbedder`)", MiniLMEmbedder())]
    try:
        found.append(("PyTorch (sentence-transformers)", SentenceTransformerEmbedder()))
    except ImportError:
        pass
    return found


def measure(corpus: Path, rounds: int = 3, questions: int = 50) -> tuple[int, list[EmbedResult]]:
    texts = passages(corpus)
    embedders = _embedders()
    results = [EmbedResult(name, [], []) for name, _ in embedders]
    for _, embedder in embedders:
        embedder.embed(["warm-up"])
    for _ in range(rounds):
        for (_, embedder), result in zip(embedders, results):
            started = time.perf_counter()
            embedder.embed(texts)
            result.batch_s.append(time.perf_counter() - started)
            for i in range(questions):
                started = time.perf_counter()
                embedder.embed([f"{QUESTION} ({i})"])  # a new text each time: nothing cached
                result.question_ms.append((time.perf_counter() - started) * 1000)
    return len(texts), results


def render(count: int, results: list[EmbedResult], command: str) -> str:
    def rate(r: EmbedResult) -> float:
        return count / statistics.median(r.batch_s)

    def question(r: EmbedResult) -> float:
        return statistics.median(r.question_ms)

    first = results[0]
    rows = []
    for r in results:
        rows.append((
            r.name,
            f"{rate(r):.1f}",
            f"{question(r):.1f}",
            "–" if r is first else f"{rate(first) / rate(r):.2f}",
            "–" if r is first else f"{question(r) / question(first):.2f}",
        ))
    return "\n\n".join([
        "## Embedding: numpy against PyTorch",
        f"`{command}` on {report.machine()}. {count} passages in one batch (median of "
        f"{len(first.batch_s)} rounds) and one question per call (median of {len(first.question_ms)}).",
        report.table(("embedder", "passages/s", "1 question ms", "numpy throughput ×", "numpy speed-up on a question ×"), rows),
    ])
