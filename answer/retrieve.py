"""Hybrid retrieval: dense vectors from the index plus BM25 over the same passages, fused by
reciprocal rank fusion.

Dense search finds paraphrases ("who foots the bill for the phones?"); BM25 finds exact terms
("Lot 2", "HSCN") that a small embedding model blurs. RRF needs no score calibration between
the two, which matters because cosine and BM25 scores live on different scales.

The BM25 side is built from ``Index.passages()`` and rebuilt whenever the index's active
version changes, so an ingest in another process is picked up on the next question.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Optional

import numpy as np

from answer import bm25
from answer.query import Query
from opmodel.index import Index, Snapshot
from opmodel.passage import Passage

RRF_K = 60  # the constant from Cormack et al. (2009); damps the gap between the first ranks
CANDIDATES = 20  # taken from each side before fusion
CURRENT_EDITION_BONUS = 0.1  # in RRF units of 1/(RRF_K + rank): a tie-breaker, never a veto


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float  # fused score, higher is better
    dense: float  # cosine similarity to the query (0 when dense search did not return it)
    lexical: float  # BM25 score (0 when it shares no term with the query)
    dense_rank: Optional[int]  # 1-based, None when not among the dense candidates
    lexical_rank: Optional[int]


@dataclass(frozen=True)
class Corpus:
    """One version of the index as the lexical side sees it."""

    version: str
    passages: tuple[Passage, ...]
    bm25: bm25.BM25
    position: dict[str, int]  # passage id -> row in passages

    @classmethod
    def build(cls, version: str, passages: list[Passage]) -> "Corpus":
        texts = [f"{p.section or ''} {p.text}" for p in passages]
        return cls(
            version=version,
            passages=tuple(passages),
            bm25=bm25.BM25([bm25.tokens(t) for t in texts]),
            position={p.id: i for i, p in enumerate(passages)},
        )


def rrf(rankings: list[list[str]], k: int = RRF_K) -> dict[str, float]:
    """Reciprocal rank fusion: each ranking adds 1 / (k + rank) to the items it lists."""
    if k < 0:
        raise ValueError(f"RRF constant must be >= 0, got {k}")
    fused: dict[str, float] = {}
    for ranking in rankings:
        for rank, key in enumerate(ranking, start=1):
            fused[key] = fused.get(key, 0.0) + 1.0 / (k + rank)
    return fused


@dataclass(frozen=True)
class Retrieval:
    hits: list[Hit]  # best first
    corpus: Corpus  # the version searched, for its vocabulary and term weights
    best_dense: float  # cosine of the nearest passage, whatever its fused rank


class Retriever:
    """Thread-safe: the lexical corpus is swapped whole under a lock, readers keep their copy."""

    def __init__(self, index: Index):
        self.index = index
        self._lock = threading.Lock()
        self._corpus: Optional[Corpus] = None

    def corpus(self, snap: Optional[Snapshot] = None) -> Corpus:
        snap = snap or self.index.snapshot()
        current = self._corpus
        if current is not None and current.version == snap.collection:
            return current
        with self._lock:
            if self._corpus is None or self._corpus.version != snap.collection:
                self._corpus = Corpus.build(snap.collection, self.index.passages(snap))
            return self._corpus

    def embed(self, query: Query) -> np.ndarray:
        return self.index.embedder.embed([query.dense_text])[0]

    def search(self, query: Query, k: int = 10, vector: Optional[np.ndarray] = None) -> "Retrieval":
        snap = self.index.snapshot()
        corpus = self.corpus(snap)
        vector = self.embed(query) if vector is None else vector
        dense = self.index.search(vector, CANDIDATES, snap)
        lexical = corpus.bm25.top(query.terms, CANDIDATES)

        by_id = {p.id: p for p, _ in dense}
        cosine = {p.id: s for p, s in dense}
        dense_rank = {p.id: r for r, (p, _) in enumerate(dense, start=1)}
        bm = {corpus.passages[i].id: s for i, s in lexical}
        lexical_rank = {corpus.passages[i].id: r for r, (i, _) in enumerate(lexical, start=1)}
        for i, _ in lexical:
            by_id.setdefault(corpus.passages[i].id, corpus.passages[i])

        fused = rrf([list(dense_rank), list(lexical_rank)])
        for pid, passage in by_id.items():
            if passage.status == "current":
                fused[pid] += CURRENT_EDITION_BONUS / (RRF_K + 1)
        ranked = sorted(fused, key=lambda pid: -fused[pid])[:k]
        hits = [
            Hit(by_id[pid], fused[pid], cosine.get(pid, 0.0), bm.get(pid, 0.0), dense_rank.get(pid), lexical_rank.get(pid))
            for pid in ranked
        ]
        return Retrieval(hits=hits, corpus=corpus, best_dense=dense[0][1] if dense else 0.0)
