"""The fitted-scorer answerer (OPMODEL_ANSWERER=scorer), called like the default one:

question (read once) -> retrieve (dense + BM25, fused) -> candidate quotes -> score (one fitted
model, answer/weights.json from `opmodel tune`) -> answer with the best candidates, or decline and
show the nearest passages.

Whether to answer: the question checks (answer/scope.py on the question and what was retrieved,
answer/fit.py on the quotes the scorer picked) and the hard gates. Not the scorer's probability
under a fitted threshold: once a third corpus's hard out-of-scope questions were fitted on, the
threshold that declined them all declined 31% of answerable dev questions (session 8), and fitted
for that, the scorer ranked worse on corpora it had not seen (session 9, answer/tune.py).
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

from answer import bm25, features, fit, lexicon, scope, spelling, vocabulary
from answer import scored_compose as compose
from answer.quotes import Quote, sentence_scores, units
from answer.engine import CANDIDATES, EXAMPLE_QUESTIONS, NEAREST_WHEN_DECLINING, REPHRASE_TIP, _decline_text, validate_question
from answer.question import Question, read
from answer.retrieve import Retrieval, Retriever
from answer.scorer import Scorer
from answer.types import Answer
from opmodel.index import Index, open_index
from opmodel.settings import Settings

log = logging.getLogger(__name__)
OFF_TOPIC_DENSE = 0.32  # a decline this far from every passage says what the documents cover, not "unclear"
PASSAGES_READ = 8  # candidates come from this many of the top fused passages
CONTEXT_SHARE = 0.5  # a follow-up's earlier subject counts this much in a quote's lexical match
QUOTE_VECTORS_CACHED = 20_000  # quote embeddings kept (1.5 KB each); the same passages come up again and again
# A corpus this small has its quotable units embedded once in the background, so a question
# only embeds what is new to it (a list's introduction with the item it matched best).
WARM_PASSAGES = 3_000
WARM_BATCH = 16  # small: a question waiting for the embedder waits for one batch at most


@dataclass(frozen=True)
class Candidates:
    """Everything the scorer sees of one question: its candidates and their feature rows."""

    question: Question
    retrieval: Retrieval
    pool: list[Quote]
    rows: np.ndarray
    context: features.Context
    missing: tuple[str, ...]  # names and years the documents never mention, as typed
    # Facts no weight can learn: a year or a period ("2023/24") no document names, a name (a place, an
    # organisation, a product) that neither the documents nor the domain lexicon know.
    unknowable: tuple[str, ...] = ()
    # For the question checks (answer/scope.py): how close a follow-up's own words come to the
    # documents, and the question in the documents' own words ("phones" as "telephony").
    own_dense: Optional[float] = None
    reworded_dense: Optional[float] = None


class ScoredAssistant:
    def __init__(self, index: Index, settings: Optional[Settings] = None, scorer: Optional[Scorer] = None):
        self.index = index
        self.settings = settings or Settings()
        self.retriever = Retriever(index)
        self.scorer = scorer or (Scorer.load(self.settings.weights) if self.settings.weights else Scorer.load())
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._vector_lock = threading.Lock()  # the cache and the embedder, shared with the warm-up thread
        self._warmed: set[str] = set()
        self._stop = threading.Event()
        self._warmers: list[threading.Thread] = []
        self._asked = 0
        atexit.register(self.close)

    def close(self) -> None:
        """Stop the background warm-up; the embedder must not be mid-batch when the process ends."""
        self._stop.set()
        for thread in self._warmers:
            thread.join(timeout=5)

    @classmethod
    def from_settings(cls, settings: Optional[Settings] = None) -> "ScoredAssistant":
        settings = settings or Settings()
        return cls(open_index(settings, create=False), settings)

    def _embed_quotes(self, texts: list[str]) -> np.ndarray:
        with self._vector_lock:
            todo = [t for t in dict.fromkeys(texts) if t not in self._vectors]
            if todo:
                for t, v in zip(todo, self.index.embedder.embed(todo)):
                    self._vectors[t] = v
            for t in texts:
                self._vectors.move_to_end(t)
            found = [self._vectors[t] for t in texts]
            while len(self._vectors) > QUOTE_VECTORS_CACHED:
                self._vectors.popitem(last=False)
        return np.stack(found) if texts else np.zeros((0, 1))

    def warm_up(self, wait: bool = False) -> None:
        """Embed the corpus's quotable units (in the background unless ``wait``), so a question
        only embeds what is new to it. `ask` starts this after its second answer; a long-running
        caller (the bot) starts it as it starts, so its first users find it warm."""
        self._warm_up(self.retriever.corpus())
        if wait:
            for thread in list(self._warmers):
                thread.join()

    def _warm_up(self, corpus) -> None:
        if corpus.version in self._warmed or len(corpus.passages) > WARM_PASSAGES:
            return
        self._warmed.add(corpus.version)
        thread = threading.Thread(target=self._embed_units, args=(corpus.passages,), name="opmodel-quote-vectors",
                                  daemon=True)
        self._warmers.append(thread)
        thread.start()

    def _embed_units(self, passages) -> None:
        texts = []
        for p in passages:
            spans = list(p.sentences) or [(0, len(p.text))]
            found = units(p.text, spans, [(0.0,)] * len(spans), 0, definition=bool(p.defined_term), standalone=True)
            texts += [u.text(p.text) for u in found]
        try:
            for start in range(0, len(texts), WARM_BATCH):
                if self._stop.is_set():
                    return
                self._embed_quotes(texts[start:start + WARM_BATCH])
        except Exception:  # a warm-up that fails only leaves questions to embed their own quotes
            log.exception("embedding the corpus's quotable units in the background failed")

    def candidates(self, question: str, history: Sequence[str] = ()) -> Candidates:
        """Read the question, retrieve, and build and describe every candidate quote."""
        corpus = self.retriever.corpus()
        idf = corpus.bm25.idf

        def correct(text: str):
            known = lambda word: vocabulary.known_word(word, idf)  # noqa: E731
            return corpus.speller.correct(text, known) if spelling.may_hold_typos(text, known) else (text, ())

        q = read(question, history, correct)
        # Besides the query: a follow-up's own words, and the question in the documents' words
        # (everyday "phones" may just not be their "telephony"), for how close each comes. One
        # call to the model: it reads its weights once per call, so three texts cost about one.
        reworded = None if q.follow_up else lexicon.in_the_documents_words(q.text, idf)
        other = q.text if q.follow_up else reworded
        vectors = self.index.embedder.embed([q.query.dense_text, other] if other else [q.query.dense_text])
        retrieval = self.retriever.search(q.query, k=max(CANDIDATES, self.settings.top_k), vector=vectors[0], corpus=corpus)
        nearest = retrieval.best_dense
        second = self.retriever.nearest_to(vectors[1], retrieval.corpus) if other else None
        own_dense, reworded_dense = (second, None) if q.follow_up else (None, second)
        if reworded_dense is not None:
            nearest = max(nearest, reworded_dense)
        hits = retrieval.hits[:PASSAGES_READ]
        concepts = [(c, 1.0) for c in q.query.concepts] + [(c, CONTEXT_SHARE) for c in q.query.context]
        pool: list[Quote] = []
        for rank, hit in enumerate(hits):
            text = hit.passage.text
            spans = list(hit.passage.sentences) or [(0, len(text))]
            scores = [sentence_scores(concepts, idf, text[a:b]) for a, b in spans]
            pool += units(text, spans, scores, rank, definition=bool(hit.passage.defined_term), standalone=True)
        texts = [c.text(hits[c.passage_rank].passage.text) for c in pool]
        dense = self._embed_quotes(texts) @ vectors[0] if pool else np.zeros(0)
        words = set(bm25.words(q.text))
        unknown = vocabulary.unknown_words(q.text, idf)
        strangers = vocabulary.unknown_names(q.text, idf)  # names neither the documents nor the lexicon know
        names = tuple(dict.fromkeys(strangers + vocabulary.absent_acronyms(q.text, corpus)))
        years = [int(p.passage.published[:4]) for p in hits if (p.passage.published or "")[:4].isdigit()]
        ctx = features.Context(
            question=q, hits=hits, idf=idf, nearest=nearest,
            unknown_share=len(unknown) / len(words) if words else 0.0,
            unknown_names=len(names) / len(words) if words else 0.0,
            newest_year=max(years, default=0),
        )
        names_of_subject = features.subject_names(q) or ()
        topic = vocabulary.as_typed(q.text, q.subject_head) if names_of_subject and not any(
            name and all(t in idf for t in name) for name in names_of_subject) else ()
        absent = vocabulary.absent_years(q.years, idf) + vocabulary.absent_periods(q.periods, corpus)
        missing = tuple(dict.fromkeys(names + topic + absent))
        unknowable = absent + strangers
        return Candidates(q, retrieval, pool, features.rows(ctx, pool, dense), ctx, missing, unknowable,
                          own_dense, reworded_dense)

    def ask(self, question: str, history: Sequence[str] = ()) -> Answer:
        started = time.perf_counter()
        typed = validate_question(question)
        found = self.candidates(typed, history)
        q, hits = found.question, found.retrieval.hits
        probs = self.scorer.probabilities(found.rows)
        best = float(probs.max()) if probs.size else 0.0
        # "Is the 2018 LMC guidance still current?" is answered by the catalogue, which knows, when
        # the question names a document found; the quotes only follow it.
        catalogue = q.kind == "currency" and any(
            set(bm25.words(q.text)) & set(bm25.words(h.passage.title)) for h in hits[:self.settings.top_k])
        quotes = compose.pick(hits[:PASSAGES_READ], found.pool, probs, self.scorer.second_share,
                              past=bool(q.years)) if probs.size else []
        verdict = None
        if not quotes or found.unknowable:
            answers = False
        elif catalogue:
            answers = True
        else:
            verdict = scope.judge(q.text, found.retrieval, found.own_dense, found.reworded_dense)
            texts = [c.text(hits[c.passage_rank].passage.text) for c in quotes]
            answers = (verdict.answerable and fit.quotes_answer(q.text, texts)
                       and not fit.names_only_other_years(dict(q.periods), texts[0]))
        if answers:
            composed = compose.compose(q, hits, quotes, self.settings.top_k)
            answer = Answer(question=typed, text=composed.text, abstained=False, citations=composed.citations,
                            currency_notes=composed.notes, quotes=list(composed.quotes), confidence=best)
        else:
            answer = self._decline(typed, q, found, best, verdict)
        if q.fixes:
            readings = "; ".join(f"“{t}” as “{word}”" for t, word in q.fixes)
            answer.text += f"\n\n(Read {readings}.)"
        answer.elapsed_ms = (time.perf_counter() - started) * 1000
        self._asked += 1
        if self._asked > 1:  # a process asking again is a long-running one; a one-shot `ask` never waits for this
            self._warm_up(found.retrieval.corpus)
        return answer

    def _decline(self, typed: str, q: Question, found: Candidates, best: float, verdict=None) -> Answer:
        ctx = found.context
        off_topic = ctx.nearest < OFF_TOPIC_DENSE or (ctx.unknown_share >= 0.5 and not found.missing) or bool(
            verdict and verdict.reason == "out_of_scope")
        reason = "out_of_scope" if off_topic else "weak_evidence"
        nearest = compose.citations(found.retrieval.hits, min(NEAREST_WHEN_DECLINING, self.settings.top_k))
        lineage = [] if off_topic else [s.note for s in lexicon.successions_in(q.text)]
        missing = () if off_topic else found.missing
        return Answer(
            question=typed, text=_decline_text(reason, nearest, lineage, missing), currency_notes=lineage,
            abstained=True, citations=nearest, reason=reason, missing=list(missing), confidence=best,
            suggestions=list(EXAMPLE_QUESTIONS) if off_topic else [REPHRASE_TIP],
        )
