"""Machine-readable results of a run, one record per question, for CI dashboards and scripts:
``--jsonl`` (one JSON object a line) and ``--junit`` (JUnit XML: a test case per pair, classname
``set.split``, a failure for every pair whose status is not "pass").

Both are built from the same rows (``rows``), so the JSONL file and the JUnit file never disagree
about a question."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Optional

from eval.metrics import Outcome
from eval.runner import EvalResult, SetResult

# Characters XML 1.0 cannot hold at all (a PDF's stray control bytes would make the file unreadable).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def cited_sources(outcome: Outcome) -> list[dict]:
    """The answer's citations in rank order, without their text (the row stays small)."""
    sources = []
    for position, c in enumerate(outcome.answer.citations, start=1):
        p = c.passage
        sources.append({"n": c.n, "source": p.source, "title": p.title, "published": p.published,
                        "status": p.status, "page": p.page, "section": p.section,
                        "holds_evidence": position == outcome.rank})
    return sources


def row(set_result: SetResult, outcome: Outcome) -> dict:
    """Everything about one question in one run: what was asked, what was expected, what came back."""
    pair, answer = outcome.pair, outcome.answer
    return {
        "set": set_result.name,
        "split": pair.split,
        "id": pair.id,
        "category": pair.category,
        "question": pair.question,
        "turns": list(pair.turns),
        "answerable": pair.answerable,
        "expected_evidence": list(pair.evidence),
        "key_facts": list(pair.key_facts),
        "expected_source": pair.source,
        "answer": answer.text,
        "abstained": answer.abstained,
        "lead_quote": answer.quotes[0] if answer.quotes else None,
        "cited": cited_sources(outcome),
        "hit_rank": outcome.rank,
        "lead_correct": outcome.lead_correct,
        "answer_correct": outcome.correct,
        "citation_problems": list(outcome.citation_problems),
        "status": outcome.status,
        "passed": outcome.passed,
        "elapsed_ms": round(outcome.elapsed_ms, 1),
        "baseline_rank": outcome.baseline_rank if set_result.with_baseline else None,
        "gated": set_result.gated,
    }


def rows(result: EvalResult) -> list[dict]:
    """One row per question run, set by set in the order they ran."""
    return [row(s, o) for s in result.sets for o in s.outcomes]


def write_jsonl(result: EvalResult, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for record in rows(result):
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


# -- JUnit XML -----------------------------------------------------------------------------

def _clean(text: Optional[str]) -> str:
    return _NOT_XML.sub("\N{REPLACEMENT CHARACTER}", str(text or ""))


def _cited_line(source: dict) -> str:
    when = source["published"] or "undated"
    page = f", page {source['page']}" if source["page"] else ""
    mark = "  <- holds the evidence" if source["holds_evidence"] else ""
    return f"  [{source['n']}] {source['title']} ({source['source']}, {when}, {source['status']}{page}){mark}"


def failure_text(record: dict) -> str:
    """What a developer reading a CI failure needs: the question, what should have come back, what did."""
    lines = ["question: " + " -> ".join(record["turns"])]
    if record["answerable"]:
        lines.append(f"expected evidence (in {record['expected_source']}):")
        lines += [f"  \"{quote}\"" for quote in record["expected_evidence"]]
        if record["key_facts"]:
            lines.append("or key facts: " + ", ".join(record["key_facts"]))
    else:
        lines.append("expected: a decline (the documents do not answer this)")
    lines.append("got: " + ("DECLINED: " if record["abstained"] else "") + record["answer"])
    if record["lead_quote"] is not None:
        lines.append(f"lead quote: \"{record['lead_quote']}\"")
    lines.append(f"hit rank: {record['hit_rank'] or 'none'}; lead correct: {record['lead_correct']}; "
                 f"answer correct: {record['answer_correct']}")
    lines.append("cited:" if record["cited"] else "cited: nothing")
    lines += [_cited_line(source) for source in record["cited"]]
    if record["citation_problems"]:
        lines.append("citation problems:")
        lines += [f"  {problem}" for problem in record["citation_problems"]]
    return "\n".join(lines)


def junit_tree(result: EvalResult) -> ET.ElementTree:
    """A suite per set and split, a case per pair; a pair is a failure unless its status is "pass".
    Nothing is ever skipped: every pair asked is a case that passed or failed. Whether the run met
    its gates is in each suite's properties (and in the exit code), not in the cases."""
    records = rows(result)
    root = ET.Element("testsuites", name="opmodel eval", tests=str(len(records)),
                      failures=str(sum(not r["passed"] for r in records)), errors="0", skipped="0",
                      time=f"{result.seconds:.3f}")
    for s in result.sets:
        for split in s.splits():
            suite_records = [r for r in records if r["set"] == s.name and r["split"] == split]
            name = f"{s.name}.{split}"
            suite = ET.SubElement(root, "testsuite", name=name, tests=str(len(suite_records)),
                                  failures=str(sum(not r["passed"] for r in suite_records)), errors="0",
                                  skipped="0",
                                  time=f"{sum(r['elapsed_ms'] for r in suite_records) / 1000:.3f}")
            properties = ET.SubElement(suite, "properties")
            misses = [m for m in s.misses if m.partition(": ")[0].split(" ")[0] == split]
            for key, value in (("gated", str(s.gated).lower()), ("gate_missed", "; ".join(misses)),
                               ("index", s.index_description)):
                ET.SubElement(properties, "property", name=key, value=_clean(value))
            for r in suite_records:
                case = ET.SubElement(suite, "testcase", classname=name, name=_clean(r["id"]),
                                     time=f"{r['elapsed_ms'] / 1000:.3f}")
                if not r["passed"]:
                    failure = ET.SubElement(case, "failure", type=r["status"],
                                            message=_clean(f"{r['status']}: {r['question']}"))
                    failure.text = _clean(failure_text(r))
    ET.indent(root)
    return ET.ElementTree(root)


def write_junit(result: EvalResult, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    junit_tree(result).write(path, encoding="utf-8", xml_declaration=True)
    return path
