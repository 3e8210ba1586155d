"""`opmodel ingest`: index documents, then say plainly what changed."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path
from typing import Sequence

import numpy as np

from opmodel.terminal import printable

WRITE_TIMEOUT_S = 60.0

DESCRIPTION = """\
Index documents so `opmodel ask` can quote them. Reads .txt, .md and .pdf files, cuts them
into passages a reader would want quoted (a definition, a list with the sentence that
introduces it, a paragraph), and stores them with their document's title, date and status
(from metadata.yaml, else from what the document says of itself).

Only what changed is re-read: unchanged files are skipped, changed files replace their
passages, files deleted from a folder you name disappear from the index. A file that cannot
be read (corrupt or password-protected PDF, scanned PDF without text, non-UTF-8 text) is
reported by name and everything else is still indexed; the exit status is then 1. So is a
document with more than OPMODEL_MAX_DOCUMENT_MB (20) MB of text, or a .txt that is not text.
Until the new version is complete, questions are answered from the previous one.

One ingest at a time per index: a second one started meanwhile says so and waits for the
first to finish (at most OPMODEL_INGEST_WAIT seconds, default 600), then indexes on top of
what it published. A damaged index (the error says so) is rebuilt by `opmodel ingest --rebuild`."""

EPILOG = """\
examples:
  opmodel ingest                        index the corpus folder (default: the shipped documents)
  opmodel ingest corpus/new-guidance.pdf
                                        add or refresh one file, keep everything else
  opmodel ingest --rebuild              re-read every file and write a fresh index version
                                        (needed after the embedding model changes)
  opmodel ingest --quiet                no progress bar, one summary line (for scripts/cron)

describe documents in metadata.yaml in the corpus folder or in the folder you name (title,
publisher, published, kind, status current|superseded|historical, notes). What an entry
leaves out is read from the document (its title, "Published: ...", "Status: ..."); nothing
stated is status "unknown". `opmodel sources` shows where each title, date and status came from.

settings: OPMODEL_CORPUS_DIR (default: the shipped documents; `opmodel init` copies them to
edit), OPMODEL_INDEX (default: index/ in the data folder, OPMODEL_HOME), OPMODEL_CHROMA_URL to
write to a `chroma run` server instead."""


def register(sub) -> None:
    parser = sub.add_parser(
        "ingest",
        help="index documents (default: the corpus folder) so they can be quoted",
        description=DESCRIPTION,
        epilog=EPILOG,
    )
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="files or folders to index (default: the corpus folder)")
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="re-read every document, even unchanged ones, and write a fresh index version; "
        "passages are re-embedded when the embedding model changed (otherwise vectors are identical and reused)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar or per-file lines; problems still go to stderr")
    parser.set_defaults(handler=handle)


class EmbedderOnDemand:
    """Loads the model (~0.3 s) only when a passage needs embedding: an unchanged re-ingest never does."""

    def __init__(self):
        from opmodel.embedding import DIMENSION, MODEL_NAME

        self.name, self.dimension = MODEL_NAME, DIMENSION

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        from opmodel.embedding import default_embedder

        return default_embedder().embed(texts)


def handle(args: argparse.Namespace) -> int:
    from opmodel.errors import IndexCorruptError
    from opmodel.index import open_index
    from opmodel.index_client import set_aside
    from opmodel.settings import Settings

    from ingest.pipeline import run_ingest

    if not getattr(args, "verbose", False):
        # The report below says the same things in plain words; pypdf warns about harmless quirks.
        logging.getLogger("ingest").setLevel(logging.ERROR)
        logging.getLogger("pypdf").setLevel(logging.ERROR)
    started = time.perf_counter()
    settings = Settings()
    paths = args.paths or [settings.corpus_dir]

    def ingest():
        # A write to a server may take longer than a query; a stopped server still must not hang us.
        index = open_index(settings, embedder=EmbedderOnDemand(), timeout=max(WRITE_TIMEOUT_S, settings.chroma_timeout))
        return run_ingest(
            index, paths, settings.corpus_dir, rebuild=args.rebuild, progress=not args.quiet,
            max_document_bytes=int(settings.max_document_mb * 1_000_000), wait=settings.ingest_wait,
            on_wait=lambda message: print(f"opmodel: {message}", file=sys.stderr, flush=True),
        )

    try:
        report = ingest()
    except IndexCorruptError as exc:
        if not args.rebuild or settings.uses_server:
            raise
        # Damaged beyond a new version (Chroma's own database): rebuild in a fresh folder.
        aside = set_aside(settings.index_dir)
        print(f"opmodel: {exc}\nopmodel: moved the damaged index to {aside} and rebuilding it from the documents; "
              "delete that folder once the new index answers, and restart any bot reading the index.",
              file=sys.stderr, flush=True)
        report = ingest()
    print_report(report, paths, time.perf_counter() - started, quiet=args.quiet)
    return 1 if report.failed else 0


def print_report(report, paths: Sequence[Path], seconds: float, quiet: bool = False, out=None) -> None:
    out = _Printable(out or sys.stdout)
    err = _Printable(sys.stderr)
    where = ", ".join(str(p) for p in paths)
    counts = (
        f"{len(report.added)} added, {len(report.updated)} updated, {len(report.removed)} removed, "
        f"{len(report.skipped)} unchanged, {len(report.failed)} failed"
    )
    print(f"Ingested {where} in {seconds:.1f} s: {counts}.", file=out)
    if not quiet:
        for label, names in (("added", report.added), ("updated", report.updated), ("removed", report.removed)):
            for name in names:
                print(f"  {label:<9} {name}", file=out)
        if len(report.skipped) > 10:  # a big unchanged corpus is one line, not a screenful
            print(f"  unchanged {len(report.skipped)} documents", file=out)
        else:
            for name in report.skipped:
                print(f"  unchanged {name}", file=out)
        print(
            f"Index: {report.passages} passages from {report.documents} documents; "
            f"{report.embedded} embeddings computed, {report.passages - report.embedded} reused"
            + (f"; {report.duplicates} passages found in more than one file indexed once." if report.duplicates else "."),
            file=out,
        )
    for message in report.warnings:
        print(f"warning: {message}", file=err)
    for source, message in report.failed:
        print(f"failed: {message}", file=err)
    if report.failed:
        indexed = len(report.added) + len(report.updated)
        if indexed:
            print(f"The other {indexed} changed files were indexed; fix the failed ones and run `opmodel ingest` again.", file=err)
        else:
            print("Nothing new was indexed; fix the failed files and run `opmodel ingest` again.", file=err)


class _Printable:
    """A file name may hold control characters too: none reaches the terminal."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, text: str) -> int:
        return self.stream.write(printable(text))

    def flush(self) -> None:
        self.stream.flush()
