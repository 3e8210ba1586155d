"""opmodel's retrieval inside your own LangChain chain (LCEL), offline.

Ingests corpus/ into a temporary index, then runs a retrieval chain: OpmodelRetriever gives the
passages opmodel's answer cites (with title, date, status, page, section, score and currency
notes) or nothing when it declines, and a chat model answers from them. LangChain's own fake
chat model stands in here so the example runs anywhere; put yours in its place, e.g.
``init_chat_model("ollama:qwen2.5:7b")``.

    .venv/bin/python examples/langchain_chain.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from langchain_core.documents import Document
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnablePassthrough

from answer.langchain_retriever import OpmodelRetriever
from ingest.pipeline import run_ingest
from opmodel.index import open_index
from opmodel.settings import Settings

REPO = Path(__file__).resolve().parents[1]
QUESTIONS = ["Who pays for the practice phone system?", "What dose of amoxicillin should a child get?"]
PROMPT = ChatPromptTemplate.from_messages([
    ("system", "Answer in one sentence from these passages only, citing them as [n]. "
               "If there are none, say the documents do not answer.\n\n{context}"),
    ("human", "{question}"),
])


def cited(docs: list[Document]) -> str:
    return "\n\n".join(
        f"[{d.metadata['n']}] {d.metadata['title']} ({d.metadata['published'] or 'undated'}, "
        f"{d.metadata['status']}): {d.page_content}" for d in docs) or "(no passages)"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(index_dir=Path(tmp) / "index")
        run_ingest(open_index(settings), [], REPO / "corpus")
        retriever = OpmodelRetriever.from_settings(settings)
        model = FakeListChatModel(responses=["(a chat model's answer from the passages above)"] * len(QUESTIONS))
        chain = {"context": retriever | cited, "question": RunnablePassthrough()} | PROMPT | model | StrOutputParser()
        for question in QUESTIONS:
            docs = retriever.invoke(question)
            print(f"Q: {question}\n{len(docs)} passages")
            for d in docs:
                m = d.metadata
                print(f"  [{m['n']}] {m['title']} · {m['published']} · {m['status']} · score {m['score']}")
            print("A:", chain.invoke(question), "\n")


if __name__ == "__main__":
    main()
