"""The baseline to beat: the LangChain RAG tutorial's retrieval, unchanged.

RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200) over the raw corpus files
(TextLoader's text; a PDF as PyPDFLoader gives it, one document per page of pypdf's text),
the same all-MiniLM-L6-v2 vectors our index uses, a Chroma vector store and
``similarity_search(question, k=4)``. No hybrid ranking, no acronyms, no conversation memory
(a follow-up is searched on its own words), no abstention. It is built in a folder of its own
so it never touches the product's index.
"""

from __future__ import annotations

import time
from pathlib import Path

from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
# Here, not where they are used: importing this module is how the runner learns whether the
# [eval] extra is installed, before any slow work.
from langchain_chroma import Chroma
from langchain_text_splitters import RecursiveCharacterTextSplitter

from eval.textmatch import corpus_files
from opmodel.embedding import Embedder

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200
TOP_K = 4
COLLECTION = "langchain-baseline"


class LangChainEmbeddings(Embeddings):
    """Any opmodel embedder behind LangChain's Embeddings interface: the baseline and the
    product then differ only in what they do with the same vectors."""

    def __init__(self, embedder: Embedder):
        self._embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._embedder.embed(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self._embedder.embed([text])[0].tolist()


def load_documents(corpus_dir: Path) -> list[Document]:
    """What the tutorial's loaders give: a text file's raw text (TextLoader), a PDF's pages as
    pypdf extracts them, one document each (PyPDFLoader's default mode, which is this same
    call), with no header, footer or hyphenation clean-up. Source names are the ingest's."""
    documents = []
    for source, path in corpus_files(corpus_dir):
        if path.suffix.lower() == ".pdf":
            from pypdf import PdfReader

            for number, page in enumerate(PdfReader(str(path)).pages):
                documents.append(Document(page_content=page.extract_text(), metadata={"source": source, "page": number}))
        else:
            documents.append(Document(page_content=path.read_text(encoding="utf-8"), metadata={"source": source}))
    return documents


class Baseline:
    def __init__(self, store):
        self._store = store

    @classmethod
    def build(cls, corpus_dir: Path, workdir: Path, embedder: Embedder) -> "Baseline":
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
        chunks = splitter.split_documents(load_documents(corpus_dir))
        client = chromadb.PersistentClient(path=str(workdir), settings=ChromaSettings(anonymized_telemetry=False))
        store = Chroma.from_documents(
            chunks, embedding=LangChainEmbeddings(embedder), client=client, collection_name=COLLECTION
        )
        return cls(store)

    def search(self, question: str) -> tuple[list[str], float]:
        """The top chunks' texts, best first, and the milliseconds the search took."""
        started = time.perf_counter()
        docs = self._store.similarity_search(question, k=TOP_K)
        return [d.page_content for d in docs], (time.perf_counter() - started) * 1000
