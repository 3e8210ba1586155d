"""OpmodelRetriever in LangChain: Documents with citation metadata from a real Chroma index of
the corpus, nothing on a decline (the reason on the run), and an LCEL chain with LangChain's own
fake chat model."""

from __future__ import annotations

import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.documents import Document
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnablePassthrough
from langchain_core.tracers.run_collector import RunCollectorCallbackHandler

from answer.langchain_retriever import DECLINED_EVENT, OpmodelRetriever
from answer_support import corpus_index_dir  # noqa: F401  (fixture)
from opmodel.patient_data import PatientDataError
from opmodel.settings import Settings


@pytest.fixture(scope="module")
def retriever(corpus_index_dir):
    # A model configured in the environment must not be asked: retrieval only.
    return OpmodelRetriever.from_settings(Settings(index_dir=corpus_index_dir, llm="openai:never-called"))


def test_documents_carry_the_citation_metadata(retriever):
    docs = retriever.invoke("Who pays for the practice phone system?")
    assert docs and all(isinstance(d, Document) for d in docs)
    first = docs[0].metadata
    assert {"n", "source", "title", "published", "status", "page", "section", "score", "currency_notes",
            "quoted"} <= set(first)
    assert [d.metadata["n"] for d in docs] == list(range(1, len(docs) + 1))
    assert first["status"] in {"current", "superseded", "historical", "unknown"} and first["title"]
    assert any(d.metadata["quoted"] for d in docs)  # the sentences our answer quotes, found in their passage
    assert all(q in d.page_content for d in docs for q in d.metadata["quoted"])


def test_a_superseded_passage_brings_its_currency_notes(retriever):
    docs = retriever.invoke("What did the CCG have to provide to practices in 2018?")
    noted = [d for d in docs if d.metadata["currency_notes"]]
    assert noted and all(isinstance(n, str) for n in noted[0].metadata["currency_notes"])


def test_a_decline_returns_nothing_with_the_reason_on_the_run(retriever):
    collector = RunCollectorCallbackHandler()
    events = []

    class Events(BaseCallbackHandler):
        def on_custom_event(self, name, data, **kwargs):
            events.append((name, data))

    docs = retriever.invoke("What dose of amoxicillin should a child get?", config={"callbacks": [collector, Events()]})
    assert docs == []
    [run] = collector.traced_runs
    assert run.extra["metadata"]["opmodel_declined"] is True
    assert run.extra["metadata"]["opmodel_reason"] == "out_of_scope"
    assert events and events[0][0] == DECLINED_EVENT and events[0][1]["opmodel_reason"] == "out_of_scope"


def test_an_nhs_number_is_refused_before_retrieval(retriever):
    with pytest.raises(PatientDataError):
        retriever.invoke("Is 943 476 5919 registered with the practice?")


def test_the_retriever_works_in_an_lcel_chain_with_a_fake_chat_model(retriever):
    prompt = ChatPromptTemplate.from_messages([
        ("system", "Answer from these passages only:\n{context}"), ("human", "{question}")])
    model = FakeListChatModel(responses=["The practice pays [1]."])

    def numbered(docs: list[Document]) -> str:
        return "\n".join(f"[{d.metadata['n']}] {d.metadata['title']}: {d.page_content}" for d in docs)

    seen = []

    def remember(value):
        seen.append(value)
        return value

    chain = ({"context": retriever | numbered | remember, "question": RunnablePassthrough()}
             | prompt | model | StrOutputParser())
    assert chain.invoke("Who pays for the practice phone system?") == "The practice pays [1]."
    assert seen[0].startswith("[1] ")
