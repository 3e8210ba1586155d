"""Choosing the quotes: the best candidate leads, a close one from current guidance leads over
old guidance on the same subject, and a second quote must add something."""

from __future__ import annotations

import numpy as np

from answer.quotes import Quote
from answer.scored_compose import pick
from answer.retrieve import Hit
from opmodel.passage import Passage


def _hit(text: str, status: str, source: str) -> Hit:
    passage = Passage(source=source, text=text, ordinal=0, title=source, status=status, published="2020",
                      sentences=((0, len(text)),))
    return Hit(passage, 1.0, 0.5, 0.5, 1, 1)


HITS = [_hit("CCGs fund the clinical system.", "superseded", "old.txt"),
        _hit("The ICB funds the clinical system.", "current", "new.txt")]
WHOLE = ((0, 30),)


def _quote(rank: int, scores) -> Quote:
    return Quote(rank, ((0, len(HITS[rank].passage.text)),), tuple(scores))


def test_current_guidance_leads_over_old_guidance_saying_the_same_thing():
    pool = [_quote(0, (1.0, 1.0)), _quote(1, (1.0, 0.8))]
    lead, second = pick(HITS, pool, np.array([0.9, 0.8]), second_share=0.8)
    assert HITS[lead.passage_rank].passage.status == "current"
    assert HITS[second.passage_rank].passage.status == "superseded"


def test_a_question_about_the_past_keeps_the_old_guidance_first():
    pool = [_quote(0, (1.0, 1.0)), _quote(1, (1.0, 0.8))]
    lead, *_ = pick(HITS, pool, np.array([0.9, 0.8]), second_share=0.8, past=True)
    assert HITS[lead.passage_rank].passage.status == "superseded"


def test_a_far_lower_current_quote_does_not_displace_the_answer():
    pool = [_quote(0, (1.0, 1.0)), _quote(1, (1.0, 0.8))]
    assert pick(HITS, pool, np.array([0.9, 0.2]), second_share=0.8) == [pool[0]]


def test_a_second_quote_must_add_a_concept_the_lead_lacks():
    hits = [_hit("The ICB funds the clinical system.", "current", "a.txt"),
            _hit("The ICB funds the clinical system too.", "current", "b.txt")]
    same = [_quote(0, (1.0, 0.0)), Quote(1, ((0, 38),), (1.0, 0.0))]
    assert pick(hits, same, np.array([0.9, 0.85]), second_share=0.8) == [same[0]]
    adds = [_quote(0, (1.0, 0.0)), Quote(1, ((0, 38),), (0.0, 1.0))]
    assert pick(hits, adds, np.array([0.9, 0.85]), second_share=0.8) == adds
