"""The real `opmodel ask / chat / sources` in a subprocess, against a real index of the corpus."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from answer_support import REPO, corpus_index_dir  # noqa: F401  (fixture)


def opmodel(args, index_dir, stdin: bytes = b"", timeout=120):
    env = {**os.environ, "OPMODEL_INDEX": str(index_dir), "COLUMNS": "80"}
    return subprocess.run([sys.executable, "-m", "opmodel", *args], input=stdin, capture_output=True,
                          env=env, cwd=REPO, timeout=timeout)


def no_traceback(result):
    return b"Traceback" not in result.stderr and b"Traceback" not in result.stdout


def test_ask_prints_answer_then_numbered_sources(corpus_index_dir):
    result = opmodel(["ask", "Who buys GP clinical systems?"], corpus_index_dir)
    out = result.stdout.decode()
    assert result.returncode == 0, result.stderr
    assert out.index("[1]") < out.index("Sources:")
    assert "GP Systems of Choice (GPSoC): guidance for practices" in out
    assert "SUPERSEDED" in out and "2018" in out
    assert "Note:" in out and "Integrated Care Boards" in out


def test_ask_json_stdin_one_line_per_input_line_and_keeps_going(corpus_index_dir):
    lines = b"What is Lot 2?\n\n" + b"\xff\xfe not utf-8\n" + b"y" * 2001 + b"\nWho won the FA Cup?\n"
    result = opmodel(["ask", "--json"], corpus_index_dir, stdin=lines)
    assert result.returncode == 2 and no_traceback(result)
    rows = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert len(rows) == 5
    assert rows[0]["question"] == "What is Lot 2?" and not rows[0]["abstained"] and rows[0]["citations"]
    assert "empty" in rows[1]["error"]
    assert "UTF-8" in rows[2]["error"]
    assert "2,000" in rows[3]["error"]
    assert rows[4]["abstained"] is True


def test_ask_json_single_argument(corpus_index_dir):
    result = opmodel(["ask", "--json", "What is Lot 2?"], corpus_index_dir)
    data = json.loads(result.stdout)
    assert result.returncode == 0
    assert set(data) == {"question", "answer", "abstained", "citations", "elapsed_ms"}
    assert data["citations"][0]["source"].endswith(".txt")


@pytest.mark.parametrize("question, message", [("   ", b"empty"), ("z" * 2001, b"2,000")])
def test_bad_question_is_one_line_and_non_zero(corpus_index_dir, question, message):
    result = opmodel(["ask", question], corpus_index_dir)
    assert result.returncode == 2 and no_traceback(result)
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_non_utf8_argument_and_bad_flag_are_clear_errors(corpus_index_dir):
    result = opmodel(["ask", b"caf\xe9 question".decode("utf-8", "surrogateescape")], corpus_index_dir)
    assert result.returncode == 2 and b"UTF-8" in result.stderr and no_traceback(result)
    result = opmodel(["ask", "--top-k", "0", "What is Lot 2?"], corpus_index_dir)
    assert result.returncode == 2 and b"between 1 and 20" in result.stderr and no_traceback(result)


def test_missing_index_is_one_line(tmp_path):
    for args in (["ask", "What is Lot 2?"], ["sources"]):
        result = opmodel(args, tmp_path / "empty-index")
        assert result.returncode == 2 and no_traceback(result)
        assert b"opmodel ingest" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_sources_lists_documents_with_status_and_counts(corpus_index_dir):
    result = opmodel(["sources"], corpus_index_dir)
    out = result.stdout.decode()
    assert result.returncode == 0
    assert "5 documents" in out and "SUPERSEDED" in out and "HISTORICAL" in out and "current" in out
    rows = [json.loads(line) for line in opmodel(["sources", "--json"], corpus_index_dir).stdout.splitlines()]
    assert {r["source"] for r in rows} >= {"001_f5b8b55b8638404c.txt", "003_853fdf65414417db.txt"}
    assert all(r["passages"] > 0 for r in rows)


def test_chat_follow_up_and_exit(corpus_index_dir):
    script = "Who buys GP clinical systems?\n\nand who pays for them?\n:q\n".encode()
    result = opmodel(["chat"], corpus_index_dir, stdin=script)
    out = result.stdout.decode()
    assert result.returncode == 0 and no_traceback(result)
    assert "opmodel chat" in out and ":q" in out
    assert out.count("Sources:") == 2
    assert "type a question" in out  # the empty line got a hint, not an error


def test_help_teaches_by_example():
    result = subprocess.run([sys.executable, "-m", "opmodel", "ask", "--help"], capture_output=True, cwd=REPO)
    assert result.returncode == 0 and b"examples:" in result.stdout and b"--json" in result.stdout


NHS_NUMBER_WITH_EN_DASHES = "943\u2013476\u20135919"  # valid Modulus 11; the guard once missed this form


def never_shows_the_number(result) -> bool:
    shown = (result.stdout + result.stderr).decode("utf-8", errors="replace")
    return "5919" not in shown and "943" not in shown


def test_ask_refuses_a_question_with_an_nhs_number_without_echoing_it(corpus_index_dir):
    result = opmodel(["ask", f"Does patient {NHS_NUMBER_WITH_EN_DASHES} need a smartcard?"], corpus_index_dir)
    assert result.returncode == 2 and no_traceback(result) and never_shows_the_number(result)
    assert b"NHS number" in result.stderr and b"shell history" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and result.stdout == b""


def test_ask_json_stdin_and_chat_withhold_a_line_with_an_nhs_number(corpus_index_dir):
    lines = f"What is Lot 2?\npatient ({NHS_NUMBER_WITH_EN_DASHES[:3]}) 476 5919\n".encode()
    result = opmodel(["ask", "--json"], corpus_index_dir, stdin=lines)
    assert result.returncode == 2 and no_traceback(result) and never_shows_the_number(result)
    answered, refused = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert answered["question"] == "What is Lot 2?" and answered["citations"]
    assert refused["question"] is None and refused["line"] == 2 and "NHS number" in refused["error"]

    chat = opmodel(["chat"], corpus_index_dir, stdin=f"patient {NHS_NUMBER_WITH_EN_DASHES}\n:q\n".encode())
    assert chat.returncode == 0 and no_traceback(chat) and never_shows_the_number(chat)
    assert b"NHS number" in chat.stdout



def test_tune_help_says_what_it_fits_and_what_it_never_reads():
    result = subprocess.run([sys.executable, "-m", "opmodel", "tune", "--help"], capture_output=True, cwd=REPO)
    out = result.stdout.decode()
    assert result.returncode == 0 and "examples:" in out
    assert "dev split" in out and "Test splits are never read" in out and "answer/weights.json" in out
