"""What both answerers must do alike, each test run against the rules answerer
(answer.engine.Assistant, id "rules") and the fitted-scorer answerer
(answer.scored_engine.ScoredAssistant, OPMODEL_ANSWERER=scorer, id "scorer"), end to end on the
real corpus: quoted answers, citations, currency notes, abstention, follow-ups and bad input.
What only one of them does is in test_answer_engine.py (rules) and test_answer_scored_engine.py
(scorer)."""

from __future__ import annotations

import re

import pytest

from answer.engine import EXAMPLE_QUESTIONS, REPHRASE_TIP, Assistant, validate_question
from answer.scored_engine import ScoredAssistant
from answer_support import corpus_index_dir, quoted_pieces  # noqa: F401  (fixtures)
from opmodel.errors import IndexMissingError, QuestionError
from opmodel.settings import MAX_QUESTION_CHARS, Settings

ANSWERERS = {"rules": Assistant, "scorer": ScoredAssistant}


@pytest.fixture(scope="module", params=list(ANSWERERS), ids=lambda name: f"{name}-answerer")
def assistant(request, corpus_index_dir):
    return ANSWERERS[request.param].from_settings(Settings(index_dir=corpus_index_dir, answerer=request.param))


ANSWERABLE = [
    "What is Lot 2?",
    "Who issues NHS smartcards?",
    "Who pays for the practice phone system?",
    "Which organisations are out of scope of the operating model?",
    "Who buys GP clinical systems?",
    "What is the DFOCVC framework?",
]


@pytest.mark.parametrize("question", ANSWERABLE)
def test_every_statement_is_a_verbatim_quote_with_a_resolving_marker(assistant, question):
    answer = assistant.ask(question)
    assert not answer.abstained
    numbers = [c.n for c in answer.citations]
    assert numbers == list(range(1, len(numbers) + 1)) and 1 <= len(numbers) <= 5
    pieces = quoted_pieces(answer.text)
    assert pieces, answer.text
    for piece, marker in pieces:
        assert marker in numbers
        assert piece in answer.citations[marker - 1].passage.text
    markers = {int(m) for m in re.findall(r"\[(\d+)\]", answer.text)}
    assert markers <= set(numbers)


def test_citations_in_rank_order_with_scores(assistant):
    answer = assistant.ask("Who issues NHS smartcards?")
    scores = [c.score for c in answer.citations]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < s <= 1 for s in scores)


def test_list_item_is_quoted_with_its_introduction(assistant):
    answer = assistant.ask("Who administered password resets for primary care contractors in 2013?")
    assert "The NHS CB will be directly responsible for:" in answer.text
    assert "password resets" in answer.text


def test_superseded_source_gets_a_dated_currency_note(assistant):
    answer = assistant.ask("Who has the responsibility for buying and maintaining GP clinical computer systems?")
    assert any("Integrated Care Boards" in n and "July 2022" in n for n in answer.currency_notes)
    assert any("2018" in n and "superseded" in n for n in answer.currency_notes)
    assert "Note:" in answer.text and "Integrated Care Boards" in answer.text


def test_nhs_commissioning_board_text_says_now_nhs_england(assistant):
    answer = assistant.ask("Who administered password resets for primary care contractors in 2013?")
    assert any("now NHS England" in n for n in answer.currency_notes)


def test_current_document_without_old_names_has_no_notes(assistant):
    answer = assistant.ask("What is a managed GP IT device?")
    assert answer.citations[0].passage.status == "current"
    assert answer.currency_notes == []


@pytest.mark.parametrize("question", [
    "What dose of amoxicillin should a child with tonsillitis get?",
    "How do I set my status to away in Slack?",
    "Who scored the winning goal in the World Cup final?",
    "How many days of annual leave do receptionists get?",
])
def test_out_of_scope_declined_plainly_with_nearest_passages(assistant, question):
    answer = assistant.ask(question)
    assert answer.abstained and answer.reason in ("out_of_scope", "weak_evidence")
    assert "[" not in answer.text.split("Closest passages")[0], "a decline quotes nothing as an answer"
    assert answer.suggestions and answer.citations
    assert len(answer.citations) <= 3


def test_follow_up_understood_from_the_question_before(assistant):
    first = "Who buys GP clinical systems?"
    follow_up = assistant.ask("and who pays for them?", history=[first])
    assert not follow_up.abstained
    assert any(c.passage.source.startswith("003_") for c in follow_up.citations[:2])


@pytest.mark.parametrize("follow_up", ["Did they win the league this year?", "and what about the football?"])
def test_off_topic_follow_up_still_declined(assistant, follow_up):
    answer = assistant.ask(follow_up, history=["Who buys GP clinical systems?"])
    assert answer.abstained and answer.reason == "out_of_scope"


def test_answer_json_matches_the_contract(assistant):
    data = assistant.ask("What is Lot 2?").to_json()
    assert set(data) == {"question", "answer", "abstained", "citations", "elapsed_ms"}
    assert set(data["citations"][0]) == {"n", "source", "title", "published", "status", "page", "section", "url", "text", "score"}
    assert data["elapsed_ms"] > 0


@pytest.mark.parametrize("bad, message", [
    ("", "empty"),
    ("   \n\t ", "empty"),
    ("x" * (MAX_QUESTION_CHARS + 1), "2,000"),
    ("bad \udcff bytes", "UTF-8"),
    (None, "text"),
])
def test_bad_questions_raise_question_error(assistant, bad, message):
    with pytest.raises(QuestionError, match=message):
        validate_question(bad)
    with pytest.raises(QuestionError, match=message):
        assistant.ask(bad)


@pytest.mark.parametrize("answerer", ANSWERERS.values(), ids=[f"{n}-answerer" for n in ANSWERERS])
def test_missing_index_is_one_clear_error(answerer, tmp_path):
    with pytest.raises(IndexMissingError, match="opmodel ingest"):
        answerer.from_settings(Settings(index_dir=tmp_path / "nothing-here")).ask("What is Lot 2?")


def test_off_topic_decline_says_what_the_documents_cover_with_example_questions(assistant):
    answer = assistant.ask("What dose of amoxicillin should a child with tonsillitis get?")
    assert answer.reason == "out_of_scope"
    assert "These documents cover GP IT" in answer.text
    assert all(q in answer.text for q in EXAMPLE_QUESTIONS)
    assert REPHRASE_TIP not in answer.text, "rephrasing advice is for weak evidence, not another subject"
    assert answer.suggestions == list(EXAMPLE_QUESTIONS)


@pytest.mark.parametrize("question", EXAMPLE_QUESTIONS)
def test_example_questions_offered_when_declining_are_answered(assistant, question):
    assert not assistant.ask(question).abstained


def test_the_corpus_knows_a_name_only_as_a_phrase(assistant):
    """'health', 'social', 'care' and 'network' are all in these documents, never together."""
    corpus = assistant.retriever.corpus()
    assert corpus.mentions("primary care networks") and corpus.mentions("Primary Care  Networks")
    assert not corpus.mentions("health and social care network")


@pytest.mark.parametrize("question, title, status", [
    ("Is the 2018 LMC guidance still current?", "Lancashire and Cumbria LMC: IT for practices", "historical"),
    ("What is the status of the GPSoC guidance?", "GP Systems of Choice (GPSoC): guidance for practices", "superseded"),
])
def test_asked_whether_a_document_is_current_the_catalogue_answers_first(assistant, question, title, status):
    """The documents rarely say so of themselves; the corpus metadata does, and says it is not a quote."""
    answer = assistant.ask(question)
    first = answer.text.split("\n")[0]
    assert first.startswith("opmodel's catalogue (not a quote from the document): ")
    assert f"“{title}”" in first and f" is {status}." in first


def test_a_question_about_a_thing_still_in_use_is_left_to_the_quotes(assistant):
    answer = assistant.ask("Is the IG toolkit still used?")
    assert "opmodel's catalogue" not in answer.text


# Facts no weight can learn stay hard gates: a year outside every document, a name nobody knows.
@pytest.mark.parametrize("question, missing", [
    ("What does HSCN replace?", ["HSCN"]),
    ("Does the operating model say anything about practice mergers?", ["mergers"]),
    ("What will the 2030 operating model say?", ["2030"]),
    ("What is the GP IT budget for 2031?", ["2031"]),
    ("Does the operating model apply to practices in Narnia?", ["Narnia"]),
])
def test_a_question_naming_what_no_document_knows_is_declined_and_says_so(assistant, question, missing):
    answer = assistant.ask(question)
    assert answer.abstained and answer.reason == "weak_evidence"
    assert answer.missing == missing
    assert answer.text.startswith(f"These documents never mention “{missing[0]}”, so I can't quote an answer.")


def test_a_capitalised_word_starting_a_later_sentence_is_not_a_name(assistant):
    answer = assistant.ask("A laptop was stolen from a GP's car. Apart from the ICB, who else needs to be told?")
    assert "Apart" not in answer.missing and "never mention “Apart”" not in answer.text


# Pieces both answerers rely on, with no answerer of their own to run against.


@pytest.mark.parametrize("question, names", [
    ("Does Cerner work with EMIS?", ["Cerner", "EMIS"]),
    ("A laptop was stolen from a GP's car. Apart from BDH, who else?", ["GP", "BDH"]),
    ("“Narnia” practices: who pays?", []),  # the first word, behind a quote mark
    ("Who pays: Wrenmoor or Ashby?", ["Wrenmoor", "Ashby"]),
])
def test_names_are_capitalised_words_that_do_not_start_a_sentence(question, names):
    from answer.scope import capitalised_words

    assert capitalised_words(question) == names


def test_question_at_the_limit_is_accepted_and_stripped():
    assert validate_question("  " + "a" * MAX_QUESTION_CHARS + "\n") == "a" * MAX_QUESTION_CHARS


def test_rewording_adds_only_names_for_words_the_documents_lack():
    from answer import lexicon

    vocabulary = {"telephony", "practic", "pay"}
    reworded = lexicon.in_the_documents_words("who pays for our phones?", vocabulary)
    assert reworded.startswith("who pays for our phones? (") and "telephony" in reworded
    assert lexicon.in_the_documents_words("who pays for practice telephony?", vocabulary) is None


@pytest.mark.parametrize("question, source, kind", [
    ("According to Lancashire and Cumbria LMC, who bought hardware?", {"lancashir", "cumbria", "lmc"}, set()),
    ("Per the LMC page, what are business systems?", {"lmc"}, {"pag"}),
    ("What levels of IT service does the LMC describe?", {"lmc"}, set()),
    ("Can the LMC take up an IT problem for us?", set(), set()),  # the LMC acts here: it is the subject
    ("What was GPSoC?", set(), set()),
])
def test_a_question_citing_a_source_is_told_apart_from_one_about_it(question, source, kind):
    from answer.query import source_named

    assert source_named(question) == (source, kind)
