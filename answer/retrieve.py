"""Hybrid retrieval: dense vectors from the index plus BM25 over the same passages, fused.

Dense search finds paraphrases ("who foots the bill for the phones?"); BM25 finds exact terms
("Lot 2", "HSCN") that a small embedding model blurs. The fusion is a weighted blend of the
BM25 score (scaled by the query's best) and the cosine similarity. On the eval dev split it
put the right passage first clearly more often than reciprocal rank fusion, which throws
away how far apart the scores are and lets a weak dense ranking outvote a clear lexical match.

The BM25 side is built from ``Index.passages()`` and rebuilt whenever the index's active
version changes, so an ingest in another process is picked up on the next question (for a
large corpus, as soon as a background rebuild finishes: see ``Retriever``).
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from functools import cached_property
from itertools import islice
from typing import Optional

import numpy as np

from answer import bm25
from answer.query import Query, names_only
from answer.spelling import Speller
from opmodel.dates import YEAR, periods
from opmodel.errors import IndexCorruptError
from opmodel.index import Index, Snapshot
from opmodel.passage import TABLE_CELL_SEPARATOR, Passage

CANDIDATES = 50  # taken from each side before fusion
DENSE_WEIGHT = 0.85  # cosine's weight next to the lexical score, scaled to 1 for the query's best passage
BM25_K1, BM25_B = 0.8, 0.5  # passages vary from one line to a long list: length counts, but gently
# A question usually targets one sentence, and a long list passage should not lose for being
# long: a passage's lexical score mixes its own BM25 with its best sentence's.
SENTENCE_SHARE = 0.4
# "Back in 2006, ..." / "under the 2013 model": a year in the question points at the documents
# published that year. Small: a nudge between close passages, never a filter.
YEAR_BONUS = 0.1
SOURCE_BONUS = 0.5  # a question citing a source ("according to the LMC") is answered from it first
# A question naming a defined term word for word ("...count as managed GP IT infrastructure?")
# points at its definition, if the term is distinctive: of two words or more and found in few
# passages ("operating model" is defined too, but it is everywhere).
TERM_BONUS = 0.1
TERM_MAX_PASSAGES = 3
# "What is the definition of a practice?", "what does the operating model mean by practice?":
# asked for by name, its definition is the answer however common the term.
DEFINITION_ASKED_MARGIN = 0.01  # over the best fused score: the question names the term it wants defined
_DEFINITION_ASKED = re.compile(
    r"(?:\b(?:definition of|meant by|mean by|means by|meaning of)|^\W*define)\s+(?:an?\s+|the\s+)?(?P<term>[^?.!,;:]+)",
    re.I,
)
# From this many passages, a new index version's lexical side is built in the background
# (about 2 s per 10,000 passages on 2 cores) while the previous version keeps answering.
BACKGROUND_REBUILD_PASSAGES = 20_000
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float  # fused score, higher is better (at most 1 + DENSE_WEIGHT)
    dense: float  # cosine similarity to the query (0 when dense search did not return it)
    lexical: float  # lexical score in [0, 1] (0 when it shares no term with the query)
    dense_rank: Optional[int]  # 1-based, None when not among the dense candidates
    lexical_rank: Optional[int]


@dataclass(frozen=True)
class Corpus:
    """One version of the index as the lexical side sees it."""

    snapshot: Snapshot  # the version it was built from; dense search uses the same one
    passages: tuple[Passage, ...]
    bm25: bm25.BM25  # over passages
    sentences: bm25.BM25  # over single sentences
    sentence_starts: tuple[np.ndarray, np.ndarray]  # passages with sentences, and the row of each one's first
    position: dict[str, int]  # passage id -> row in passages
    terms: dict[tuple[str, ...], tuple[int, ...]]  # distinctive defined term's words -> rows of its definitions
    definitions: dict[tuple[str, ...], tuple[int, ...]]  # every defined term's stemmed words -> its rows
    title_words: dict[str, frozenset[str]]  # document (source) -> the stems of its title

    @classmethod
    def build(cls, snapshot: Snapshot, passages: list[Passage]) -> "Corpus":
        # The innermost heading names what a passage is about ("Lot 2", a defined term); the outer
        # ones repeat over a whole document and would only add noise.
        leaves = [(p.section or "").split(" > ")[-1] for p in passages]
        owner, sentences = [], []
        for row, (p, leaf) in enumerate(zip(passages, leaves)):
            columns = p.column_names if TABLE_CELL_SEPARATOR in p.text else None
            for sentence in p.sentence_texts():
                owner.append(row)
                # A table row is also what its columns name: "... | Practice | Practice" says who
                # funds only through the "Funded by" above it.
                row_of_table = columns and TABLE_CELL_SEPARATOR in sentence and columns not in (leaf, sentence)
                about = f"{leaf} {columns}" if row_of_table else leaf
                sentences.append(bm25.tokens(f"{about} {sentence}") + bm25.definition_tokens(sentence))
        whole = bm25.BM25(
            [bm25.tokens(f"{leaf} {p.text}") + bm25.definition_tokens(p.text) for p, leaf in zip(passages, leaves)],
            k1=BM25_K1, b=BM25_B,
        )
        return cls(
            snapshot=snapshot,
            passages=tuple(passages),
            bm25=whole,
            sentences=bm25.BM25(sentences, k1=BM25_K1, b=BM25_B),
            sentence_starts=_first_rows(owner),
            position={p.id: i for i, p in enumerate(passages)},
            terms=_defined_terms(passages, whole),
            definitions=_all_definitions(passages),
            title_words={src: frozenset(bm25.words(title)) for src, title in {p.source: p.title for p in passages}.items()},
        )

    @cached_property
    def speller(self) -> Speller:
        """Reads a question's typos as this corpus's words. Built on the first question that
        may hold one (2.5 s at 100,000 passages), not with the rest of the corpus."""
        return Speller.from_texts(p.text for p in self.passages)

    @cached_property
    def _longest_term(self) -> int:
        """Words in the longest distinctive term: the longest n-gram of a question worth looking up."""
        return max(map(len, self.terms), default=0)

    @property
    def version(self) -> str:
        return self.snapshot.collection

    def mentions(self, name: str) -> bool:
        """Does any passage hold ``name`` word for word (case aside)? Only the passages holding
        all its words are read."""
        words = list(dict.fromkeys(bm25.words(name)))
        if not words:
            return False
        phrase = re.compile(r"(?<![a-z0-9])" + r"\W+".join(map(re.escape, _plain_words(name))) + r"(?![a-z0-9])")
        return any(phrase.search(self.passages[r].text.lower()) for r in self.bm25.having(words))

    @cached_property
    def _title_periods(self) -> frozenset[tuple[int, int]]:
        """The periods the documents' titles name ("... Operating Model 2019-2021"), read once."""
        return frozenset(period for title in {p.title for p in self.passages} for period in periods(title))

    def names_period(self, period: tuple[int, int]) -> bool:
        """Does any passage or document title name this period, however it is written ("2023/24",
        "2023-24", "2023-2024")? Only the passages holding its first year are read."""
        if period in self._title_periods:
            return True
        return any(period in periods(self.passages[r].text) for r in self.bm25.having([str(period[0])]))

    def asked_definitions(self, question: str) -> tuple[int, ...]:
        """Rows of the definitions of the term a question asks the meaning of, if any."""
        asked = _DEFINITION_ASKED.search(question)
        words = tuple(bm25.words(asked.group("term"))) if asked else ()
        # "... the operating model's definition of a clinical system" ends with its term;
        # "define practice staff for me" may not: the longest defined run from its start counts.
        for n in range(len(words), 0, -1):
            if words[:n] in self.definitions:
                return self.definitions[words[:n]]
        return ()

    def named_definitions(self, question: str) -> list[int]:
        """Rows of the definitions whose distinctive term the question names word for word."""
        words = _plain_words(question)
        longest = self._longest_term
        return [
            row
            for n in range(2, min(longest, len(words)) + 1)
            for i in range(len(words) - n + 1)
            for row in self.terms.get(tuple(words[i : i + n]), ())
        ]

    def lexical(self, concepts, limit: int) -> list[tuple[int, float]]:
        """The ``limit`` best passage rows and their lexical score in [0, 1], best first: a mix of
        the passage's BM25 and its best sentence's, each scaled to its best over the corpus."""
        whole = self.bm25.scores(concepts).astype(np.float64)
        sentence = self.sentences.scores(concepts).astype(np.float64)
        best_sentence = np.zeros_like(whole)
        if sentence.size:
            # Sentences are stored passage by passage, so each passage's best is one reduceat.
            best_sentence[self.sentence_starts[0]] = np.maximum.reduceat(sentence, self.sentence_starts[1])
        combined = (1 - SENTENCE_SHARE) * whole / (whole.max(initial=0.0) or 1.0) + SENTENCE_SHARE * best_sentence / (
            best_sentence.max(initial=0.0) or 1.0
        )
        matched = np.flatnonzero(combined)
        if matched.size > limit:  # everything tied with the limit-th best stays, so ties break by row as before
            cut = np.partition(combined[matched], matched.size - limit)[matched.size - limit]
            matched = matched[combined[matched] >= cut]
        return sorted(((int(row), float(combined[row])) for row in matched), key=lambda item: (-item[1], item[0]))[:limit]


def _defined_terms(passages: list[Passage], lexical: bm25.BM25) -> dict[tuple[str, ...], tuple[int, ...]]:
    """Distinctive terms the chunker filed definitions under ("Definitions > Managed GP IT
    infrastructure"). Only passages holding every word of a term are searched for it as a
    phrase, so a large corpus costs a few postings intersections per term."""
    rows: dict[str, list[int]] = {}
    for row, p in enumerate(passages):
        term = p.defined_term
        if term and len(term.split()) >= 2:
            rows.setdefault(term.lower(), []).append(row)
    out = {}
    for term, found in rows.items():
        holding = lexical.having(list(dict.fromkeys(bm25.words(term))))
        # Count the phrase among them only until it is too common to be distinctive.
        uses = (r for r in holding if term in passages[r].text.lower())
        if holding.size <= TERM_MAX_PASSAGES or len(list(islice(uses, TERM_MAX_PASSAGES + 1))) <= TERM_MAX_PASSAGES:
            out[tuple(_plain_words(term))] = tuple(found)
    return out


def _all_definitions(passages: list[Passage]) -> dict[tuple[str, ...], tuple[int, ...]]:
    rows: dict[tuple[str, ...], list[int]] = {}
    for row, p in enumerate(passages):
        if p.defined_term and (words := tuple(bm25.words(p.defined_term))):
            rows.setdefault(words, []).append(row)
    return {k: tuple(v) for k, v in rows.items()}


def _plain_words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _first_rows(owner: list[int]) -> tuple[np.ndarray, np.ndarray]:
    owners = np.asarray(owner, dtype=np.int64)
    first = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]]) if owners.size else owners
    return owners[first], first


def blend(cosine: dict[str, float], lexical: dict[str, float]) -> dict[str, float]:
    """Lexical score (already scaled to [0, 1]) plus the weighted cosine similarity. A passage
    only one side found gets the other side's floor (0, or the lowest cosine seen)."""
    floor = min(cosine.values(), default=0.0)
    keys = cosine.keys() | lexical.keys()
    return {k: lexical.get(k, 0.0) + DENSE_WEIGHT * cosine.get(k, floor) for k in keys}


@dataclass(frozen=True)
class Retrieval:
    hits: list[Hit]  # best first
    corpus: Corpus  # the version searched, for its vocabulary and term weights
    best_dense: float  # cosine of the nearest passage, whatever its fused rank


class Retriever:
    """Thread-safe: the lexical corpus is swapped whole under a lock, readers keep their copy.

    When another process publishes a new version, a small corpus is rebuilt on the next
    question. A large one (``background_from`` passages or more) takes seconds to tokenise, so
    questions go on being answered from the version before, dense and lexical sides alike,
    while a background thread builds the new one; the index keeps a retired version for its
    grace period, long enough for that.
    """

    def __init__(self, index: Index, background_from: int = BACKGROUND_REBUILD_PASSAGES):
        if background_from < 1:
            raise ValueError(f"background_from must be at least 1, got {background_from}")
        self.index = index
        self.background_from = background_from
        self._lock = threading.Lock()
        self._corpus: Optional[Corpus] = None
        self._building: Optional[str] = None  # the version a background thread is building

    def corpus(self, wait: bool = False) -> Corpus:
        """The lexical corpus to answer from (its ``snapshot`` is the index version it belongs
        to); with ``wait``, always the active version, even if that means building it now."""
        snap = self.index.snapshot()
        current = self._corpus
        if current is not None and current.version == snap.collection:
            return current
        if current is not None and snap.count >= self.background_from and not wait:
            self._build_in_background(snap)
            return current
        with self._lock:
            if self._corpus is None or self._corpus.version != snap.collection:
                self._corpus = Corpus.build(snap, self.index.passages(snap))
            return self._corpus

    def _build_in_background(self, snap: Snapshot) -> None:
        with self._lock:
            if self._building == snap.collection:
                return
            self._building = snap.collection
        threading.Thread(target=self._build, args=(snap,), name="opmodel-lexical-build", daemon=True).start()

    def _build(self, snap: Snapshot) -> None:
        try:
            corpus = Corpus.build(snap, self.index.passages(snap))
            with self._lock:
                self._corpus = corpus
        except Exception:  # the next question starts another attempt
            log.exception("building the lexical index of %s failed", snap.collection)
        finally:
            with self._lock:
                if self._building == snap.collection:
                    self._building = None

    def nearest(self, text: str, corpus: Corpus) -> float:
        """Cosine similarity of ``text`` alone to its nearest passage in ``corpus``'s version."""
        return self.nearest_to(self.index.embedder.embed([text])[0], corpus)

    def nearest_to(self, vector: np.ndarray, corpus: Corpus) -> float:
        found = self.index.nearest_ids(vector, 1, corpus.snapshot)
        return found[0][1] if found else 0.0

    def embed(self, query: Query) -> np.ndarray:
        return self.index.embedder.embed([query.dense_text])[0]

    def search(self, query: Query, k: int = 10, vector: Optional[np.ndarray] = None,
               corpus: Optional[Corpus] = None) -> "Retrieval":
        corpus = corpus or self.corpus()
        vector = self.embed(query) if vector is None else vector
        try:
            nearest = self.index.nearest_ids(vector, CANDIDATES, corpus.snapshot)
        except IndexCorruptError:
            if corpus.version == self.index.snapshot().collection:
                raise
            # The version still answering while its successor builds has been collected
            # (a second ingest came soon after the first): only the active one is left.
            corpus = self.corpus(wait=True)
            nearest = self.index.nearest_ids(vector, CANDIDATES, corpus.snapshot)
        # The lexical corpus holds every passage of the version searched, so Chroma returns ids only.
        dense = [(corpus.passages[corpus.position[pid]], score) for pid, score in nearest if pid in corpus.position]
        # "According to the LMC, ...": the documents titled with the cited source's name get a nudge
        # like a year's, and its name stops counting as a word to look for inside them.
        cited = {src for src, words in corpus.title_words.items() if query.source <= words} if query.source else set()
        concepts = [c for c in query.all_concepts if not names_only(c, query.source)] if cited else query.all_concepts
        lexical = corpus.lexical(concepts, CANDIDATES)

        by_id = {p.id: p for p, _ in dense}
        cosine = {p.id: s for p, s in dense}
        dense_rank = {p.id: r for r, (p, _) in enumerate(dense, start=1)}
        bm = {corpus.passages[i].id: s for i, s in lexical}
        lexical_rank = {corpus.passages[i].id: r for r, (i, _) in enumerate(lexical, start=1)}
        for i, _ in lexical:
            by_id.setdefault(corpus.passages[i].id, corpus.passages[i])

        fused = blend(cosine, bm)
        years = set(YEAR.findall(query.question))
        for pid, passage in by_id.items():
            fused[pid] += YEAR_BONUS * ((passage.published or "")[:4] in years) + SOURCE_BONUS * (passage.source in cited)
        for row in corpus.named_definitions(query.question):
            pid = corpus.passages[row].id
            if pid in fused:
                fused[pid] += TERM_BONUS
        for row in corpus.asked_definitions(query.question):
            pid = corpus.passages[row].id
            by_id.setdefault(pid, corpus.passages[row])
            fused[pid] = max(fused.values(), default=0.0) + DEFINITION_ASKED_MARGIN
        # Equal evidence: prefer current guidance, without hiding historical documents.
        ranked = sorted(fused, key=lambda pid: (-round(fused[pid], 6), by_id[pid].status != "current"))[:k]
        hits = [
            Hit(by_id[pid], fused[pid], cosine.get(pid, 0.0), bm.get(pid, 0.0), dense_rank.get(pid), lexical_rank.get(pid))
            for pid in ranked
        ]
        return Retrieval(hits=hits, corpus=corpus, best_dense=dense[0][1] if dense else 0.0)
