"""What the answering core returns to every caller: the CLI, the Slack bot and the eval."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from opmodel.passage import Passage


@dataclass(frozen=True)
class Citation:
    n: int  # the marker number used in the answer text, [n]
    passage: Passage
    score: float

    def to_json(self) -> dict:
        p = self.passage
        return {
            "n": self.n,
            "source": p.source,
            "title": p.title,
            "published": p.published,
            "status": p.status,
            "page": p.page,
            "section": p.section,
            "url": p.url,
            "text": p.text,
            "score": round(float(self.score), 4),
        }


@dataclass(frozen=True)
class VerifiedQuote:
    n: int  # the cited passage it was found in, [n]
    text: str  # the passage's own words, as found there


@dataclass(frozen=True)
class SummarySentence:
    text: str  # the model's words, without markers
    quotes: tuple[VerifiedQuote, ...]  # at least one: a sentence no quote bears out is never kept

    @property
    def markers(self) -> tuple[int, ...]:
        return tuple(dict.fromkeys(q.n for q in self.quotes))

    def to_json(self) -> dict:
        return {"text": self.text, "citations": list(self.markers),
                "quotes": [{"n": q.n, "text": q.text} for q in self.quotes]}


@dataclass(frozen=True)
class Summary:
    """A language model's plain-words answer (answer/grounded.py), shown above the quotes and
    marked as a summary: each sentence rests on words verified verbatim in a cited passage."""

    model: str  # OPMODEL_LLM, named wherever the summary is shown
    sentences: tuple[SummarySentence, ...]

    def to_json(self) -> dict:
        return {"model": self.model, "sentences": [s.to_json() for s in self.sentences]}


@dataclass
class Answer:
    question: str
    text: str  # the direct answer, every statement marked [n]
    abstained: bool
    citations: list[Citation] = field(default_factory=list)  # rank order, at most 5
    currency_notes: list[str] = field(default_factory=list)  # "this 2018 text says CCG; now ICB"
    reason: Optional[str] = None  # when abstained: "out_of_scope" or "weak_evidence"
    suggestions: list[str] = field(default_factory=list)  # how to rephrase, nearest topics
    missing: list[str] = field(default_factory=list)  # when declined: what it names that no document mentions
    quotes: list[str] = field(default_factory=list)  # the quoted text alone, lead first (empty when declined)
    confidence: Optional[float] = None  # the fitted scorer's probability that the lead answers (None: the rules)
    elapsed_ms: float = 0.0
    summary: Optional[Summary] = None  # only with OPMODEL_LLM set, and only over verified quotes


    def to_json(self) -> dict:
        """The `opmodel ask --json` contract (one object per line)."""
        data = {
            "question": self.question,
            "answer": self.text,
            "abstained": self.abstained,
            "citations": [c.to_json() for c in self.citations],
            "elapsed_ms": round(self.elapsed_ms, 2),
        }
        if self.summary:
            data["summary"] = self.summary.to_json()
        return data
