"""The same passage in two files is indexed once, under the newest current document holding it.

Users add web copies of pages the corpus already holds; without this the same introduction
was cited three times in one answer. Passages are the same when their text is, once spacing,
case and quote marks are set aside. The one kept belongs to the document a reader should be
sent to: a current one, else a dated one; then the newest; then current before unknown
before superseded before historical; then the first by file name (so the choice is stable).
It records the other files holding it (``Passage.also_in``, with their fingerprints), so that:

* a document whose every passage is held elsewhere is still known to the index, and is not
  re-read at every ingest;
* when the document kept changes or goes, the ingest re-reads the others (see
  ingest.pipeline), and the passage comes back under one of them.

Repeats within one document (a disclaimer on every page) are the document's own business and
are left alone.
"""

from __future__ import annotations

import dataclasses
import re

from opmodel.passage import Passage

_RANK = {"current": 0, "unknown": 1, "superseded": 2, "historical": 3}
_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


def same_text_key(text: str) -> str:
    return " ".join(text.translate(_QUOTES).split()).casefold()


def preference(p: Passage) -> tuple:
    """Sorts the passage a reader should be sent to first: from a current document, else a
    dated one (a saved copy of unknown status tells a reader less than the dated original)."""
    digits = re.sub(r"\D", "", p.published or "")
    newest = -int((digits + "0000")[:8]) if digits else 0
    return (p.status != "current", not digits, newest, _RANK.get(p.status, 9), p.source)


def drop_duplicates(passages: list[Passage], present: set[str], reread: set[str]) -> tuple[list[Passage], int]:
    """(passages with each cross-document repeat kept once, how many were dropped).

    ``present`` are the sources in the index after this ingest, ``reread`` those read afresh
    by it, whose passages are all here (so what an earlier ingest remembered of them is stale)."""
    groups: dict[str, list[Passage]] = {}
    for p in passages:
        groups.setdefault(same_text_key(p.text), []).append(p)
    keep: dict[str, Passage] = {}  # passage id -> the passage to publish in its place
    dropped = 0
    for group in groups.values():
        holders = {p.source for p in group}
        # What earlier ingests recorded of files whose copy was dropped then, still present and
        # not re-read now (a re-read file speaks for itself through its own passage).
        remembered = {s: h for p in group for s, h in p.also_in if s in present and s not in reread and s not in holders}
        if len(holders) == 1 and not remembered and all(not p.also_in for p in group):
            continue
        best = min(group, key=preference)
        others = {p.source: p.doc_hash for p in group if p.source != best.source}
        others.update(remembered)
        others.pop(best.source, None)
        also_in = tuple(sorted(others.items()))
        for p in group:
            if p.source != best.source:
                dropped += 1
                keep[p.id] = None
            elif also_in != p.also_in:
                keep[p.id] = dataclasses.replace(p, also_in=also_in, id="")
    out = []
    for p in passages:
        if p.id in keep:
            if keep[p.id] is not None:
                out.append(keep[p.id])
        else:
            out.append(p)
    return out, dropped
