"""`opmodel feedback`: feedback given through the real bot, listed, exported and drafted as eval pairs."""

from __future__ import annotations

import csv
import io
import json
import sqlite3

import pytest
import yaml

from bot.feedback import FeedbackStore
from eval.pairs import pair_from_record, split_for
from opmodel.cli import main
from slackfake import payloads
from slackfake.harness import SIGNING_SECRET, bot_assistant, fake_slack, wait_for_comment  # noqa: F401 (fixtures)

QUESTION = "What is an NHS smartcard?"
NHS_NUMBER = "943 476 5919"  # passes the Modulus 11 check; a made-up number


def deliver(bot, payload):
    return payloads.deliver(bot.url, payload, SIGNING_SECRET)


def answered(bot, fake, question=QUESTION, channel="C1"):
    before = len(fake.api.calls_to("chat.postMessage"))
    deliver(bot, payloads.mention(question, channel=channel))
    post = fake.api.wait_for("chat.postMessage", before + 1)[-1]
    ts = [m for m in fake.api.messages if m.get("bot_id")][-1]["ts"]
    return {"type": "message", "ts": ts, "text": post.params["text"], "blocks": post.params["blocks"],
            "user": "UBOT", "bot_id": "BBOT"}


def press(bot, fake, message, *, positive, user="U7", channel="C1", comment=None):
    [element] = [e for b in message["blocks"] if b["type"] == "context_actions" for e in b["elements"]]
    updates = len(fake.api.calls_to("chat.update"))
    deliver(bot, payloads.feedback_click(element, positive=positive, message=message, user=user, channel=channel))
    fake.api.wait_for("chat.update", updates + 1)
    if comment is not None:
        opened = fake.api.wait_for("views.open")[-1]
        values = {"comment": {"text": {"type": "plain_text_input", "value": comment}}}
        reply = deliver(bot, payloads.view_submission("feedback_comment", opened.params["view"]["private_metadata"],
                                                      values, user=user))
        wait_for_comment(bot.settings.feedback_db, int(opened.params["view"]["private_metadata"]))
        return reply


def feedback(capsys, *args) -> tuple[int, str, str]:
    code = main(["feedback", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def given(http_bot, fake_slack, monkeypatch):
    """Two answers rated through the real bot: helpful in a channel, not helpful with a comment in a DM."""
    monkeypatch.setenv("OPMODEL_INDEX", str(http_bot.app_index_dir))
    monkeypatch.setenv("COLUMNS", "200")  # a wide terminal: nothing in the table is cut
    press(http_bot, fake_slack, answered(http_bot, fake_slack), positive=True)
    dm = answered(http_bot, fake_slack, "Who pays for the practice phone system?", channel="D5")
    press(http_bot, fake_slack, dm, positive=False, channel="D5", comment="It should say who signs the contract")
    return http_bot.settings.feedback_db


@pytest.fixture
def http_bot(bot_assistant, fake_slack, tmp_path):
    from slackfake.harness import bot_settings, start_http_bot

    bot, stop = start_http_bot(bot_assistant, bot_settings(fake_slack, tmp_path))
    bot.app_index_dir = bot_assistant.settings.index_dir
    yield bot
    stop()


def test_lists_feedback_newest_first_with_no_user_id(given, capsys):
    code, out, _ = feedback(capsys, "--db", str(given))
    assert code == 0
    header, first, second = out.splitlines()
    assert header.split()[:4] == ["#", "when", "(UTC)", "rating"]
    assert "not helpful" in first and "practice phone system" in first and "who signs the contract" in first
    assert "helpful" in second and "smartcard" in second
    assert "U7" not in out


def test_the_table_fits_a_narrow_terminal(given, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "72")
    _, out, _ = feedback(capsys, "--db", str(given))
    assert all(len(line) <= 72 for line in out.splitlines()), out
    assert "Who pays for the…" in out and "It should say…" in out, "cut at a word, marked"


def test_filters_by_rating_and_date(given, capsys):
    _, out, _ = feedback(capsys, "--db", str(given), "--helpful")
    assert len(out.splitlines()) == 2 and "smartcard" in out
    _, out, _ = feedback(capsys, "--db", str(given), "--not-helpful")
    assert len(out.splitlines()) == 2 and "phone" in out
    with sqlite3.connect(given) as conn:  # the helpful one was given on the last day of October
        conn.execute("UPDATE feedback SET created_at = '2026-10-31T23:59:59+00:00' WHERE rating = 'helpful'")
    _, out, _ = feedback(capsys, "--db", str(given), "--until", "2026-10-31")
    assert len(out.splitlines()) == 2 and "smartcard" in out, "--until includes its whole day"
    _, out, _ = feedback(capsys, "--db", str(given), "--since", "2026-11-01")
    assert len(out.splitlines()) == 2 and "phone" in out
    _, out, _ = feedback(capsys, "--db", str(given), "--since", "2026-10-01", "--until", "2026-10-30")
    assert out.startswith(f"No feedback in {given} matches those filters (2 recorded in all)")


def test_exports_csv_and_jsonl(given, capsys, tmp_path):
    code, _, err = feedback(capsys, "--db", str(given), "--format", "csv", "--output", str(tmp_path / "f.csv"))
    assert code == 0 and "Wrote 2 feedback rows" in err
    rows = list(csv.DictReader(io.StringIO((tmp_path / "f.csv").read_text())))
    assert [r["rating"] for r in rows] == ["not_helpful", "helpful"]
    assert rows[0]["channel"] == "direct message" and rows[1]["channel"] == "C1", "a DM's id is one person's"
    assert rows[0]["comment"] == "It should say who signs the contract"
    assert len(rows[0]["user_hash"]) == 64 and rows[0]["user_hash"] == rows[1]["user_hash"]
    assert rows[1]["cited_ids"].split() == FeedbackStore(given).rows()[0].cited_ids

    _, out, _ = feedback(capsys, "--db", str(given), "--format", "jsonl")
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["question"] for r in records] == ["Who pays for the practice phone system?", QUESTION]
    assert set(records[0]) == {"id", "created_at", "rating", "question", "answer", "cited_ids", "channel",
                               "user_hash", "comment"}
    assert "U7" not in out and "D5" not in out


def test_not_helpful_answers_become_draft_pairs_to_complete(given, capsys, tmp_path):
    drafts = tmp_path / "drafts.yaml"
    code, _, err = feedback(capsys, "--db", str(given), "--to-pairs", str(drafts))
    assert code == 0 and "Wrote 1 draft pair" in err
    text = drafts.read_text()
    assert text.startswith("# Draft evaluation pairs")
    [draft] = yaml.safe_load(text)
    assert draft["question"] == "Who pays for the practice phone system?"
    assert draft["evidence"] == [] and draft["category"] == "" and draft["source"] is None
    assert draft["comment"] == "It should say who signs the contract"
    assert draft["split"] == split_for(draft["id"]) and draft["id"].startswith("feedback-2")
    cited = draft["cited"]
    assert cited and all(c["source"].endswith(".txt") and c["title"] and c["text"] for c in cited), \
        "the cited passages are read back from the index"
    assert "user_hash" not in text and "U7" not in text

    # Completed by a person, it is a pair eval/pairs.yaml accepts.
    completed = {k: v for k, v in draft.items() if k not in ("comment", "answer_given", "cited", "feedback")}
    completed.update(category="funding", evidence=["GP telephony remains a practice responsibility"],
                     source="001_f5b8b55b8638404c.txt")
    assert pair_from_record(completed).question == draft["question"]

    code, _, err = feedback(capsys, "--db", str(given), "--to-pairs", str(drafts))
    assert code == 2 and "already exists" in err, "a draft file someone may be editing is never overwritten"
    code, _, err = feedback(capsys, "--db", str(given), "--to-pairs", str(tmp_path / "x.yaml"), "--helpful")
    assert code == 2 and "not helpful" in err


def test_a_comment_with_an_nhs_number_never_reaches_an_export(http_bot, fake_slack, capsys, tmp_path):
    message = answered(http_bot, fake_slack)
    status, body, _ = press(http_bot, fake_slack, message, positive=False, comment=f"patient {NHS_NUMBER}")
    assert status == 200 and json.loads(body)["response_action"] == "errors", "the bot refuses it"
    # A database written before the guard, or by hand, may hold one all the same.
    with sqlite3.connect(http_bot.settings.feedback_db) as conn:
        conn.execute("INSERT INTO feedback (created_at, rating, question, answer, cited_ids, user_hash, comment)"
                     f" VALUES ('2026-11-02T10:00:00+00:00', 'not_helpful', 'q', 'a', '[]', 'h', 'about {NHS_NUMBER}')")
    db = str(http_bot.settings.feedback_db)
    outputs = [feedback(capsys, "--db", db)[1], feedback(capsys, "--db", db, "--format", "csv")[1],
               feedback(capsys, "--db", db, "--format", "jsonl")[1]]
    feedback(capsys, "--db", db, "--to-pairs", str(tmp_path / "drafts.yaml"))
    outputs.append((tmp_path / "drafts.yaml").read_text())
    for out in outputs:
        assert "9434765919" not in out.replace(" ", ""), out
    assert "withheld" in outputs[2]


def test_the_store_itself_refuses_an_nhs_number(tmp_path):
    from opmodel.patient_data import PatientDataError

    store = FeedbackStore(tmp_path / "feedback.sqlite3", key="k" * 32)
    with pytest.raises(PatientDataError):
        store.record(rating="helpful", question=f"about {NHS_NUMBER}", answer="a", cited_ids=[], channel="C1",
                     user_id="U1")
    row = store.record(rating="not_helpful", question="q", answer="a", cited_ids=[], channel="C1", user_id="U1")
    with pytest.raises(PatientDataError):
        store.add_comment(row, f"patient {NHS_NUMBER}")
    assert [r.comment for r in store.rows()] == [None]


def test_says_where_it_looked_when_there_is_no_feedback(tmp_path, capsys):
    missing = tmp_path / "nothing.sqlite3"
    code, out, _ = feedback(capsys, "--db", str(missing))
    assert code == 0
    assert out.strip() == (f"No feedback recorded yet in {missing}. "
                           "Feedback appears when people press the buttons under an answer.")
    assert not missing.exists(), "listing creates nothing"
    answers_only = tmp_path / "bot.sqlite3"
    with sqlite3.connect(answers_only) as conn:  # a bot database that has answered but had no clicks
        conn.execute("CREATE TABLE answers (id TEXT)")
    assert feedback(capsys, "--db", str(answers_only))[1].startswith("No feedback recorded yet in")


def test_a_bad_date_is_named(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["feedback", "--since", "2026-13-01"])
    assert exit_.value.code == 2 and "expected a date as YYYY-MM-DD, got '2026-13-01'" in capsys.readouterr().err
