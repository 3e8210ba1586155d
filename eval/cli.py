"""`opmodel eval`: every evaluation set's Q&A pairs through the real answering path, scored
against the bars and floors, side by side with the baseline."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from eval.sets import DEFAULT_SETS_FILE
from eval.thresholds import DEFAULT_THRESHOLDS_FILE, flagged_metrics

DEFAULT_REPORT = Path("opmodel-eval.md")  # in the current folder: never inside the installed package
EXIT_BAR_MISSED = 1

DESCRIPTION = """\
Ask every known question of every evaluation set (eval/sets.yaml: the shipped pairs, the fresh
pairs, the Wrenmoor corpus) through the same code the Slack bot uses, score the answers, measure
the LangChain tutorial baseline on the same questions over the same corpus, print the sets side
by side and write a Markdown report (failures first). Exits 1 when a gate in eval/thresholds.yaml
is missed: a gated set's dev split (the one we tune on) must reach the bars, its held-back test
split must not fall below its regression floor; a set without a floor yet is reported only.
By default each corpus is ingested afresh into a temporary folder, so your index is not touched."""

EPILOG = """\
examples:
  opmodel eval                          every set, both splits, table and report (what CI runs)
  opmodel eval --set wrenmoor           one set
  opmodel eval --split dev              tune against dev only; test is held back
  opmodel eval --json --no-baseline     metrics as one JSON object, product only
  opmodel eval --pairs my.yaml          one pairs file over the configured corpus, instead of the sets
  opmodel eval --use-index              evaluate the index `opmodel ingest` built (configured corpus)
  opmodel eval --report /tmp/eval.md    write the report somewhere else
  opmodel eval --junit junit.xml        also a JUnit XML file for CI: a test case per pair
  opmodel eval --jsonl rows.jsonl       also one JSON object per question, a line each
  opmodel eval --html eval.html         also one self-contained web page: summary, failures first, filters
  opmodel eval --llm --set shipped      the configured OPMODEL_LLM's summaries on one set (reported only)
"""

# The side-by-side table's columns: product/baseline per set and split.
COLUMNS = [
    ("hit_at_1", "hit@1"), ("hit_at_3", "hit@3"), ("lead_correct", "lead correct"),
    ("answer_correct", "answer correct"), ("false_abstain", "false declines"),
    ("abstain_recall", "oos declined"), ("p50_ms", "p50 ms"), ("p95_ms", "p95 ms"),
]
WIDTH = 15


def register(sub) -> None:
    p = sub.add_parser(
        "eval", help="score the assistant on the known Q&A pairs of every evaluation set (and the baseline)",
        description=DESCRIPTION, epilog=EPILOG,
    )
    p.add_argument("--split", choices=("dev", "test", "all"), default="all",
                   help="which pairs to run (default: all; tune on dev, never on test)")
    p.add_argument("--set", dest="set_name", metavar="NAME",
                   help="run one evaluation set of the sets file (default: every set)")
    p.add_argument("--json", action="store_true", help="print the metrics as one JSON object instead of a table")
    p.add_argument("--report", type=Path, default=DEFAULT_REPORT, metavar="PATH",
                   help=f"where to write the Markdown report (default: {DEFAULT_REPORT} in the current folder)")
    p.add_argument("--jsonl", type=Path, metavar="PATH",
                   help="also write one JSON object per question (question, answer, citations, status...)")
    p.add_argument("--junit", type=Path, metavar="PATH",
                   help="also write JUnit XML: a test case per pair (classname set.split), failures with the question, "
                        "expected evidence and what was cited")
    p.add_argument("--html", type=Path, metavar="PATH",
                   help="also write one self-contained HTML page (no network resources): summary per set and split, "
                        "every question with failures first, filters by set, category and status")
    p.add_argument("--no-baseline", action="store_true", help="skip the LangChain baseline (faster)")
    p.add_argument("--sets", type=Path, default=DEFAULT_SETS_FILE, metavar="FILE",
                   help="the registry of evaluation sets (default: eval/sets.yaml)")
    p.add_argument("--pairs", type=Path, metavar="FILE",
                   help="one pairs file over the configured corpus, as a set named after the file, instead of the registry")
    p.add_argument("--thresholds", type=Path, default=DEFAULT_THRESHOLDS_FILE, metavar="FILE",
                   help="the bars to meet (default: eval/thresholds.yaml)")
    p.add_argument("--use-index", action="store_true",
                   help="evaluate the configured index (OPMODEL_INDEX / OPMODEL_CHROMA_URL) instead of a fresh one")
    p.add_argument("--llm", action="store_true",
                   help="measure the configured language model (OPMODEL_LLM) on the same pairs instead: summaries kept, "
                        "verified spans, fallbacks, latency; report in eval/reports/llm-latest.md, not gated")
    p.set_defaults(handler=handle)


def _fmt(value, metric: str) -> str:
    if value is None:
        return "-"
    return f"{value:.0f}" if metric.endswith("_ms") else f"{value:.3f}"


def table(result) -> str:
    """One row per set and split; per metric, product/baseline. A gated miss is marked "!",
    a figure short of the bar that is not gated (held back, or a set not yet gated) "~"."""
    with_baseline = result.with_baseline
    head = f"{'set':<12}{'split':<6}{'pairs':>6}"
    header = head + "".join(f"{label:>{WIDTH}}" for _, label in COLUMNS) + "  gate"
    sub = " " * len(head) + "".join(f"{'product/base' if with_baseline else 'product':>{WIDTH}}" for _ in COLUMNS)
    lines = [header, sub, "-" * len(header)]
    for s in result.sets:
        for split in s.splits():
            product, base = s.metrics(split), s.baseline_metrics(split) or {}
            missed_here, short_here = flagged_metrics(s.misses, split), flagged_metrics(s.below_bar, split)
            row = f"{s.name:<12}{split:<6}{product['pairs']:>6}"
            for metric, _ in COLUMNS:
                mark = "!" if metric in missed_here else "~" if metric in short_here else " "
                cell = _fmt(product.get(metric), metric) + mark
                if with_baseline:
                    cell += "/" + _fmt(base.get(metric), metric)
                row += f"{cell:>{WIDTH}}"
            floor = result.floors.get(s.name)
            if not s.gated:
                gate = "reported (no floor yet)" if s.name in result.floors and not floor else "reported"
            elif split == "test" and floor:
                gate = "floor: MISSED" if missed_here else "floor"
            elif s.name in result.dev_floors:
                gate = "dev floor: MISSED" if missed_here else "dev floor"
            else:
                gate = "bars: MISSED" if missed_here else "bars"
            lines.append(row + "  " + gate)
    bars = ", ".join(f"{t.metric} {t.describe()}" for t in result.thresholds)
    lines.append(f"bars: {bars}")
    lines.append("! gate missed; ~ short of the bar, reported only (held back, or a set not yet gated); "
                 "lead/answer correct and declines: the baseline has no answer text and never declines")
    for s in result.sets:
        lines.append(f"{s.name}: answered by {s.index_description}")
    lines.append(f"{len(result.outcomes)} pairs in {result.seconds:.0f} s")
    return "\n".join(lines)


def handle_llm(args) -> int:
    from eval.llm_eval import DEFAULT_REPORT as LLM_REPORT
    from eval.llm_eval import render, run_llm_eval, write_report
    from eval.sets import adhoc_set, load_sets
    from opmodel.settings import Settings

    registry = [adhoc_set(args.pairs)] if args.pairs else load_sets(args.sets)
    result = run_llm_eval(Settings(), registry, args.set_name, args.split, progress=sys.stderr.isatty())
    report = write_report(result, LLM_REPORT if args.report == DEFAULT_REPORT else args.report)
    print(json.dumps(result.to_json()) if args.json else render(result) + f"\nreport: {report}")
    return 0


def handle(args) -> int:
    if args.llm:
        return handle_llm(args)
    from eval.export import write_jsonl, write_junit
    from eval.htmlreport import write_html
    from eval.report import write_report
    from eval.runner import run_eval
    from eval.sets import adhoc_set
    from opmodel.errors import OpmodelError

    exports = (("jsonl", args.jsonl, write_jsonl), ("junit", args.junit, write_junit), ("html", args.html, write_html))
    for label, path, _ in exports:  # found before the slow part, not after it
        if path is not None and path.is_dir():
            raise OpmodelError(f"cannot write the {label} file {path}: it is a folder")
    result = run_eval(
        split=args.split, sets=[adhoc_set(args.pairs)] if args.pairs else None, sets_file=args.sets,
        set_name=args.set_name, thresholds_file=args.thresholds,
        use_index=args.use_index, baseline=not args.no_baseline, progress=sys.stderr.isatty(),
    )
    report = write_report(result, args.report)
    written = [("report", report)]
    for label, path, write in exports:
        if path is not None:
            try:
                written.append((label, write(result, path)))
            except OSError as exc:
                raise OpmodelError(f"cannot write the {label} file {path}: {exc.strerror or exc}") from exc
    if args.json:
        print(json.dumps(result.to_json()))
    else:
        print(table(result))
        for label, path in written:
            print(f"{label}: {path}")
    for miss in result.misses:
        print(f"opmodel eval: gate missed: {miss}", file=sys.stderr)
    for note in result.below_bar:
        print(f"opmodel eval: not yet at the bar (reported, not gated): {note}", file=sys.stderr)
    return 0 if result.passed else EXIT_BAR_MISSED
