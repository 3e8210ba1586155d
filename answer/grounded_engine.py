"""The answering core with a model-written summary on top (OPMODEL_LLM set): the same ``ask``,
the same answer, plus ``answer.summary`` when the model's sentences were verified."""

from __future__ import annotations

from typing import Sequence

from answer.grounded import Summariser
from answer.types import Answer
from opmodel.patient_data import refuse_patient_data


class GroundedAssistant:
    """Wraps an ``Assistant`` or ``ScoredAssistant``; everything but ``ask`` is the inner one's."""

    def __init__(self, inner, summariser: Summariser):
        self.inner = inner
        self.summariser = summariser

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def ask(self, question: str, history: Sequence[str] = ()) -> Answer:
        # The edges refuse it already; with a model configured, a second check costs nothing.
        refuse_patient_data(question, *history)
        answer = self.inner.ask(question, history)
        if answer.abstained:  # the decline is the core's: the model is never asked
            return answer
        outcome = self.summariser.summarise(answer, history)
        answer.summary = outcome.summary
        answer.elapsed_ms += outcome.elapsed_ms
        return answer
