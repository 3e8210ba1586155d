"""Editions of one document: the newer is current, the older superseded by it.

Users add the newest edition of guidance next to the ones they already hold ("... Operating
Model 2019" beside "... Operating Model 2021-2023"), usually without a catalogue entry. Two
documents are editions of one title when their titles are the same once years, year spans
and version numbers are taken out (the title stem) and their dates differ. Then, for each
document whose status no catalogue gives:

* the newest edition is current, unless its own text says it is superseded or withdrawn;
* every older edition is superseded by the newest, whatever its own text once said of itself
  ("Status: current" was true when it was written), and its status note names the newer one.

A document saying it replaces another one held ("It replaces the NHS Wrenmoor CCG GP IT
Operating Model 2019-2021 in full", "This policy supersedes the ...") is its successor whatever
the titles: the one it names is superseded by it, and it is current if it states no status of
its own, as the newest edition is.

A catalogue's status always stands. The pass runs over every document in the index at each
ingest, from what each document says of itself (kept in its provenance), so removing the
newest edition makes the previous one current again.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections import defaultdict
from typing import Optional

from opmodel.passage import Passage

_YEARISH = re.compile(r"\b(?:19|20)\d\d(?:\s*(?:[-–—/]|\bto\b)\s*(?:(?:19|20)?\d\d))?\b")
_VERSION = re.compile(r"\b(?:version|v|issue|edition|ed)\.?\s*\d+(?:\.\d+)*\b|\b(?:first|second|third|fourth|fifth|revised|updated|new)\s+edition\b", re.I)
_NOT_WORDS = re.compile(r"[^\w]+")
_FILLER = frozenset("the a an of for and in to".split())
_REPLACES = re.compile(r"\b(?:[Tt]his(?: [\w-]+){1,3}|It) (?:replaces|supersedes|has replaced|has superseded) "
                       r"(?:the )?(?P<name>[A-Z0-9][^.;:()\n]{3,200})")
MIN_NAMED_WORDS = 3  # a title this short ("the policy") names no one document


def title_stem(title: str) -> str:
    """"Securing Excellence in GP IT Services: Operating Model 2021-2023 (version 2)" ->
    "securing excellence gp it services operating model"."""
    text = _VERSION.sub(" ", _YEARISH.sub(" ", title))
    words = [w for w in _NOT_WORDS.sub(" ", text.lower()).split() if w not in _FILLER]
    return " ".join(words)


@dataclasses.dataclass(eq=False)
class _Doc:
    source: str
    title: str
    published: Optional[str]
    status: str  # as the document or its catalogue gave it, before this pass
    status_note: Optional[str]
    provenance: dict


def apply_editions(passages: list[Passage]) -> list[Passage]:
    """``passages`` with each document's status set by its editions, as described above."""
    docs = _documents(passages)
    decided: dict[str, tuple[str, Optional[str]]] = {}
    groups: dict[str, list[_Doc]] = defaultdict(list)
    for doc in docs.values():
        stem = title_stem(doc.title)
        if stem and doc.published:
            groups[stem].append(doc)
    for group in groups.values():
        if len({d.published for d in group}) < 2:
            continue  # one date: copies of one edition, not editions (see ingest.duplicates)
        group.sort(key=lambda d: _sortable(d.published), reverse=True)
        newest = group[0]
        for doc in group:
            if doc.provenance.get("status", "catalogue") == "catalogue":
                continue  # the catalogue's word stands (and a passage from before provenance was kept has no other)
            if doc is newest or doc.published == newest.published:
                if doc.status not in ("superseded", "historical"):
                    decided[doc.source] = ("current", _newest_note(group, doc))
            else:
                decided[doc.source] = ("superseded", f"Superseded by a newer edition: “{newest.title}” ({newest.published}).")
    for old, new in _replaced(passages, docs).items():
        if old.provenance.get("status", "catalogue") != "catalogue":
            decided[old.source] = ("superseded", f"Superseded by “{new.title}” ({new.published or 'date not stated'}), "
                                                 "which says it replaces it.")
        if new.provenance.get("status", "catalogue") != "catalogue" and new.status == "unknown" \
                and decided.get(new.source, ("",))[0] != "superseded":
            decided[new.source] = ("current", f"It replaces “{old.title}” ({old.published or 'date not stated'}).")
    out = []
    for p in passages:
        doc = docs[p.source]
        status, note = decided.get(p.source, (doc.status, doc.status_note))
        provenance = dict(doc.provenance)
        if p.source in decided:
            provenance.update(status="edition", stated_status=doc.status, stated_note=doc.status_note,
                              stated_origin=doc.provenance.get("status", "default"))
        text = json.dumps(provenance, sort_keys=True) if provenance else p.provenance
        if (status, note, text) != (p.status, p.status_note, p.provenance):
            p = dataclasses.replace(p, status=status, status_note=note, provenance=text, id="")
        out.append(p)
    return out


def _words(text: str) -> list[str]:
    return _NOT_WORDS.sub(" ", text.lower()).split()


def _replaced(passages: list[Passage], docs: dict[str, _Doc]) -> dict[_Doc, _Doc]:
    """Each document another one says it replaces, and that one: the name it gives starts
    with the replaced document's title, and the replacing one is not the older."""
    titles = {source: _words(doc.title) for source, doc in docs.items()}
    found: dict[_Doc, _Doc] = {}
    for p in passages:
        if "replace" not in p.text and "supersede" not in p.text:
            continue
        for match in _REPLACES.finditer(p.text):
            named = _words(match.group("name"))
            for source, title in titles.items():
                old, new = docs[source], docs[p.source]
                if source == p.source or len(title) < MIN_NAMED_WORDS or named[: len(title)] != title:
                    continue
                if old.published and new.published and _sortable(new.published) < _sortable(old.published):
                    continue
                found[old] = new
    return found


def _sortable(published: str) -> str:
    return (published + "-00-00")[:10]


def _newest_note(group: list[_Doc], doc: _Doc) -> Optional[str]:
    older = [d for d in group if d.published != doc.published]
    return f"The newest edition held; it replaces “{older[0].title}” ({older[0].published})." if older else None


def _documents(passages: list[Passage]) -> dict[str, _Doc]:
    """Each document's description as it stood before any edition pass."""
    docs: dict[str, _Doc] = {}
    for p in passages:
        if p.source in docs:
            continue
        provenance = json.loads(p.provenance) if p.provenance else {}
        status, note = p.status, p.status_note
        if provenance.get("status") == "edition":  # undo an earlier pass: start from what was stated
            status, note = provenance.pop("stated_status"), provenance.pop("stated_note", None)
            provenance["status"] = provenance.pop("stated_origin", "default")
        docs[p.source] = _Doc(p.source, p.title, p.published, status, note, provenance)
    return docs
