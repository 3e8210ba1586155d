"""The rules answerer only (answer.engine.Assistant, the default): what its rules quote, decline
and judge, end to end on the real corpus and rule by rule. What both answerers must do alike is in
test_answer_assistants.py, run against each."""

from __future__ import annotations

import pytest

from answer_support import assistant, corpus_index_dir  # noqa: F401  (fixtures)


def test_exact_term_answer_quotes_the_definition(assistant):
    answer = assistant.ask("What is Lot 2?")
    assert "Additional GP IT services" in answer.text


@pytest.mark.parametrize("question", [
    "What is the GP IT budget for 2031?",                     # a year the documents never mention
    "How much does a replacement smartcard reader cost?",      # asks for a figure none of the passages give
    "Does the operating model apply to practices in Narnia?",  # names something the documents never mention
    "What is the telephone number of the IT service desk?",    # asks for a number the quotes do not give
    "How much does an NHS smartcard cost?",                    # "smartcards may be used": "may" is no date
    "How often are practice PCs replaced?",                    # the only figure is in a lower passage's quote
    "How much is the annual IG Toolkit fee?",                  # "the annual IG Toolkit" is no amount
    "When will the next operating model be published?",        # "On 3 April 2014 ... published" is the past
    "Who pays for the practice building?",                     # "CCGs must pay for systems ..." names no building
    "Who funds the practice nurse?",                           # nor a nurse
])
def test_in_domain_questions_the_documents_do_not_answer_are_declined(assistant, question):
    answer = assistant.ask(question)
    assert answer.abstained and answer.reason == "weak_evidence"
    # Plainly: unclear, or (naming what no document mentions: "Narnia", "2031") never mentioned.
    said = "never mention" if answer.missing else "don't answer this"
    assert said in answer.text.split("\n")[0]
    assert all(f"“{m}”" in answer.text for m in answer.missing)


def test_figure_question_answered_when_the_passage_gives_the_figure(assistant):
    answer = assistant.ask("How many foundation capabilities does GP IT Futures define?")
    assert not answer.abstained and "six capabilities" in answer.text


def test_date_question_quotes_the_dated_sentence_of_the_top_passage(assistant):
    """The passage's best word match ("see this page ... on GDPR") gives no date; its dated
    sentence does, so that one leads the answer instead of the question being declined."""
    answer = assistant.ask("From what date does GDPR apply, according to the LMC page?")
    assert not answer.abstained
    assert answer.text.startswith("“The GDPR is a regulation that will become applicable from 25th May 2018.” [1]")


def test_follow_up_whose_own_words_are_on_the_subject_is_answered(assistant):
    """Half its words ("item", "taken") are foreign to the documents, but alone it is close to them."""
    first = "What stopped being a core and mandated requirement in 2021?"
    answer = assistant.ask("Why was the medicines directive item taken out?", history=[first])
    assert not answer.abstained
    assert "withdrawal agreement" in answer.text


def test_an_idiom_the_corpus_never_uses_does_not_make_a_close_question_off_topic(assistant):
    answer = assistant.ask("When did the GPSoC framework come to an end?")
    assert not answer.abstained
    assert "expired in December 2018" in answer.text


@pytest.mark.parametrize("question, lead, answers", [
    ("How much does it cost?", "Other smartcards may be used for access control.", False),
    ("How much does it cost?", "The reader costs £20 from the supplier.", True),
    ("How much is the annual fee?", "Part of that is the annual IG Toolkit.", False),
    ("How often is the toolkit done?", "Part of that is the annual IG Toolkit.", True),
    ("When does it apply?", "It becomes applicable from 25th May 2018.", True),
    ("When does it apply?", "Practices may march on regardless.", False),
    ("How many lots are there?", "There are three lots.", True),
    ("Who buys the clinical system?", "The ICB buys the clinical system.", True),  # no figure asked for
    ("When will the next edition be published?", "The edition was published on 3 April 2014.", False),
    ("When will the next edition be published?", "A new edition is expected in 2025.", True),
    ("When will the services be offered?", "Services offered by PCNs from October 2022.", True),
    # The figure word may follow a few words of what it is the figure of, but must head the phrase.
    ("What is the NHS Digital service desk phone number?", "It mandates a number of digital requirements.", False),
    ("What is a Primary Care Network DES payment rate?", "The DES is paid to PCNs.", False),
    ("What is the GP IT budget for our ICB this year?", "The ICB holds the GP IT budget.", False),
    ("From what date did the page say GDPR would apply?", "GDPR applies from 25th May 2018.", True),
    ("What is the budget responsibility of the ICB?", "The ICB is responsible for the budget.", True),
])
def test_a_figure_question_needs_its_kind_of_figure_in_the_lead_quote(question, lead, answers):
    from answer.fit import quotes_answer

    assert quotes_answer(question, [lead, "A later quote from 2011 with 3 figures and £5."]) is answers


def test_old_guidance_first_is_followed_by_the_current_editions_word_on_it(assistant):
    """The LMC's 2018 'Non-core – eg IP Telephony' leads; the current edition's sentence on
    telephony comes next, rather than the 2018 'CCGs must pay for systems...' about clinical systems."""
    answer = assistant.ask("Who pays for the practice phone system?")
    assert not answer.abstained
    assert "GP telephony remains a practice responsibility" in answer.text
    assert "CCGs must pay for systems" not in answer.text.split("\n\n")[0]


def test_a_quote_saying_who_pays_for_the_thing_leads_and_its_passage_is_cited_first(assistant):
    """The LMC's 'Non-core - eg IP Telephony' only classifies telephony; the operating model's
    sentence says whose responsibility it is. It leads, alone: the top passage's 'CCGs must pay
    for systems...' is about clinical systems."""
    answer = assistant.ask("who pays for our phones?")
    assert answer.text.startswith("“guidance and a template specification to support practices procuring "
                                  "Advanced Telephony Solutions although GP telephony remains a practice "
                                  "responsibility.” [1]")
    assert "GP telephony remains a practice responsibility" in answer.citations[0].passage.text
    assert "CCGs must pay for systems" not in answer.text


@pytest.mark.parametrize("question, sentence, answers", [
    ("Who pays for our phones?", "GP telephony remains a practice responsibility.", True),
    ("Who pays for our phones?", "Non-core – eg IP Telephony", False),  # names it, says nothing of who pays
    ("Who pays for our phones?", "CCGs must pay for systems.", False),  # says who pays, for something else
    ("Who provides IT training for practice staff?", "IT equipment purchased by practice staff", False),
    ("What is telephony?", "GP telephony remains a practice responsibility.", False),  # not a who-pays question
])
def test_a_sentence_answers_who_pays_when_it_names_the_thing_and_a_duty(question, sentence, answers):
    from answer.fit import answers_who

    assert answers_who(question, sentence) is answers


def test_a_question_about_a_past_year_keeps_to_its_period(assistant):
    answer = assistant.ask("How much funding was in the 2014-16 operating model?")
    assert "£230million" in answer.text and "2021" not in answer.text.split("\n\n")[0]


def test_everyday_words_the_documents_never_use_are_judged_in_the_documents_words(assistant):
    """"phones" is never in the documents, "telephony" is: the question is close to them once
    reworded, so it is answered instead of declined (its own cosine is below the threshold)."""
    answer = assistant.ask("who pays for our phones?")
    assert not answer.abstained
    assert "GP telephony remains a practice responsibility" in answer.text


@pytest.mark.parametrize("question, lead, named", [
    ("Who pays for the practice building?", "CCGs must pay for systems that have met RFA standards.", False),
    ("Who buys our PCs?", "CCGs are responsible for buying GP clinical computer systems.", True),  # a lexicon name
    ("Who is responsible for cyber security in our practice?", "The requirement to protect general practice "
     "including cyber security.", True),  # the head is "security", not the practice it is in
    ("What replaced GPSoC?", "GP IT Futures replaced GPSoC.", True),  # not a who-pays question
    # A pronoun does not say what it stands for: the reader could not check the quote answers.
    ("Who buys the clinical system?", "The ICB buys it.", False),
])
def test_a_who_pays_question_needs_a_lead_quote_naming_what_it_asks_about(question, lead, named):
    from answer.fit import names_the_subject

    assert names_the_subject(question, lead) is named


def test_a_word_and_its_irregular_forms_are_one_name(assistant):
    """'choose' and 'choice' share no stem; as mere synonyms (with 'decide') the answer quoted the
    LMC's 'have to decide whether to host the service' for this example question."""
    answer = assistant.ask("Can a practice choose its own clinical system?")
    assert "Practices are guaranteed choice from a number of accredited systems" in answer.text


def test_a_declined_question_naming_a_replaced_body_gets_the_lineage_not_a_quote(assistant):
    answer = assistant.ask("When did CCGs become ICBs?")
    assert answer.abstained and answer.reason == "weak_evidence"
    assert "not a quote from these documents): CCGs were replaced by Integrated Care Boards (ICBs) in July 2022." \
        in answer.text
    assert answer.currency_notes == ["CCGs were replaced by Integrated Care Boards (ICBs) in July 2022."]
    off_topic = assistant.ask("Did the CCG football team win?")
    assert off_topic.abstained and off_topic.currency_notes == []  # an off-topic decline keeps to its point


def test_a_question_citing_a_source_is_answered_from_that_source(assistant):
    """'LMC' is how the question finds the LMC's page, not a word to look for inside it: the
    LMC's 'LMC sits on a number of IT groups' is no answer to what it says about levels."""
    answer = assistant.ask("What levels of IT service does the LMC describe?")
    assert answer.citations[0].passage.source.startswith("004_")
    assert answer.text.startswith("“There are basically three tiers of service,")


@pytest.mark.parametrize("question, who_only, subject", [
    ("Who is responsible for cyber security in our practice?", True, "cyber security"),
    ("Is telephony included in GP IT funding?", False, "telephony"),
    ("Is telephony included in GP IT funding?", True, None),
    ("Are our smartcards covered by the ICB?", False, "smartcards"),
    ("What replaced GPSoC?", False, None),
    # The same question asked of one body, yes or no.
    ("Does the ICB pay for our building rent?", True, "our building rent"),
    ("Is the CCG responsible for replacing our PCs?", True, "replacing our PCs"),
    ("Does our GP IT delivery partner provide training?", True, "training"),
    ("Do we have to pay for the core IT stuff ourselves or does the NHS cover it?", True, "the core IT stuff"),
    ("Is it the practice that pays?", True, None),
    ("Who is our GP IT provider?", True, None),  # answered by a definition naming a delivery partner
    ("Can a practice choose its own clinical system?", True, None),  # "its own" owns nothing
    ("Does the ICB own the IT equipment in our practice?", True, "the IT equipment"),
])
def test_the_subject_of_a_who_pays_or_is_it_covered_question(question, who_only, subject):
    from answer.fit import subject_of

    assert subject_of(question, who_only) == subject


@pytest.mark.parametrize("question", [
    "Does the ICB pay for our building rent?",
    "Is the ICB responsible for our car park lighting?",
])
def test_a_yes_no_question_about_a_thing_the_documents_never_name_is_declined(assistant, question):
    """Both were answered with a sentence about paying for systems, or about accountability in general."""
    answer = assistant.ask(question)
    assert answer.abstained and answer.reason == "weak_evidence"


def test_a_vague_last_word_is_not_the_subject():
    from answer.fit import names_the_subject

    question = "Do we have to pay for the core IT stuff ourselves?"
    assert names_the_subject(question, "Core and mandated requirements are funded by the ICB.")


def test_a_quote_naming_the_subject_leads_over_a_closer_match_of_its_other_words(assistant):
    """'...framework contracts, including GP IT Futures...' matches 'included in GP IT' best;
    the same passage's sentence on telephony is the answer."""
    answer = assistant.ask("Is telephony included in GP IT funding?")
    assert "GP telephony remains a practice responsibility" in answer.text


def test_website_is_its_own_word_not_any_web_or_digital_thing(assistant):
    """With website ~ web ~ digital, 'who pays for our website?' quoted an 'EMIS Web' sentence."""
    answer = assistant.ask("who pays for our website?")
    assert answer.text.startswith("“We would encourage all practices to consider having their own website.”")


def test_staff_words_for_back_office_software_find_the_business_systems_definition(assistant):
    """'HR system' is nowhere in the documents; 'Practice business support systems' is what they call it."""
    answer = assistant.ask("Is our HR system the practice's responsibility?")
    assert answer.citations[0].passage.defined_term == "Practice business support systems"


@pytest.mark.parametrize("question", ["What does HSCN replace?", "What replaced N3?"])
def test_a_question_about_a_network_the_documents_never_name_is_declined(assistant, question):
    """The lexicon knows HSCN and N3; these documents name neither, and the 'expected to replace
    a single published document' they quoted has nothing to do with either."""
    answer = assistant.ask(question)
    assert answer.abstained and answer.reason == "weak_evidence"


def test_an_unnamed_acronym_mentioned_in_passing_does_not_decline(assistant):
    answer = assistant.ask("Who has to provide the IT we use to run the practice as a business, like HR and finance?")
    assert not answer.abstained


def test_out_of_scope_organisations_are_not_answered_with_those_in_scope(assistant):
    answer = assistant.ask("Which organisations are out of scope of the operating model?")
    assert answer.text.startswith("“Organisations out of scope:")


def test_a_question_about_a_topic_the_documents_never_mention_is_declined(assistant):
    """'operating model' brought it close to every passage; 'mergers' is in none of them."""
    answer = assistant.ask("Does the operating model say anything about practice mergers?")
    assert answer.abstained and answer.reason == "weak_evidence"


@pytest.mark.parametrize("question, unknown", [
    ("Does the operating model say anything about practice mergers?", "merger"),
    ("What does the operating model say about GDPR?", None),
    ("What did the LMC say about EMIS Web migration?", None),
    ("Who pays for mergers?", None),  # not a says-about question: the who-pays checks judge it
    ("Who is our ICB's chief digital officer?", "officer"),
    ("Who is our GP IT delivery partner?", None),
    ("Who were the 2013 arrangements for?", None),  # asks whom they served, not who they are
])
def test_the_topic_of_a_says_about_or_who_is_question_is_checked_against_the_documents_words(assistant, question, unknown):
    from answer.scope import unknown_topic

    assert unknown_topic(question, assistant.retriever.corpus().bm25.idf) == unknown


@pytest.mark.parametrize("question, term", [
    ("What is the definition of a practice?", "Practice"),
    ("what does the operating model mean by practice?", "Practice"),
    ("Quote the operating model's definition of a clinical system.", "Clinical system"),
    ("define practice staff for me", "Practice staff"),
])
def test_a_definition_asked_for_by_name_leads_however_common_its_term(assistant, question, term):
    """'practice' is in nearly every passage, and 'The following definitions are used in this
    document:' matched 'definition' best."""
    answer = assistant.ask(question)
    assert answer.citations[0].passage.defined_term == term
    assert answer.text.startswith(f"“{term}:")


def test_define_as_a_verb_mid_question_asks_for_no_definition(assistant):
    corpus = assistant.retriever.corpus()
    assert corpus.asked_definitions("How many capabilities does GP IT Futures define that a foundation solution meets?") == ()
    assert corpus.asked_definitions("What is the meaning of life?") == ()


def test_an_end_is_an_expiry(assistant):
    answer = assistant.ask("when did GPSoC end?")
    assert answer.text.startswith("“The GPSoC contractual framework expired in December 2018.")


@pytest.mark.parametrize("question, lead, mentions", [
    ("When does the operating model end?", "The GPSoC contractual framework expired in December 2018.", False),
    ("When did GPSoC end?", "The GPSoC contractual framework expired in December 2018.", True),
    ("When was the first GP IT operating model published?", "Since the first GP IT Operating Model in 2012", True),
    ("Who pays for the operating model?", "The GPSoC contractual framework expired.", True),  # not a when-question
])
def test_a_when_question_needs_a_lead_naming_what_it_dates(question, lead, mentions):
    """'framework' is only a synonym of 'operating model': an expiry of another framework is no answer."""
    from answer.fit import mentions_what_happened

    assert mentions_what_happened(question, lead) is mentions


@pytest.mark.parametrize("question, quoted, answers", [
    # A sum of money, in the lead or the quote after it; the "1" of "Lot 1" is none.
    ("What is the budget for GP IT in our ICB this year?", ["The government will pay for most of the essential parts (Lot 1)."], False),
    ("How much funding was in the 2014-16 operating model?",
     ["On 3 April 2014 NHS England published an updated operating model.", "It is backed by more than £230million."], True),
    # A number next to what is counted.
    ("How many PCs does a practice of 10,000 patients get?",
     ["Services offered in lot 1, patient arrival systems, physical device APIs."], False),
    ("How many tiers of GP IT service are there?", ["There are basically three tiers of service,"], True),
    ("How many dispensing practices are there?", ["Dispensing practices (approximately 1,000) operate under it."], True),
    ("How many foundation capabilities does GP IT Futures define?", ["The six capabilities defined under GP IT Futures"], True),
    ("How many times has it been updated?", ["Editions were published in 2014, 2016 and 2019."], True),
    ("Roughly how many of them are there?", ["About 1,000 of them."], True),
])
def test_a_figure_question_needs_the_figure_it_asks_for(question, quoted, answers):
    from answer.fit import quotes_answer

    assert quotes_answer(question, quoted) is answers


@pytest.mark.parametrize("question", [
    "Who is our ICB's chief digital officer?",  # a person the documents never name
    "What does the ICB spend on GP IT per patient?",  # an amount, and no sum is quoted
    "What are the opening hours of the LMC office?",  # a time, and no time is quoted
    "Which clinical system is best, EMIS or SystmOne?",  # advice the documents do not give
])
def test_questions_the_closest_passage_does_not_answer_are_declined(assistant, question):
    answer = assistant.ask(question)
    assert answer.abstained and answer.reason == "weak_evidence"


@pytest.mark.parametrize("question, lead, answers", [
    ("Should we have our own website?", "We would encourage all practices to consider having their own website.", True),
    ("Which clinical system is best?", "Clinical system: the application used to manage records.", False),
])
def test_advice_questions_need_a_lead_that_advises(question, lead, answers):
    from answer.fit import quotes_answer

    assert quotes_answer(question, [lead]) is answers


def test_a_decline_for_quotes_that_fall_short_names_nothing_missing(assistant):
    answer = assistant.ask("What is the budget for GP IT in our ICB this year?")
    assert answer.abstained and answer.missing == []
    assert answer.text.startswith("The documents don't answer this clearly enough")
