"""``opmodel eval --html PATH``: the run as one self-contained web page an LMC officer can open from
an e-mail or a CI artifact. Nothing is fetched: the styles and the few lines of script that filter
the questions by set, category and status are inline, and no element names a URL.

A summary table per set and split first (the gate each was held to, misses marked), then every
question, failures first, with what was expected, what came back and what it cited."""

from __future__ import annotations

import time
from html import escape
from pathlib import Path

from eval.export import rows
from eval.report import write_text
from eval.runner import EvalResult
from eval.thresholds import flagged_metrics

COLUMNS = [
    ("hit_at_1", "right passage first (hit@1)"), ("hit_at_3", "in the first 3 (hit@3)"),
    ("lead_correct", "lead quote correct"), ("answer_correct", "answer correct"),
    ("false_abstain", "wrongly declined"), ("abstain_recall", "out of scope declined"),
    ("p50_ms", "median ms"), ("p95_ms", "p95 ms"),
]

STYLE = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Arial, sans-serif; margin: 1.5em; color: #1d1d1f; }
h1 { font-size: 1.5em; margin-bottom: .2em; } h2 { font-size: 1.2em; margin-top: 1.6em; }
.run { color: #555; } .verdict { padding: .6em .8em; border-radius: 4px; margin: 1em 0; }
.passed { background: #e6f4ea; } .failed { background: #fdecea; }
table { border-collapse: collapse; width: 100%; margin: .5em 0; }
th, td { border: 1px solid #ccc; padding: .3em .5em; vertical-align: top; text-align: left; }
th { background: #f2f2f2; } td.num { text-align: right; white-space: nowrap; }
td.missed { background: #fdecea; font-weight: bold; } td.short { background: #fff4e5; }
tr.fail td.status { color: #a50e0e; font-weight: bold; } tr.pass td.status { color: #137333; }
.quote { font-style: italic; } .small { font-size: .88em; color: #444; } .evidence { font-weight: bold; }
.filters { position: sticky; top: 0; background: #fff; padding: .5em 0; border-bottom: 1px solid #ddd; }
.filters label { margin-right: 1em; } ul { margin: .2em 0; padding-left: 1.2em; }
"""

SCRIPT = """
(function () {
  var filters = document.querySelectorAll('.filters select');
  var rows = document.querySelectorAll('#questions tbody tr');
  function apply() {
    var shown = 0;
    rows.forEach(function (row) {
      var ok = true;
      filters.forEach(function (f) {
        var want = f.value, have = row.getAttribute('data-' + f.name);
        if (want && !(want === have || (f.name === 'outcome' && want === row.getAttribute('data-passed')))) ok = false;
      });
      row.hidden = !ok;
      if (ok) shown++;
    });
    document.getElementById('shown').textContent = shown + ' of ' + rows.length + ' questions shown';
  }
  filters.forEach(function (f) { f.addEventListener('change', apply); });
  apply();
})();
"""


def _e(value) -> str:
    return escape("" if value is None else str(value), quote=True)


def _number(value, metric: str) -> str:
    if value is None:
        return "–"
    return f"{value:.0f}" if metric.endswith("_ms") else f"{value:.3f}"


def _gate(result: EvalResult, s, split: str, missed: bool) -> str:
    if not s.gated:
        return "reported, not gated"
    if split == "test" and result.floors.get(s.name):
        return "regression floor: MISSED" if missed else "regression floor: met"
    if s.name in result.dev_floors:
        return "dev floor: MISSED" if missed else "dev floor: met"
    return "bars: MISSED" if missed else "bars: met"


def summary(result: EvalResult) -> list[str]:
    head = "".join(f"<th>{_e(label)}</th>" for _, label in COLUMNS)
    out = ['<table id="summary"><thead><tr><th>set</th><th>split</th><th>pairs</th><th>not passing</th>'
           f'{head}<th>gate</th></tr></thead><tbody>']
    for s in result.sets:
        for split in s.splits():
            metrics = s.metrics(split)
            missed, short = flagged_metrics(s.misses, split), flagged_metrics(s.below_bar, split)
            failing = sum(not o.passed for o in s.outcomes_of(split))
            cells = []
            for metric, _ in COLUMNS:
                css = "num missed" if metric in missed else "num short" if metric in short else "num"
                cells.append(f'<td class="{css}">{_number(metrics.get(metric), metric)}</td>')
            out.append(f"<tr><td>{_e(s.name)}</td><td>{_e(split)}</td><td class=\"num\">{metrics['pairs']}</td>"
                       f"<td class=\"num\">{failing}</td>{''.join(cells)}<td>{_e(_gate(result, s, split, bool(missed)))}</td></tr>")
    out.append("</tbody></table>")
    bars = ", ".join(f"{t.metric} {t.describe()}" for t in result.thresholds)
    if bars:
        out.append(f'<p class="small">Bars: {_e(bars)}. A bold red figure missed its gate; an orange one is short '
                   "of the bar but only reported (a held-back split, or a set not gated yet).</p>")
    return out


def _expected(r: dict) -> str:
    if not r["answerable"]:
        return "A decline: the documents do not answer this."
    quotes = "".join(f'<li class="quote">“{_e(q)}”</li>' for q in r["expected_evidence"])
    facts = f'<div class="small">or key facts: {_e(", ".join(r["key_facts"]))}</div>' if r["key_facts"] else ""
    return f'<ul>{quotes}</ul><div class="small">in {_e(r["expected_source"])}</div>{facts}'


def _got(r: dict) -> str:
    prefix = "<b>DECLINED:</b> " if r["abstained"] else ""
    lead = ""
    if r["lead_quote"] is not None:
        verdict = "holds the evidence" if r["lead_correct"] else "does not hold the evidence"
        lead = f'<div class="small">lead quote ({verdict}): <span class="quote">“{_e(r["lead_quote"])}”</span></div>'
    problems = "".join(f"<li>{_e(p)}</li>" for p in r["citation_problems"])
    problems = f'<div class="small">citation problems:<ul>{problems}</ul></div>' if problems else ""
    return f"{prefix}{_e(r['answer'])}{lead}{problems}"


def _cited(r: dict) -> str:
    if not r["cited"]:
        return "nothing"
    items = []
    for c in r["cited"]:
        page = f", p. {c['page']}" if c["page"] else ""
        css = ' class="evidence"' if c["holds_evidence"] else ""
        mark = " ★" if c["holds_evidence"] else ""
        items.append(f"<li{css}>[{c['n']}] {_e(c['title'])} <span class=\"small\">({_e(c['source'])}, "
                     f"{_e(c['published'] or 'undated')}, {_e(c['status'])}{page})</span>{mark}</li>")
    return f"<ul>{''.join(items)}</ul>"


def _select(name: str, label: str, options: list[tuple[str, str]]) -> str:
    choices = "".join(f'<option value="{_e(value)}">{_e(text)}</option>' for value, text in options)
    return f'<label>{_e(label)} <select name="{_e(name)}"><option value="">all</option>{choices}</select></label>'


def questions(result: EvalResult) -> list[str]:
    records = rows(result)
    order = {s.name: i for i, s in enumerate(result.sets)}
    records.sort(key=lambda r: (r["passed"], order[r["set"]], r["split"], r["id"]))
    sets = [(s.name, s.name) for s in result.sets]
    categories = [(c, c) for c in sorted({r["category"] for r in records})]
    statuses = [("fail", "not passing"), ("pass", "passing")] + [
        (status, status) for status in sorted({r["status"] for r in records} - {"pass"})]
    out = ['<div class="filters">', _select("set", "set", sets), _select("category", "category", categories),
           _select("outcome", "status", statuses), '<span id="shown" class="small"></span></div>',
           '<table id="questions"><thead><tr><th>status</th><th>question</th><th>expected</th><th>got</th>'
           "<th>cited</th></tr></thead><tbody>"]
    for r in records:
        passed = "pass" if r["passed"] else "fail"
        question = " → ".join(r["turns"])
        out.append(
            f'<tr class="{passed}" data-id="{_e(r["id"])}" data-set="{_e(r["set"])}" data-category="{_e(r["category"])}" '
            f'data-outcome="{_e(r["status"])}" data-passed="{passed}">'
            f'<td class="status">{_e(r["status"])}</td>'
            f'<td>{_e(question)}<div class="small">{_e(r["id"])} · {_e(r["set"])} {_e(r["split"])} · {_e(r["category"])}'
            f' · {r["elapsed_ms"]:.0f} ms</div></td>'
            f"<td>{_expected(r)}</td><td>{_got(r)}</td><td>{_cited(r)}</td></tr>")
    out.append("</tbody></table>")
    return out


def render(result: EvalResult) -> str:
    outcomes = result.outcomes
    failing = sum(not o.passed for o in outcomes)
    if result.passed:
        verdict = '<div class="verdict passed"><b>PASSED</b>: every gate met.</div>'
    else:
        misses = "".join(f"<li>{_e(m)}</li>" for m in result.misses)
        verdict = f'<div class="verdict failed"><b>FAILED</b>: {len(result.misses)} gate(s) missed<ul>{misses}</ul></div>'
    if result.below_bar:
        notes = "".join(f"<li>{_e(m)}</li>" for m in result.below_bar)
        verdict += f'<p class="small">Short of the bars, reported only (not gated):</p><ul class="small">{notes}</ul>'
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>opmodel evaluation report</title>", f"<style>{STYLE}</style></head><body>",
        "<h1>opmodel evaluation report</h1>",
        f'<p class="run">Run {_e(time.strftime("%Y-%m-%d %H:%M"))} · split {_e(result.split)} · {len(outcomes)} questions, '
        f"{failing} not passing · {result.seconds:.0f} s</p>",
        verdict,
        "<p>Each question was asked through the same code the Slack bot uses. A question passes when the answer "
        "cites the passage holding the expected evidence first and its text is right; an out-of-scope question "
        "passes when it is declined.</p>",
        "<h2>Summary by set and split</h2>", *summary(result),
        f"<h2>Questions ({failing} not passing, listed first)</h2>", *questions(result),
        f"<script>{SCRIPT}</script>", "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def write_html(result: EvalResult, path: Path) -> Path:
    return write_text(path, render(result))
