"""`opmodel eval --jsonl / --junit / --html`: one record per question, from hand-made outcomes (fast) and
from a real run over the small corpus of test_eval_runner."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from eval.export import rows, write_jsonl, write_junit
from eval.htmlreport import write_html
from eval.metrics import score
from eval.runner import EvalResult, SetResult
from opmodel.cli import main
from test_eval_metrics import BUYING, CORPUS, EXPIRY, LOT2, answer, pair
from test_eval_runner import PAIRS, workspace  # noqa: F401  (fixture)

ROW_KEYS = {"set", "split", "id", "category", "question", "turns", "answer", "abstained", "lead_quote", "cited",
            "hit_rank", "lead_correct", "answer_correct", "status"}


def hand_made_result() -> EvalResult:
    """Set "shipped": a pass on dev, a miss and a conversation hit@2 on test; set "other": a wrongly
    answered out-of-scope question on dev."""
    lot2 = "Non essential Lot 2 and Lot 3 products will need to be procured and paid for locally by the CCG."
    passing = score(pair("lot2"), answer(f"{lot2} [1]", LOT2, quotes=[lot2]), 12.0, CORPUS)
    missed = score(pair("expiry", split="test", evidence=("expired in December 2018",)),
                   answer("CCGs buy systems [1]", BUYING, quotes=["CCGs buy systems"]), 30.0, CORPUS)
    second = score(pair("conv", category="history", split="test", turns=("What is GPSoC?", "Who pays for Lot 2?")),
                   answer(f"x [1] {lot2} [2]", EXPIRY, LOT2, quotes=["x", lot2]), 20.0, CORPUS)
    oos = score(pair("cup", category="out_of_scope"), answer("The CCG [1] \x07", BUYING), 5.0, CORPUS)
    shipped = SetResult("shipped", [passing, missed, second], "a fresh index", with_baseline=False,
                        misses=["test: hit_at_1 = 0.000, bar >= 0.8"])
    other = SetResult("other", [oos], "a fresh index", with_baseline=False, gated=False)
    return EvalResult("all", [shipped, other], [], with_baseline=False, seconds=1.5)


def test_rows_hold_every_field_of_every_question():
    records = rows(hand_made_result())
    assert [(r["set"], r["split"], r["id"]) for r in records] == [
        ("shipped", "dev", "lot2"), ("shipped", "test", "expiry"), ("shipped", "test", "conv"), ("other", "dev", "cup")]
    for r in records:
        assert ROW_KEYS <= set(r), ROW_KEYS - set(r)
    lot2, expiry, conv, cup = records
    assert lot2["status"] == "pass" and lot2["hit_rank"] == 1 and lot2["lead_correct"] and lot2["answer_correct"]
    assert lot2["cited"][0]["source"] == "gpsoc.txt" and lot2["cited"][0]["holds_evidence"] is True
    assert "text" not in lot2["cited"][0], "rows name what was cited, not its whole text"
    assert expiry["status"] == "miss" and expiry["hit_rank"] is None and expiry["lead_quote"] == "CCGs buy systems"
    assert conv["status"] == "hit@2" and conv["turns"] == ["What is GPSoC?", "Who pays for Lot 2?"]
    assert conv["question"] == "Who pays for Lot 2?" and conv["lead_quote"] == "x" and not conv["lead_correct"]
    assert cup["status"] == "not declined" and cup["abstained"] is False and cup["gated"] is False


def test_jsonl_is_one_parseable_object_per_question(tmp_path):
    path = write_jsonl(hand_made_result(), tmp_path / "deep" / "rows.jsonl")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 4
    assert [json.loads(line)["id"] for line in lines] == ["lot2", "expiry", "conv", "cup"]


def test_junit_has_a_case_per_pair_and_failures_that_explain_themselves(tmp_path):
    path = write_junit(hand_made_result(), tmp_path / "junit.xml")
    root = ET.parse(path).getroot()  # parses: the stray control character was replaced
    assert root.tag == "testsuites" and root.get("tests") == "4" and root.get("failures") == "3"
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert list(suites) == ["shipped.dev", "shipped.test", "other.dev"]
    cases = [(c.get("classname"), c.get("name")) for c in root.iter("testcase")]
    assert cases == [("shipped.dev", "lot2"), ("shipped.test", "expiry"), ("shipped.test", "conv"),
                     ("other.dev", "cup")]
    assert not list(root.iter("skipped")) and all(s.get("skipped") == "0" for s in suites.values())
    assert suites["shipped.test"].get("failures") == "2" and suites["shipped.dev"].get("failures") == "0"
    properties = {p.get("name"): p.get("value") for p in suites["shipped.test"].iter("property")}
    assert properties["gated"] == "true" and "hit_at_1" in properties["gate_missed"]
    assert {p.get("name"): p.get("value") for p in suites["shipped.dev"].iter("property")}["gate_missed"] == ""

    by_name = {c.get("name"): c for c in root.iter("testcase")}
    assert by_name["lot2"].find("failure") is None
    failure = by_name["expiry"].find("failure")
    assert failure.get("type") == "miss" and "Who pays for Lot 2?" in failure.get("message")
    text = failure.text
    assert "question: Who pays for Lot 2?" in text
    assert '"expired in December 2018"' in text and "gpsoc.txt" in text, "the expected evidence and its source"
    assert "CCGs buy systems" in text and "[1] GPSoC guidance (gpsoc.txt" in text, "what came back and was cited"
    assert "What is GPSoC? -> Who pays for Lot 2?" in by_name["conv"].find("failure").text
    assert "holds the evidence" in by_name["conv"].find("failure").text
    assert "expected: a decline" in by_name["cup"].find("failure").text


def test_eval_writes_jsonl_and_junit_from_a_real_run(workspace, capsys):  # noqa: F811
    tmp, pairs, lenient, _ = workspace
    jsonl, junit, page = tmp / "out" / "rows.jsonl", tmp / "out" / "junit.xml", tmp / "out" / "eval.html"
    code = main(["eval", "--no-baseline", "--pairs", str(pairs), "--thresholds", str(lenient),
                 "--report", str(tmp / "r.md"), "--jsonl", str(jsonl), "--junit", str(junit), "--html", str(page)])
    out = capsys.readouterr().out
    assert code == 0
    assert f"jsonl: {jsonl}" in out and f"junit: {junit}" in out and f"html: {page}" in out
    records = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == [p["id"] for p in PAIRS]
    assert all(ROW_KEYS <= set(r) and r["set"] == "pairs" for r in records)
    assert next(r for r in records if r["id"] == "oos")["abstained"] is True
    assert next(r for r in records if r["id"] == "impossible")["status"] != "pass"
    root = ET.parse(junit).getroot()
    names = {c.get("name") for c in root.iter("testcase")}
    assert names == {p["id"] for p in PAIRS}
    assert {c.get("classname") for c in root.iter("testcase")} == {"pairs.dev"}
    impossible = next(c for c in root.iter("testcase") if c.get("name") == "impossible")
    assert "Lot 1: GP clinical IT systems and subsidiary modules" in impossible.find("failure").text
    parsed = parse_page(page.read_text(encoding="utf-8"))
    assert {r["data-id"] for r in parsed.question_rows} == {p["id"] for p in PAIRS}
    assert parsed.question_rows[0]["data-id"] == "impossible" and parsed.urls == []


def test_an_unwritable_export_path_is_one_line(workspace, capsys):  # noqa: F811
    tmp, pairs, lenient, _ = workspace
    code = main(["eval", "--no-baseline", "--pairs", str(pairs), "--thresholds", str(lenient),
                 "--report", str(tmp / "r.md"), "--junit", str(tmp)])
    assert code == 2
    assert "cannot write the junit file" in capsys.readouterr().err


# -- the HTML page -------------------------------------------------------------------------

class Page(HTMLParser):
    """What the page holds: the question rows' attributes, every URL-bearing attribute, tags."""

    def __init__(self):
        super().__init__()
        self.tags, self.question_rows, self.urls, self.summary_rows, self._table = [], [], [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if tag == "table":
            self._table = attrs.get("id")
        if tag == "tr" and self._table == "questions" and "data-id" in attrs:
            self.question_rows.append(attrs)
        if tag == "tr" and self._table == "summary":
            self.summary_rows.append([])
        self.urls += [value for name, value in attrs.items() if name in ("src", "href", "action", "srcset")]

    def handle_data(self, data):
        if self._table == "summary" and self.summary_rows and data.strip():
            self.summary_rows[-1].append(data.strip())


def parse_page(text: str) -> Page:
    page = Page()
    page.feed(text)
    page.close()
    return page


def test_html_page_is_self_contained_and_lists_failures_first(tmp_path):
    path = write_html(hand_made_result(), tmp_path / "page" / "eval.html")
    text = path.read_text(encoding="utf-8")
    page = parse_page(text)
    assert page.urls == [] and "link" not in page.tags and "http" not in text.lower(), "no network resources"
    assert "style" in page.tags and "script" in page.tags and "select" in page.tags
    assert [r["data-id"] for r in page.question_rows] == ["conv", "expiry", "cup", "lot2"], "failures first"
    assert [r["data-passed"] for r in page.question_rows] == ["fail", "fail", "fail", "pass"]
    assert {r["data-category"] for r in page.question_rows} == {"funding", "history", "out_of_scope"}
    assert [r[:2] for r in page.summary_rows[1:]] == [["shipped", "dev"], ["shipped", "test"], ["other", "dev"]]
    assert "FAILED" in text and "expired in December 2018" in text


def test_html_escapes_what_the_documents_say(tmp_path):
    result = hand_made_result()
    outcome = result.sets[1].outcomes[0]
    result.sets[1].outcomes[0] = dataclasses.replace(
        outcome, answer=dataclasses.replace(outcome.answer, text="<script>alert(1)</script> & more"))
    text = write_html(result, tmp_path / "eval.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in text and text.count("<script>") == 1


# -- CI keeps the JUnit file ---------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_eval_writes_the_junit_file_ci_keeps_in_an_ignored_folder():
    dry_run = subprocess.run(["make", "-n", "eval"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert dry_run.returncode == 0, dry_run.stderr
    command = next(line for line in dry_run.stdout.splitlines() if "opmodel eval" in line)
    assert "--junit eval/reports/junit.xml" in command and "--split all" in command
    assert "eval/reports/junit.xml" in (ROOT / ".ci" / "run").read_text() and "make test" in (ROOT / ".ci" / "run").read_text()
    if (ROOT / ".git").exists():
        ignored = subprocess.run(["git", "check-ignore", "-q", "eval/reports/junit.xml"], cwd=ROOT, timeout=30)
        assert ignored.returncode == 0, "eval/reports/ must stay out of git"
