"""The answering core that the CLI, the Slack bot and the eval all call the same way:

    assistant = Assistant.from_settings(Settings())
    answer = assistant.ask("Who pays for the practice phone system?", history=[...])

retrieve (hybrid dense + BM25) -> judge scope -> compose a quoted answer or decline.
"""

from __future__ import annotations

import time
from typing import Optional, Sequence

from answer import compose, conversation, fit, lexicon, scope, spelling
from answer.retrieve import Retriever
from answer.types import Answer, Citation
from opmodel.errors import QuestionError
from opmodel.index import Index, open_index
from opmodel.settings import MAX_QUESTION_CHARS, Settings

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


class Assistant:
    def __init__(self, index: Index, settings: Optional[Settings] = None):
        self.index = index
        self.settings = settings or Settings()
        self.retriever = Retriever(index)

    @classmethod
    def from_settings(cls, settings: Optional[Settings] = None):
        """The answerer the settings name (OPMODEL_ANSWERER): these rules, or the fitted scorer."""
        settings = settings or Settings()
        return make_assistant(open_index(settings, create=False), settings)

    def ask(self, question: str, history: Sequence[str] = ()) -> Answer:
        started = time.perf_counter()
        question = validate_question(question)
        corpus = self.retriever.corpus()

        def known(word: str) -> bool:
            return scope.known_word(word, corpus.bm25.idf)

        def read(text: str) -> tuple[str, tuple[tuple[str, str], ...]]:
            return corpus.speller.correct(text, known) if spelling.may_hold_typos(text, known) else (text, ())

        asked, fixes = read(question)
        # A follow-up takes its subject from the earlier questions, so their typos are read too.
        earlier = [read(h.strip())[0] for h in history if isinstance(h, str) and h.strip()]
        query = conversation.contextual_query(asked, earlier)
        retrieval = self.retriever.search(query, k=max(CANDIDATES, self.settings.top_k), corpus=corpus)
        own_dense = self.retriever.nearest(asked, retrieval.corpus) if query.context else None
        reworded_dense = None
        if retrieval.best_dense < scope.MIN_DENSE and not query.context:
            # Too far in the user's words; everyday words ("phones") may just not be the documents'.
            reworded = lexicon.in_the_documents_words(asked, retrieval.corpus.bm25.idf)
            reworded_dense = self.retriever.nearest(reworded, retrieval.corpus) if reworded else None
        verdict = scope.judge(asked, retrieval, own_dense, reworded_dense)
        reason = verdict.reason
        if verdict.answerable:
            composed = compose.compose(query, retrieval.hits, retrieval.corpus.bm25.idf, self.settings.top_k)
            if fit.quotes_answer(asked, composed.quotes):
                answer = Answer(question=question, text=composed.text, abstained=False,
                                citations=composed.citations, currency_notes=composed.notes,
                                quotes=list(composed.quotes))
            else:
                reason = "weak_evidence"
        if reason:
            nearest = compose.citations(retrieval.hits, min(NEAREST_WHEN_DECLINING, self.settings.top_k))
            lineage = [] if reason == "out_of_scope" else [s.note for s in lexicon.successions_in(asked)]
            missing = () if verdict.answerable else verdict.missing  # not when only the quotes fell short
            answer = Answer(
                question=question,
                text=_decline_text(reason, nearest, lineage, missing),
                currency_notes=lineage,
                abstained=True,
                citations=nearest,
                reason=reason,
                missing=list(missing),
                suggestions=list(EXAMPLE_QUESTIONS) if reason == "out_of_scope" else [REPHRASE_TIP],
            )
        if fixes:
            readings = "; ".join(f"“{typed}” as “{word}”" for typed, word in fixes)
            answer.text += f"\n\n(Read {readings}.)"
        answer.elapsed_ms = (time.perf_counter() - started) * 1000
        return answer


def make_assistant(index: Index, settings: Settings):
    """``Assistant`` (the rules, the default) or ``ScoredAssistant`` (OPMODEL_ANSWERER=scorer),
    with a verified model summary on top when OPMODEL_LLM names a model."""
    if settings.answerer == "scorer":
        from answer.scored_engine import ScoredAssistant

        assistant = ScoredAssistant(index, settings)
    else:
        assistant = Assistant(index, settings)
    if not settings.llm:
        return assistant
    from answer.grounded import Summariser
    from answer.grounded_engine import GroundedAssistant

    return GroundedAssistant(assistant, Summariser(settings))
