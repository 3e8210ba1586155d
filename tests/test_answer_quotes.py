"""Choosing the quoted sentence, on the real corpus."""

from __future__ import annotations

from answer_support import assistant, corpus_index_dir  # noqa: F401  (fixtures)


def test_a_when_question_quotes_the_date(assistant):
    answer = assistant.ask("When did the GPSoC framework come to an end?")
    assert "December 2018" in answer.text


def test_a_list_item_is_quoted_with_the_sentence_that_finishes_it(assistant):
    answer = assistant.ask("Are dispensing practices covered by the operating model for their dispensing software?")
    assert not answer.abstained
    assert "These services are outside the scope for the receipt of GP IT digital services" in answer.text


def test_a_short_definition_at_the_top_is_quoted_whole(assistant):
    """Its first sentence only names the framework; what it offers is in the next one."""
    answer = assistant.ask("What does the GP IT Futures framework offer practices?")
    assert answer.text.startswith(
        "“GP IT futures framework: The GP IT Futures Framework Agreement accessible within the Digital Care "
        "Services Catalogue. Provides accredited clinical systems for primary care including Foundation Solutions.” [1]"
    )


def test_a_dateline_is_quoted_with_the_sentence_it_dates():
    from answer.quotes import candidates

    text = "- 11 December 2006\nLocal NHS organisations will be required to draw up plans."
    spans = [(0, 18), (19, len(text))]
    quotes = candidates("What was required in December 2006?", text, spans, [(2.0, 1.0), (0.0, 1.0)], rank=0)
    best = max(quotes, key=lambda q: q.score)
    assert best.text(text) == text


def test_a_definition_unit_matches_what_its_sentences_match():
    from answer.quotes import candidates

    text = "Term: The first part. Provides the second part."
    spans = [(0, 21), (22, len(text))]
    whole, *sentences = candidates("q", text, spans, [(1.0, 0.0), (0.0, 1.0)], rank=0, definition=True)
    assert whole.text(text) == text and whole.scores == (1.1, 1.0)  # the first sentence's bonus kept
    assert len(sentences) == 2
    assert len(candidates("q", text, spans, [(1.0, 0.0), (0.0, 1.0)], rank=0)) == 2  # not a definition: sentences only


def test_a_how_much_question_quotes_the_amount_not_just_a_date(assistant):
    answer = assistant.ask("How much money went into GP IT under the 2014-16 operating model?")
    assert not answer.abstained and "£230million" in answer.text


def test_money_is_preferred_for_amounts_and_any_figure_for_dates():
    from answer.fit import figure_needed, figures_wanted

    how_much = "How much did it cost?"
    assert figures_wanted(how_much)[0].search("£20") and not figures_wanted(how_much)[0].search("3 April 2014")
    assert figure_needed(how_much).search("3 April 2014")  # a dated sentence is still an answer when no amount is
    assert figures_wanted("When did it start?")[0].search("3 April 2014")
    assert figures_wanted("Who buys it?") == ()


def test_an_undescribed_documents_note_says_only_what_is_known_and_nothing_for_the_operator():
    """Issue 13: readers were told about metadata.yaml in 47 of 72 answers; that hint is for
    `opmodel ingest` and `opmodel sources`. The answer says the date, or "date not stated"."""
    from answer.currency import catalogue_statement, passage_note
    from ingest.catalog import DocumentInfo
    from opmodel.passage import UNDESCRIBED_NOTE, Passage

    info = DocumentInfo.undescribed("new-model.md")
    assert info.status == "unknown"
    dated = Passage(source=info.source, text="The ICB funds it.", ordinal=0, title="GP IT operating model 2023",
                    status=info.status, published="2023-04", status_note=info.status_note)
    assert passage_note([1], dated) == "[1] is from a 2023 document whose status is not stated: “GP IT operating model 2023”."
    undated = Passage(source="lmc.txt", text="The LMC sits on IT groups.", ordinal=0, title="LMC news", status="unknown")
    assert passage_note([2], undated) == "[2] is from a document whose date is not stated: “LMC news”."
    assert "date not stated" in catalogue_statement(undated)
    # An index built before "unknown" existed marked such documents historical, with a note naming the file.
    legacy = Passage(source="lmc.txt", text="The LMC sits on IT groups.", ordinal=0, title="LMC news",
                     status="historical", status_note=UNDESCRIBED_NOTE)
    for text in (passage_note([1], dated), passage_note([2], undated), passage_note([3], legacy),
                 catalogue_statement(legacy), catalogue_statement(dated)):
        assert "metadata" not in text and "historical" not in text