"""The compact answer: the answer, one line per quoted passage with only its quoted sentence(s),
the currency notes in one context line, and "Show passages" for the rest, through the real
app over HTTP (in a thread, or privately for /opmodel). Also its measured length."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

import yaml

from answer.types import Answer, Citation
from bot.blocks import MAX_BLOCKS, SECTION_LIMIT, render_answer
from opmodel.passage import Passage
from slackfake import payloads
from slackfake.harness import (  # noqa: F401 (fixtures)
    SIGNING_SECRET, REPO, bot_assistant, fake_slack, http_bot,
)
from test_bot_blocks import assert_within_slack_limits, long_passage
from test_bot_http import settle

QUESTION = "Who pays for the practice phone system?"
TARGET_MEDIAN_CHARS = 1200


def deliver(bot, payload, **kwargs):
    return payloads.deliver(bot.url, payload, SIGNING_SECRET, **kwargs)


def shown_text(blocks) -> int:
    """Characters of text a reader sees in a message's blocks (buttons' labels included)."""
    total = 0

    def walk(node):
        nonlocal total
        if isinstance(node, dict):
            if node.get("type") in ("mrkdwn", "plain_text") and isinstance(node.get("text"), str):
                total += len(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(blocks)
    return total


def show_button(blocks) -> dict:
    [found] = [b["accessory"] for b in blocks if b.get("accessory", {}).get("action_id") == "show_passages"]
    return found


def passage(text: str, n: int, **kw) -> Citation:
    fields = dict(source="x.txt", text=text, ordinal=n, title=f"Doc {n}", status="current", published="2021-04")
    fields.update(kw)
    return Citation(n=n, passage=Passage(**fields), score=0.5)


def test_only_the_quoted_sentences_are_shown_and_unquoted_passages_are_counted():
    whole = "GP telephony remains a practice responsibility. " + "Unrelated padding about servers. " * 30
    answer = Answer(question=QUESTION, abstained=False, text="“GP telephony remains a practice responsibility.” [1]",
                    citations=[passage(whole, 1, page=7, section="Telephony"), passage("Other text.", 2),
                               passage("More text.", 3)],
                    quotes=["GP telephony remains a practice responsibility."])
    message = render_answer(answer, answer_id="a1")
    shown = json.dumps(message.blocks, ensure_ascii=False)
    assert "Unrelated padding" not in shown, "not the whole passage"
    sections = [b["text"]["text"] for b in message.blocks if b["type"] == "section"]
    assert "*[1]* *Doc 1* · Apr 2021 · p. 7 · _Telephony_\n>GP telephony remains a practice responsibility." in sections
    assert "Doc 2" not in shown and "2 more passages were cited but not quoted" in shown
    assert json.loads(show_button(message.blocks)["value"]) == {"a": "a1"}
    assert "Doc 2" not in message.text, "the fallback names the quoted sources only"


def test_a_passage_with_a_url_links_its_title_and_a_bad_url_is_not_linked():
    linked = Passage(source="a", text="A.", ordinal=0, title="Model & Co", status="current",
                     url="https://www.england.nhs.uk/publication/gp-it-operating-model/")
    # The catalogue refuses such a url (ingest.catalog); an older index might still hold one.
    bad = Passage(source="b", text="B.", ordinal=0, title="Other", status="current", url="javascript:alert(1)|x")
    answer = Answer(question=QUESTION, abstained=False, text="“A.” [1]\n“B.” [2]",
                    citations=[Citation(1, linked, 1), Citation(2, bad, 1)])
    shown = json.dumps(render_answer(answer).blocks)
    assert "*[1]* *<https://www.england.nhs.uk/publication/gp-it-operating-model/|Model &amp; Co>*" in shown
    assert "*[2]* *Other*" in shown and "javascript" not in shown


def test_currency_notes_are_one_context_line():
    notes = ["[1] is from a 2018 document, now superseded.", "[2] is from a 2013 document, now historical."]
    answer = Answer(question=QUESTION, abstained=False, text="“A.” [1]\n“B.” [2]\n\n" + "\n".join(f"Note: {n}" for n in notes),
                    citations=[passage("A.", 1, status="superseded"), passage("B.", 2, status="historical")],
                    currency_notes=notes)
    blocks = render_answer(answer).blocks
    contexts = [b for b in blocks if b["type"] == "context"]
    assert len(contexts) == 1 and len(contexts[0]["elements"]) == 1
    line = contexts[0]["elements"][0]["text"]
    assert "\n" not in line and all(n in line for n in notes)


def test_many_long_quotes_stay_within_block_kit_limits():
    citations = [Citation(n=i + 1, passage=long_passage(i), score=0.5) for i in range(60)]
    text = "\n".join(f"“{long_passage(i).text[:2500]}” [{i + 1}]" for i in range(60))
    message = render_answer(Answer(question=QUESTION, abstained=False, text=text, citations=citations), share=True)
    assert_within_slack_limits(message.as_kwargs())
    assert len(message.blocks) <= MAX_BLOCKS
    assert all(len(b["text"]["text"]) <= SECTION_LIMIT for b in message.blocks if b["type"] == "section")


def test_median_answer_on_the_eval_questions_is_short(bot_assistant, capsys):
    pairs = yaml.safe_load((REPO / "eval" / "pairs.yaml").read_text(encoding="utf-8"))
    lengths = []
    for pair in pairs:
        question = pair.get("question") or pair["turns"][-1]
        history = [] if pair.get("question") else pair["turns"][:-1]
        message = render_answer(bot_assistant.ask(question, history), answer_id="x" * 16, share=True)
        assert_within_slack_limits(message.as_kwargs())
        lengths.append(shown_text(message.blocks))
    median = statistics.median(lengths)
    with capsys.disabled():
        print(f"\nanswer message text over {len(lengths)} eval questions: median {median:.0f}, "
              f"max {max(lengths)} characters")
    assert median <= TARGET_MEDIAN_CHARS


def ask_in_channel(bot, fake):
    deliver(bot, payloads.mention(QUESTION))
    [post] = fake.api.wait_for("chat.postMessage")
    return {"type": "message", "ts": fake.api.messages[-1]["ts"], "thread_ts": post.params["thread_ts"],
            "text": post.params["text"], "blocks": post.params["blocks"], "user": "UBOT", "bot_id": "BBOT"}


def test_show_passages_posts_every_cited_passage_in_full_in_the_thread_once(http_bot, fake_slack, bot_assistant):
    message = ask_in_channel(http_bot, fake_slack)
    answer = bot_assistant.ask(QUESTION)
    assert shown_text(message["blocks"]) <= 2 * TARGET_MEDIAN_CHARS
    click = payloads.button_click(show_button(message["blocks"]), message=message, user="U7")
    status, _, took = deliver(http_bot, click)
    assert status == 200 and took < 3.0
    posted = fake_slack.api.wait_for("chat.postMessage", 2)[1]
    assert posted.params["channel"] == "C1" and posted.params["thread_ts"] == message["thread_ts"]
    shown = json.dumps(posted.params["blocks"], ensure_ascii=False)
    longest = max((c.passage for c in answer.citations), key=lambda p: len(p.text))
    assert longest.text[:200].replace("&", "&amp;") in shown, "the passages are whole"
    assert all(f"*[{c.n}]*" in shown for c in answer.citations)
    assert QUESTION not in json.dumps(posted.params)

    # Another click (or another person) does not post them again.
    assert deliver(http_bot, payloads.button_click(show_button(message["blocks"]), message=message, user="U8"))[0] == 200
    settle()
    assert len(fake_slack.api.calls_to("chat.postMessage")) == 2


def test_show_passages_on_a_private_answer_stays_private(http_bot, fake_slack):
    url = fake_slack.api.response_url("cmd9")
    deliver(http_bot, payloads.slash_command(QUESTION, response_url=url))
    [reply] = fake_slack.api.wait_for("response_url")
    click = payloads.button_click(show_button(reply.params["blocks"]), response_url=url)
    assert deliver(http_bot, click)[0] == 200
    passages = fake_slack.api.wait_for("response_url", 2)[1]
    assert passages.params["response_type"] == "ephemeral" and passages.params.get("replace_original") is False
    assert "behind this answer, in full" in json.dumps(passages.params["blocks"])
    settle()
    assert fake_slack.api.calls_to("chat.postMessage") == []


def test_show_passages_for_a_forgotten_answer_asks_to_ask_again(http_bot, fake_slack):
    click = payloads.button_click({"type": "button", "action_id": "show_passages", "value": json.dumps({"a": "gone"})},
                                  response_url=fake_slack.api.response_url("old"))
    assert deliver(http_bot, click)[0] == 200
    [reply] = fake_slack.api.wait_for("response_url")
    assert "ask again" in reply.params["text"] and "Traceback" not in json.dumps(reply.params)
    assert fake_slack.api.calls_to("chat.postMessage") == []


def test_a_failure_showing_passages_is_an_apology_with_a_reference(http_bot, fake_slack):
    message = ask_in_channel(http_bot, fake_slack)
    fake_slack.api.fail_next("chat.postMessage", error="invalid_blocks")
    click = payloads.button_click(show_button(message["blocks"]), message=message,
                                  response_url=fake_slack.api.response_url("r1"))
    assert deliver(http_bot, click)[0] == 200
    [reply] = fake_slack.api.wait_for("response_url")
    assert "something went wrong" in reply.params["text"] and "Traceback" not in json.dumps(reply.params)
