"""Feedback as it leaves the bot's database: records for CSV or JSONL, and the "not helpful"
ones as draft evaluation pairs for a person to complete.

What leaves names no one: the user is the keyed hash already stored, and a direct-message
channel id (one per person) is shown only as "direct message". Any text that looks like it
holds an NHS number is withheld, whatever wrote it into the file (the bot refuses such text
before storing it; an older or hand-edited database may not have).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Iterable, Optional

import yaml

from bot.feedback import FeedbackRow
from eval.pairs import split_for
from opmodel.passage import Passage
from opmodel.patient_data import contains_nhs_number

FIELDS = ("id", "created_at", "rating", "question", "answer", "cited_ids", "channel", "user_hash", "comment")
WITHHELD = "[withheld: looked like it held an NHS number]"
DIRECT_MESSAGE = "direct message"
DRAFT_ID_PREFIX = "feedback-"

DRAFT_HEADER = """\
# Draft evaluation pairs from answers people marked "not helpful" (`opmodel feedback --to-pairs`).
# Each is a question the bot answered badly, with the passages it cited and the user's comment.
# To make one a pair, move it into eval/pairs.yaml and fill in:
#   category   responsibility | funding | definition | scope | history | out_of_scope
#   evidence   short verbatim quotes from `source` that answer the question (empty for out_of_scope)
#   key_facts  strings a correct answer contains (may stay empty)
#   source     the corpus file the evidence comes from (null for out_of_scope)
# Keep `split` as written: it follows from the id (eval/pairs.py). `comment`, `answer_given` and
# `cited` are notes for you; delete them once the pair is complete.
"""


def _clean(text: Optional[str]) -> Optional[str]:
    return WITHHELD if text and contains_nhs_number(text) else text


def _channel(channel: Optional[str]) -> Optional[str]:
    # Slack's direct-message channel ids start with D; each is one person's conversation with the bot.
    return DIRECT_MESSAGE if channel and channel.startswith("D") else channel


def record(row: FeedbackRow) -> dict:
    """One row as exported, fields in ``FIELDS`` order."""
    return {
        "id": row.id,
        "created_at": row.created_at,
        "rating": row.rating,
        "question": _clean(row.question),
        "answer": _clean(row.answer),
        "cited_ids": list(row.cited_ids),
        "channel": _channel(row.channel),
        "user_hash": row.user_hash,
        "comment": _clean(row.comment),
    }


def to_jsonl(rows: Iterable[FeedbackRow]) -> str:
    return "".join(json.dumps(record(r), ensure_ascii=False) + "\n" for r in rows)


def to_csv(rows: Iterable[FeedbackRow]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({**record(row), "cited_ids": " ".join(row.cited_ids)})
    return out.getvalue()


def draft_pair(row: FeedbackRow, passages: dict[str, Passage]) -> dict:
    """A "not helpful" row in eval/pairs.yaml's shape, evidence left for a person to find.
    ``passages`` maps passage ids to the indexed passages, to show what was cited; an id the
    index no longer holds is kept as it is."""
    # The day as well as the row number: two bot databases both have a row 1.
    pair_id = f"{DRAFT_ID_PREFIX}{row.created_at[:10].replace('-', '')}-{row.id}"
    cited = []
    for passage_id in row.cited_ids:
        p = passages.get(passage_id)
        if p is None:
            cited.append({"id": passage_id})
            continue
        cited.append({"id": passage_id, "source": p.source, "title": p.title, "page": p.page,
                      "section": p.section, "text": _clean(p.text)})
    return {
        "id": pair_id,
        "split": split_for(pair_id),
        "category": "",
        "question": _clean(row.question),
        "evidence": [],
        "key_facts": [],
        "source": None,
        "comment": _clean(row.comment) or "",
        "answer_given": _clean(row.answer),
        "cited": cited,
        "feedback": {"id": row.id, "created_at": row.created_at},
    }


def to_draft_pairs(rows: Iterable[FeedbackRow], passages: dict[str, Passage]) -> str:
    drafts = [draft_pair(r, passages) for r in rows if r.rating == "not_helpful"]
    body = yaml.safe_dump(drafts, sort_keys=False, allow_unicode=True, width=100) if drafts else "[]\n"
    return DRAFT_HEADER + body


def write_new(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` only when nothing is there: a draft file may hold someone's work."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8") as out:
        out.write(text)
