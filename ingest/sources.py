"""What `opmodel sources` says of each indexed document: its title, date and status, and
where each came from, so an operator can see in one look what to put right in metadata.yaml.

The origins are those ingest.describe records: "catalogue" (metadata.yaml), "text" (the
document's own words), "pdf" (the PDF's metadata), "file name", "edition" (set because a
newer or older edition is indexed, see ingest.editions) and "default" (nothing said).
This is operator output: it is the one place, with `opmodel ingest`, that talks of metadata.yaml.
"""

from __future__ import annotations

import json
import textwrap
from typing import Iterable

from opmodel.passage import Passage

_FLAG = {"current": "current", "superseded": "SUPERSEDED", "historical": "HISTORICAL", "unknown": "status not stated"}
_SAID = {"catalogue": "metadata.yaml", "text": "its text", "pdf": "PDF metadata", "file name": "file name",
         "edition": "editions", "default": "not stated"}


def source_rows(passages: list[Passage]) -> list[dict]:
    """One row per document, newest first. ``duplicates_cited_from`` names the documents its
    passages are indexed under when they are also there (see ingest.duplicates); a document
    all of whose passages are elsewhere has a row with no title of its own."""
    rows: dict[str, dict] = {}
    cited_from: dict[str, dict[str, int]] = {}
    for p in passages:
        provenance = json.loads(p.provenance) if p.provenance else {}
        row = rows.setdefault(p.source, {
            "source": p.source, "title": p.title, "published": p.published, "status": p.status,
            "status_note": p.status_note, "edition": provenance.get("edition"), "url": p.url,
            "origins": {name: provenance.get(name, "catalogue") for name in ("title", "published", "status")},
            "passages": 0,
        })
        row["passages"] += 1
        for other, _ in p.also_in:
            counts = cited_from.setdefault(other, {})
            counts[p.source] = counts.get(p.source, 0) + 1
    for source, counts in cited_from.items():
        row = rows.setdefault(source, {"source": source, "title": None, "published": None, "status": None,
                                       "status_note": None, "edition": None, "url": None, "origins": {},
                                       "passages": 0})
        row["duplicates_cited_from"] = dict(sorted(counts.items()))
    for row in rows.values():
        row.setdefault("duplicates_cited_from", {})
    return sorted(rows.values(), key=lambda r: (r["published"] or "", r["source"]), reverse=True)


def render_rows(rows: list[dict], cols: int = 100) -> str:
    blocks = []
    for r in rows:
        elsewhere = ", ".join(f"{n} in {source}" for source, n in r["duplicates_cited_from"].items())
        if r["title"] is None:
            blocks.append(f"{r['source']}\n  every passage is also in another file and cited from there ({elsewhere})")
            continue
        o = r["origins"]
        title = textwrap.fill(r["title"], cols, subsequent_indent="  ")
        when = r["published"] or "date not stated"
        edition = f" · edition {r['edition']}" if r["edition"] else ""
        lines = [title, f"  {when} · {_FLAG.get(r['status'], r['status'])}{edition} · {r['passages']} passages · {r['source']}",
                 f"  from: title {_SAID[o['title']]}, date {_SAID[o['published']]}, status {_SAID[o['status']]}"]
        if r["status_note"] and o.get("status") != "catalogue" and not r["status_note"].lower().startswith("status"):
            lines.append(textwrap.fill(f"status: {r['status_note']}", cols, initial_indent="  ", subsequent_indent="    "))
        if r["url"]:
            lines.append(f"  online: {r['url']}")
        if elsewhere:
            lines.append(f"  also holds passages indexed once under another file: {elsewhere}")
        blocks.append("\n".join(lines))
    documents = len(rows)
    total = sum(r["passages"] for r in rows)
    blocks.append(f"{documents} documents, {total} passages")
    guessed = [r["source"] for r in rows if r["title"] is not None and "catalogue" not in r["origins"].values()]
    if guessed:
        blocks.append(f"{len(guessed)} not in any metadata.yaml: described from their own text above; "
                      "add an entry to correct a title, date or status.")
    return "\n\n".join(blocks)
