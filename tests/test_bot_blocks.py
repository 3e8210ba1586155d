"""Block Kit rendering within Slack's limits, whatever the corpus holds."""

from __future__ import annotations

import json
import re

import pytest

from answer.types import Answer, Citation
from bot.blocks import (FALLBACK_LIMIT, MAX_BLOCKS, SECTION_LIMIT, friendly_date, render_answer, thanked,
                        with_classic_feedback)
from opmodel.passage import Passage
from slackfake import payloads
from slackfake.harness import SIGNING_SECRET, bot_settings, fake_slack, start_http_bot  # noqa: F401 (fixtures)

ODD = "Smartcards are issued by an approved NHS Registration Authority <RA> & used for R&D > audit. "


def long_passage(ordinal: int = 0, status: str = "superseded") -> Passage:
    return Passage(source="long.txt", text=ODD * 400, ordinal=ordinal, title="A <very> long & odd title " * 30,
                   status=status, published="2019-07", section="Definitions > " * 60,
                   status_note="Replaced by <something> & newer")


def all_texts(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "text" and isinstance(value, str):
                yield value
            else:
                yield from all_texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from all_texts(item)


def assert_within_slack_limits(message_kwargs: dict) -> None:
    blocks = message_kwargs["blocks"]
    assert 0 < len(blocks) <= MAX_BLOCKS
    assert message_kwargs["text"].strip() and len(message_kwargs["text"]) <= FALLBACK_LIMIT
    for block in blocks:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= SECTION_LIMIT
        for element in block.get("elements", []):
            assert len(element.get("value", "")) <= 2000
            assert len(element.get("text", "") if isinstance(element.get("text"), str) else "") <= SECTION_LIMIT
    for text in all_texts(blocks):
        # Every &, < and > we send is an entity; none is a raw character Slack would parse.
        assert "<RA>" not in text and "<very>" not in text and "<something>" not in text
        assert not re.search(r"&(?!amp;|lt;|gt;)", text), text[:200]


def test_very_long_passages_and_many_citations_stay_within_block_kit_limits():
    citations = [Citation(n=i + 1, passage=long_passage(i), score=1.0 / (i + 1)) for i in range(80)]
    answer = Answer(question="What is a smartcard? " * 80, text=("“" + ODD * 60 + "” [1]\n") * 3, abstained=False,
                    citations=citations, currency_notes=["[1] is from a 2019 document <superseded> & old"] * 30)
    message = render_answer(answer, share=True)
    assert_within_slack_limits(message.as_kwargs())
    assert "more passages were cited" in json.dumps(message.blocks)
    assert [b["type"] for b in message.blocks[-2:]] == ["context_actions", "actions"], "the buttons survive the cut"
    assert_within_slack_limits({"text": message.text, "blocks": thanked(message.blocks, helpful=False)})


def test_a_cited_passage_shows_title_date_section_flag_and_quote():
    passage = Passage(source="x.txt", text="CCGs commission GP IT services.", ordinal=3, title="GPSoC guidance",
                      status="superseded", published="2018-12-11", page=4, section="Funding > Local",
                      status_note="CCGs are now ICBs")
    answer = Answer(question="Who commissions GP IT?", text="“CCGs commission GP IT services.” [1]",
                    abstained=False, citations=[Citation(1, passage, 0.9)])
    blocks = render_answer(answer).blocks
    cited = blocks[2]["text"]["text"]
    assert cited.startswith("*[1]* *GPSoC guidance* · 11 Dec 2018 · p. 4 · _Funding &gt; Local_")
    assert ":warning: *Superseded* — CCGs are now ICBs" in cited
    assert cited.endswith(">CCGs commission GP IT services.")


@pytest.mark.parametrize("published,shown", [("2021-04", "Apr 2021"), ("2006-12-11", "11 Dec 2006"),
                                             ("2018", "2018"), ("spring 2013", "spring 2013"), (None, None)])
def test_dates_read_naturally(published, shown):
    assert friendly_date(published) == shown


def test_a_declined_answer_says_what_it_looked_for_nearest_topics_and_how_to_rephrase():
    nearest = Passage(source="x.txt", text="Practices buy their own phones.", ordinal=0, title="Operating Model",
                      status="current", published="2021-04", section="Telephony")
    answer = Answer(question="Who pays for the car park?", text="The documents don't answer this.", abstained=True,
                    citations=[Citation(1, nearest, 0.1)], reason="weak_evidence",
                    suggestions=["Name the service you mean."])
    message = render_answer(answer)
    shown = json.dumps(message.blocks, ensure_ascii=False)
    assert "What I looked for:* _Who pays for the car park?_" in shown
    assert "Telephony — _Operating Model_ (Apr 2021)" in shown
    assert "Name the service you mean." in shown
    assert "couldn't find" in message.text
    assert "Practices buy their own phones." not in shown, "a near miss is not quoted as if it answered"


def test_a_declined_question_naming_what_no_document_mentions_says_so():
    answer = Answer(question="What does HSCN replace?", text="These documents never mention “HSCN”.", abstained=True,
                    citations=[], reason="weak_evidence", missing=["HSCN"])
    shown = json.dumps(render_answer(answer).blocks, ensure_ascii=False)
    assert ":mag: These documents never mention “HSCN”, so I won't guess." in shown


def test_a_declined_question_naming_a_replaced_body_says_what_replaced_it():
    answer = Answer(question="When did CCGs become ICBs?", text="The documents don't answer this.", abstained=True,
                    citations=[], reason="weak_evidence", currency_notes=["CCGs were replaced by ICBs in July 2022."])
    shown = json.dumps(render_answer(answer).blocks, ensure_ascii=False)
    assert ":information_source: CCGs were replaced by ICBs in July 2022." in shown


def test_a_real_index_holding_a_huge_passage_still_gives_a_valid_message(fake_slack, tmp_path):
    from answer.engine import Assistant
    from opmodel.index import open_index

    settings = bot_settings(fake_slack, tmp_path, index_dir=tmp_path / "odd-index")
    index = open_index(settings)
    others = [Passage(source="other.txt", text=f"Practices buy telephone system number {i} & pay for it.",
                      ordinal=i, title="Other", status="current") for i in range(1, 8)]
    index.publish([long_passage()] + others)
    bot, stop = start_http_bot(Assistant(index, settings), settings)
    try:
        payloads.deliver(bot.url, payloads.mention("What is an NHS smartcard?"), SIGNING_SECRET)
        [post] = fake_slack.api.wait_for("chat.postMessage")
    finally:
        stop()
    assert post.params.get("metadata"), "it was answered, not refused"
    assert_within_slack_limits(post.params)


def test_an_answer_with_a_currency_note_and_a_reading_has_no_gap_where_the_note_was():
    note = "CCGs were replaced by Integrated Care Boards (ICBs) in July 2022."
    passage = Passage(source="g.txt", text="CCGs buy clinical systems.", ordinal=0, title="Guidance", status="superseded")
    answer = Answer(question="Who buys GP clincal systems?", abstained=False,
                    text=f"“CCGs buy clinical systems.” [1]\n\nNote: {note}\n\n(Read “clincal” as “clinical”.)",
                    citations=[Citation(n=1, passage=passage, score=0.9)], currency_notes=[note])
    head = render_answer(answer).blocks[0]["text"]["text"]
    assert head == "“CCGs buy clinical systems.” [1]\n\n(Read “clincal” as “clinical”.)"


def test_a_click_on_an_answer_posted_with_the_old_buttons_keeps_its_share_button():
    legacy = [{"type": "section", "text": {"type": "mrkdwn", "text": "“A.” [1]"}},
              {"type": "actions", "block_id": "opmodel_feedback", "elements": [
                  {"type": "button", "action_id": "feedback_helpful", "value": "{}"},
                  {"type": "button", "action_id": "feedback_not_helpful", "value": "{}"},
                  {"type": "button", "action_id": "share_answer", "value": "{}"}]}]
    blocks = thanked(legacy, helpful=True)
    assert [e["action_id"] for b in blocks for e in b.get("elements", []) if "action_id" in e] == ["share_answer"]
    assert "glad it helped" in json.dumps(blocks)


def test_slack_feedback_buttons_and_their_ordinary_stand_ins_carry_the_same_answer():
    answer = Answer(question="q", text="“A.” [1]", abstained=False,
                    citations=[Citation(1, Passage(source="a", text="A.", ordinal=0, title="T", status="current"), 1)])
    blocks = render_answer(answer, answer_id="abc", share=True).blocks
    [feedback] = [b for b in blocks if b["type"] == "context_actions"]
    [element] = feedback["elements"]
    assert element["type"] == "feedback_buttons"
    assert {json.loads(element[k]["value"])["r"] for k in ("positive_button", "negative_button")} == {"helpful", "not_helpful"}
    assert all(len(element[k]["text"]["text"]) <= 75 and len(element[k]["accessibility_label"]) <= 75
               for k in ("positive_button", "negative_button")), "Slack's limits for these buttons"
    classic = with_classic_feedback(blocks)
    buttons = [e for b in classic if b["type"] == "actions" for e in b["elements"]]
    assert [e["action_id"] for e in buttons] == ["feedback_helpful", "feedback_not_helpful", "share_answer"]
    assert {json.loads(e["value"])["a"] for e in buttons} == {"abc"}
    assert with_classic_feedback(classic) is None, "nothing left to swap"
