"""Our retrieval as a LangChain retriever, for teams that build their own chains.

``OpmodelRetriever`` runs the whole answering core (hybrid retrieval, scope, the quoted answer
and its decision to decline) and returns the passages the answer cites as ``Document``s, with
the citation metadata our own answers show: title, date, status, page, section, score and the
currency notes. When the core declines it returns no documents, so a chain never builds an
answer on passages we judged not to answer; the reason is put in the run's metadata (what
tracers such as LangSmith show) and sent as the custom event ``opmodel_declined``.

    retriever = OpmodelRetriever.from_settings(Settings())
    retriever.invoke("Who pays for the practice phone system?")

Needs only langchain-core (a core dependency); never a chat model.
"""

from __future__ import annotations

from typing import Any, Optional

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.callbacks.manager import dispatch_custom_event
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from answer.types import Answer, Citation
from opmodel.patient_data import refuse_patient_data
from opmodel.settings import Settings

DECLINED_EVENT = "opmodel_declined"


def _quoted_from(answer: Answer, citation: Citation) -> list[str]:
    """The answer's quoted sentences found in this passage (a joined quote is split at its “…”)."""
    pieces = [piece for quote in answer.quotes for piece in quote.split(" … ")]
    return [piece for piece in dict.fromkeys(pieces) if piece and piece in citation.passage.text]


def to_document(answer: Answer, citation: Citation) -> Document:
    p = citation.passage
    metadata = {
        "n": citation.n,
        "source": p.source,
        "title": p.title,
        "published": p.published,
        "status": p.status,
        "status_note": p.status_note,
        "page": p.page,
        "section": p.section,
        "score": round(float(citation.score), 4),
        "currency_notes": list(answer.currency_notes),
        "quoted": _quoted_from(answer, citation),
    }
    return Document(page_content=p.text, id=p.id or None, metadata=metadata)


def _record_decline(run_manager: CallbackManagerForRetrieverRun, answer: Answer) -> None:
    why = {"opmodel_declined": True, "opmodel_reason": answer.reason, "opmodel_missing": list(answer.missing),
           "opmodel_decline_text": answer.text}
    for handler in run_manager.handlers:  # a tracer holds this run while it runs: say why on it
        run = getattr(handler, "run_map", {}).get(str(run_manager.run_id))
        if run is not None:
            run.add_metadata(why)
    dispatch_custom_event(DECLINED_EVENT, why, config={"callbacks": run_manager.get_child()})


class OpmodelRetriever(BaseRetriever):
    """The cited passages of opmodel's answer to the query, or none when it declines."""

    assistant: Any  # an answer.engine.Assistant (or anything with ask(question, history) -> Answer)
    history: list[str] = []  # earlier questions, for a follow-up like "and who funds it?"

    @classmethod
    def from_settings(cls, settings: Optional[Settings] = None, **kwargs) -> "OpmodelRetriever":
        from answer.engine import make_assistant
        from opmodel.index import open_index

        # Retrieval only: a configured OPMODEL_LLM is the caller's chain's business, not ours.
        settings = (settings or Settings()).model_copy(update={"llm": None})
        return cls(assistant=make_assistant(open_index(settings, create=False), settings), **kwargs)

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        refuse_patient_data(query, *self.history)  # the chain may send what we return anywhere
        answer = self.assistant.ask(query, self.history)
        if answer.abstained:
            _record_decline(run_manager, answer)
            return []
        return [to_document(answer, c) for c in answer.citations]
