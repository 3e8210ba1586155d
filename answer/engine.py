"""The answering core that the CLI, the Slack bot and the eval all call the same way:

    assistant = Assistant.from_settings(Settings())
    answer = assistant.ask("Who pays for the practice phone system?", history=[...])

It reads top to bottom as the pipeline it is:
question (read once) -> retrieve (dense + BM25, fused) -> candidate quotes -> score (one fitted
model) -> answer with the best candidates, or decline and show the nearest passages.
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

from answer import bm25, compose, features, lexicon, spelling, vocabulary
from answer.candidates import Quote, candidates, sentence_scores
from answer.question import Question, read
from answer.retrieve import Retrieval, Retriever
from answer.scorer import Scorer
from answer.types import Answer, Citation
from opmodel.errors import QuestionError
from opmodel.index import Index, open_index
from opmodel.settings import MAX_QUESTION_CHARS, Settings

log = logging.getLogger(__name__)
CANDIDATES = 10  # hits fused and read before the top_k are cited
NEAREST_WHEN_DECLINING = 3

REPHRASE_TIP = (
    "Try naming the service or system (for example clinical system, telephony, Registration Authority, "
    "smartcards, IT equipment) and the body you mean (practice, ICB/CCG, NHS England)."
)
# An off-topic question gains nothing from rephrasing advice: say what the documents are
# about and show the kind of question they answer.
COVERAGE = (
    "These documents cover GP IT and digital services for general practice in England: who provides, "
    "funds and manages them (practice, ICB/CCG, NHS England), clinical systems and GP IT Futures/GPSoC, "
    "telephony, IT equipment, Registration Authority and smartcards, and how these arrangements changed since 2006."
)
EXAMPLE_QUESTIONS = (
    "Who pays for the practice phone system?",
    "Can a practice choose its own clinical system?",
    "What replaced GPSoC?",
)


def validate_question(text: object) -> str:
    """The question stripped of surrounding whitespace, or QuestionError saying what is wrong."""
    if not isinstance(text, str):
        raise QuestionError(f"the question must be text, got {type(text).__name__}")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes smuggled in as surrogates (e.g. from argv)
        raise QuestionError("the question is not valid UTF-8 text") from None
    stripped = text.strip()
    if not stripped:
        raise QuestionError("the question is empty: type a question, e.g. \"Who pays for the practice phone system?\"")
    if len(stripped) > MAX_QUESTION_CHARS:
        raise QuestionError(
            f"the question is {len(stripped):,} characters long; the limit is {MAX_QUESTION_CHARS:,}. "
            "Ask about one thing at a time."
        )
    return stripped


# Said when declining a question that names a body since replaced ("When did CCGs become ICBs?"):
# the documents may not say, but the reader should not leave thinking the old body still exists.
LINEAGE_LEAD = "What opmodel knows of the NHS reorganisations (not a quote from these documents):"


def _decline_text(reason: str, nearest: list[Citation], lineage: list[str] = (), missing: Sequence[str] = ()) -> str:
    if reason == "out_of_scope":
        examples = "\n".join(f"  • {q}" for q in EXAMPLE_QUESTIONS)
        return (f"I can't answer that from these documents: it is outside what they cover.\n{COVERAGE}\n"
                f"For example, you could ask:\n{examples}")
    if missing:  # "What does HSCN replace?": say what they lack, not that they are unclear
        named = " or ".join(f"“{m}”" for m in missing)
        lines = [f"These documents never mention {named}, so I can't quote an answer."]
    else:
        lines = ["The documents don't answer this clearly enough for me to quote an answer."]
    if nearest:
        places = "; ".join(
            f"[{c.n}] {c.passage.section or c.passage.title}" for c in nearest
        )
        lines.append(f"Closest passages: {places}.")
    if lineage:
        lines.append(" ".join([LINEAGE_LEAD, *lineage]))
    lines.append(REPHRASE_TIP)
    return "\n".join(lines)


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
    # Facts no weight can learn: a year outside every document's period, a name (a place, an
    # organisation, a product) that neither the documents nor the domain lexicon know.
    unknowable: tuple[str, ...] = ()


class Assistant:
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
        atexit.register(self.close)

    def close(self) -> None:
        """Stop the background warm-up; the embedder must not be mid-batch when the process ends."""
        self._stop.set()
        for thread in self._warmers:
            thread.join(timeout=5)

    @classmethod
    def from_settings(cls, settings: Optional[Settings] = None) -> "Assistant":
        settings = settings or Settings()
        return cls(open_index(settings), settings)

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
        only embeds what is new to it. `ask` starts this after its first answer; a long-running
        caller that wants every question warm from the start waits for it once."""
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
            units = candidates(p.text, spans, [(0.0,)] * len(spans), 0, definition=bool(p.defined_term))
            texts += [u.text(p.text) for u in units]
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
        vector = self.retriever.embed(q.query)
        retrieval = self.retriever.search(q.query, k=max(CANDIDATES, self.settings.top_k), vector=vector, corpus=corpus,
                                          defined_term=q.defined_term)
        nearest = retrieval.best_dense
        if not q.follow_up and (reworded := lexicon.in_the_documents_words(q.text, idf)):
            # Everyday words ("phones") may just not be the documents' ("telephony").
            nearest = max(nearest, self.retriever.nearest(reworded, retrieval.corpus))
        hits = retrieval.hits[:PASSAGES_READ]
        concepts = [(c, 1.0) for c in q.query.concepts] + [(c, CONTEXT_SHARE) for c in q.query.context]
        pool: list[Quote] = []
        for rank, hit in enumerate(hits):
            text = hit.passage.text
            spans = list(hit.passage.sentences) or [(0, len(text))]
            scores = [sentence_scores(concepts, idf, text[a:b]) for a, b in spans]
            pool += candidates(text, spans, scores, rank, definition=bool(hit.passage.defined_term))
        texts = [c.text(hits[c.passage_rank].passage.text) for c in pool]
        dense = self._embed_quotes(texts) @ vector if pool else np.zeros(0)
        words = set(bm25.words(q.text))
        unknown = vocabulary.unknown_words(q.text, idf)
        names = tuple(dict.fromkeys(vocabulary.unknown_names(q.text, idf) + vocabulary.absent_acronyms(q.text, corpus)))
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
        missing = tuple(dict.fromkeys(names + topic + vocabulary.absent_years(q.years, idf)))
        unknowable = vocabulary.absent_years(q.years, idf) + vocabulary.unknown_names(q.text, idf)
        return Candidates(q, retrieval, pool, features.rows(ctx, pool, dense), ctx, missing, unknowable)

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
        if probs.size and (best >= self.scorer.threshold or catalogue) and not found.unknowable:
            quotes = compose.pick(hits[:PASSAGES_READ], found.pool, probs, self.scorer.second_share, past=bool(q.years))
            composed = compose.compose(q, hits, quotes, self.settings.top_k)
            answer = Answer(question=typed, text=composed.text, abstained=False, citations=composed.citations,
                            currency_notes=composed.notes, quotes=list(composed.quotes), confidence=best)
        else:
            answer = self._decline(typed, q, found, best)
        if q.fixes:
            readings = "; ".join(f"“{t}” as “{word}”" for t, word in q.fixes)
            answer.text += f"\n\n(Read {readings}.)"
        answer.elapsed_ms = (time.perf_counter() - started) * 1000
        self._warm_up(found.retrieval.corpus)  # after the first answer, so a one-shot `ask` is not slowed
        return answer

    def _decline(self, typed: str, q: Question, found: Candidates, best: float) -> Answer:
        ctx = found.context
        off_topic = ctx.nearest < OFF_TOPIC_DENSE or (ctx.unknown_share >= 0.5 and not found.missing)
        reason = "out_of_scope" if off_topic else "weak_evidence"
        nearest = compose.citations(found.retrieval.hits, min(NEAREST_WHEN_DECLINING, self.settings.top_k))
        lineage = [] if off_topic else [s.note for s in lexicon.successions_in(q.text)]
        missing = () if off_topic else found.missing
        return Answer(
            question=typed, text=_decline_text(reason, nearest, lineage, missing), currency_notes=lineage,
            abstained=True, citations=nearest, reason=reason, missing=list(missing), confidence=best,
            suggestions=list(EXAMPLE_QUESTIONS) if off_topic else [REPHRASE_TIP],
        )
