"""`opmodel feedback`: what people said of the bot's answers, listed, exported, or turned into
draft evaluation pairs."""

from __future__ import annotations

import argparse
import datetime
import shutil
import sys
import textwrap
from pathlib import Path
from typing import Optional

from opmodel.errors import ConfigError, OpmodelError

DESCRIPTION = """\
List the feedback people gave with the buttons under the bot's answers, newest first, from
the bot's database (OPMODEL_FEEDBACK_DB). Users appear only as the keyed hash the bot stores;
direct-message channels only as "direct message"."""

EXAMPLES = """\
examples:
  opmodel feedback                                    a table, newest first
  opmodel feedback --not-helpful --since 2026-11-01   what missed, this month
  opmodel feedback --format csv --output feedback.csv
  opmodel feedback --format jsonl > feedback.jsonl
  opmodel feedback --to-pairs eval/drafts.yaml        "not helpful" answers as draft eval pairs
"""

QUESTION_SHARE = 0.6  # of the room the table leaves for text, the question's; the comment has the rest


def register(sub) -> None:
    parser = sub.add_parser(
        "feedback",
        help="list or export Slack feedback; --to-pairs drafts eval pairs from the unhelpful answers",
        description=DESCRIPTION,
        epilog=EXAMPLES,
    )
    parser.add_argument("--since", type=_date, metavar="DATE", help="only feedback from this day on (YYYY-MM-DD, UTC)")
    parser.add_argument("--until", type=_date, metavar="DATE", help="only feedback up to and including this day")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--helpful", dest="rating", action="store_const", const="helpful", help="only 'helpful'")
    which.add_argument("--not-helpful", dest="rating", action="store_const", const="not_helpful",
                       help="only 'not helpful'")
    parser.add_argument("--format", choices=("table", "csv", "jsonl"), default="table",
                        help="table (default), csv or jsonl (one JSON object per line)")
    parser.add_argument("--output", type=Path, metavar="PATH", help="write there instead of to the terminal")
    parser.add_argument("--to-pairs", type=Path, metavar="PATH",
                        help="write the 'not helpful' feedback as draft eval pairs (YAML) for a person to complete")
    parser.add_argument("--db", type=Path, metavar="PATH", help="the bot's database (default: OPMODEL_FEEDBACK_DB)")
    parser.set_defaults(handler=run)


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None


def run(args: argparse.Namespace) -> int:
    from bot.feedback import read_feedback
    from bot.feedback_export import to_csv, to_draft_pairs, to_jsonl, write_new

    if args.to_pairs and args.rating == "helpful":
        raise ConfigError("--to-pairs drafts pairs from 'not helpful' feedback only; leave out --helpful")
    if args.to_pairs and (args.output or args.format != "table"):
        raise ConfigError("--to-pairs writes its own YAML file; leave out --output and --format")
    path = args.db or _settings_db()
    if not path.exists():
        print(empty_state(path))
        return 0
    since = args.since.isoformat() if args.since else None
    before = (args.until + datetime.timedelta(days=1)).isoformat() if args.until else None
    rating = "not_helpful" if args.to_pairs else args.rating
    rows = read_feedback(path, since=since, before=before, rating=rating, newest_first=True)
    if not rows:
        anything = read_feedback(path)
        print(empty_state(path) if not anything else f"No feedback in {path} matches those filters "
              f"({len(anything)} recorded in all).")
        return 0
    if args.to_pairs:
        try:
            write_new(args.to_pairs, to_draft_pairs(rows, _passages(rows)))
        except FileExistsError:
            raise ConfigError(f"{args.to_pairs} already exists and may hold someone's edits; "
                              "choose another path or move it away") from None
        except OSError as exc:
            raise ConfigError(f"cannot write {args.to_pairs}: {exc.strerror or exc}") from exc
        print(f"Wrote {len(rows)} draft pair{'s' if len(rows) != 1 else ''} to {args.to_pairs}: fill in category, "
              "evidence and source, then move them into eval/pairs.yaml.", file=sys.stderr)
        return 0
    if args.format == "table":
        text = table(rows, width=None if args.output else shutil.get_terminal_size((100, 24)).columns)
    else:
        text = to_csv(rows) if args.format == "csv" else to_jsonl(rows)
    if args.output:
        try:
            args.output.parent.mkdir(parents=True, exist_ok=True)
            args.output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot write {args.output}: {exc.strerror or exc}") from exc
        print(f"Wrote {len(rows)} feedback row{'s' if len(rows) != 1 else ''} to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _settings_db() -> Path:
    from opmodel.settings import Settings

    return Settings().feedback_db


def empty_state(path: Path) -> str:
    return (f"No feedback recorded yet in {path}. "
            "Feedback appears when people press the buttons under an answer.")


def _passages(rows) -> dict:
    """The indexed passages the rows cite, by id, to show in the drafts; none when there is no
    index to read (the drafts then keep the ids alone)."""
    from opmodel.index import open_index
    from opmodel.settings import Settings

    wanted = {i for r in rows for i in r.cited_ids}
    if not wanted:
        return {}
    try:
        return {p.id: p for p in open_index(Settings(), create=False).passages() if p.id in wanted}
    except OpmodelError as exc:
        print(f"opmodel feedback: the cited passages are given by id only ({exc})", file=sys.stderr)
        return {}


def table(rows, width: Optional[int] = None) -> str:
    """Newest first as given: id, when, rating, question and comment, one row per line when
    ``width`` (the terminal's) is given, otherwise whole."""
    from bot.feedback_export import record

    head = ("#", "when (UTC)", "rating", "question", "comment")
    lines = [(str(r["id"]), r["created_at"][:16].replace("T", " "), r["rating"].replace("_", " "),
              r["question"] or "", r["comment"] or "") for r in map(record, rows)]
    fixed = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(head[:3])]
    if width:
        room = max(20, width - sum(fixed) - 2 * 4)
        q_width = max(10, int(room * QUESTION_SHARE))
        c_width = max(10, room - q_width)
        lines = [(*line[:3], _cut(line[3], q_width), _cut(line[4], c_width)) for line in lines]
    widths = fixed + [max(len(head[3]), *(len(line[3]) for line in lines)), len(head[4])]
    out = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in [head, *lines]]
    return "\n".join(out) + "\n"


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else textwrap.shorten(text, width, placeholder="…")
