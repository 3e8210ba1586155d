"""A catalogue entry's `url`: checked when read, carried through ingest into every passage, and
shown with each citation: in the JSON, the terminal and Slack (the title as a link)."""

from __future__ import annotations

import json

import pytest

from ingest.catalog import load_catalog
from opmodel.errors import DocumentError

URL = "https://guidance.example.org/gp-it/telephony?edition=2&lang=en"

TELEPHONY = """\
# Practice telephony guidance

## Paying for phones

Each practice pays for its own telephone system and the calls made on it.
The local board pays for the network line that links the practice to the wider health network.
"""

SMARTCARDS = """\
# Access cards

Staff sign in to clinical systems with an access card issued by the registration team.
"""


def catalogue(folder, url_line: str) -> None:
    (folder / "metadata.yaml").write_text(
        "phones.md:\n  title: Practice telephony guidance\n  published: '2024-05'\n  status: current\n"
        f"{url_line}"
        "cards.md:\n  title: Access cards\n  status: current\n",
        encoding="utf-8",
    )


@pytest.mark.parametrize("written", ["ftp://files.example.org/a.pdf", "guidance.example.org/page", "javascript:alert(1)",
                                     "'https://example.org/a page'", "https://", "'https://example.org/a|b'"])
def test_a_url_that_is_not_a_web_address_fails_its_entry_by_name(tmp_path, written):
    catalogue(tmp_path, f"  url: {written}\n")
    catalog = load_catalog(tmp_path)
    with pytest.raises(DocumentError) as caught:
        catalog.info("phones.md")
    message = str(caught.value)
    assert str(tmp_path / "metadata.yaml") in message and "'phones.md'" in message and "line 5" in message
    assert "url must be an http:// or https:// address" in message
    assert catalog.info("cards.md").title == "Access cards", "the other entries still count"


@pytest.fixture
def corpus_with_url(tmp_path):
    from answer.engine import Assistant
    from ingest.pipeline import run_ingest
    from opmodel.index import open_index
    from opmodel.settings import Settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "phones.md").write_text(TELEPHONY, encoding="utf-8")
    (corpus / "cards.md").write_text(SMARTCARDS, encoding="utf-8")
    catalogue(corpus, f"  url: {URL}\n")
    settings = Settings(index_dir=tmp_path / "index", corpus_dir=corpus)
    index = open_index(settings)
    report = run_ingest(index, [], corpus)
    assert not report.failed
    return Assistant(index, settings), index


def test_the_url_reaches_every_passage_and_each_citation(corpus_with_url):
    from answer.render import render_answer as render_terminal
    from bot.blocks import render_answer as render_slack

    assistant, index = corpus_with_url
    by_source = {}
    for p in index.passages():
        by_source.setdefault(p.source, set()).add(p.url)
    assert by_source == {"phones.md": {URL}, "cards.md": {None}}

    answer = assistant.ask("Who pays for the practice telephone system?")
    assert not answer.abstained
    cited = [c for c in answer.citations if c.passage.source == "phones.md"]
    assert cited and all(c.passage.url == URL for c in cited)

    data = json.loads(json.dumps(answer.to_json()))
    assert {c["source"]: c["url"] for c in data["citations"]}["phones.md"] == URL
    assert all(c["url"] is None for c in data["citations"] if c["source"] == "cards.md")

    assert f"    {URL}\n" in render_terminal(answer, cols=60), "whole on its own line, never wrapped"

    slack = json.dumps(render_slack(answer, answer_id="a1").blocks)
    assert f"<{URL.replace('&', '&amp;')}|Practice telephony guidance>" in slack


def test_ask_json_carries_the_url(corpus_with_url, tmp_path, monkeypatch, capsys):
    from opmodel.cli import main

    monkeypatch.setenv("OPMODEL_INDEX", str(tmp_path / "index"))
    assert main(["ask", "--json", "Who pays for the practice telephone system?"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert URL in [c["url"] for c in data["citations"]]


def test_sources_shows_each_documents_address(corpus_with_url):
    from ingest.sources import render_rows, source_rows

    _, index = corpus_with_url
    rows = {r["source"]: r for r in source_rows(list(index.passages()))}
    assert rows["phones.md"]["url"] == URL and rows["cards.md"]["url"] is None
    shown = render_rows(list(rows.values()))
    assert f"  online: {URL}" in shown and shown.count("online:") == 1
