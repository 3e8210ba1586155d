"""Does a quote answer the question? What a question's shape asks of the sentence it leads with.

The retrieval finds the closest passages; whether their best sentence answers is another
matter, and these checks say what it must hold, from the question's own words:

* a figure of the kind asked for: a sum of money for "how much" or "what is the budget", a
  number next to the thing counted for "how many PCs", a date for "when";
* the thing asked about, for "who pays for X?" and "does the ICB pay for X?" (and, when the
  lead is chosen, for "is X covered?"); what is dated, for "when did X end?"; advice, for
  "which system is best?";
* for the future ("when will..."), a sentence that looks ahead;
* for a financial year ("the 2027/28 bids"), a lead that does not name only other ones
  ("Bids for 2026/27 grants ...": another year's rule). Not for a span like "2021-23", which
  mostly names an edition the question starts from ("the edition before the 2021-23 one").

The engine declines when the lead quote fails them (``quotes_answer``); the composer uses the
same reading of the question to choose its lead (``names_the_subject``, ``answers_who``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from answer import bm25
from answer.query import build_query
from answer.question import ASKS_ABOUT_THE_FUTURE, HOW_MANY, HOW_MUCH_TIME
from opmodel.dates import MONTHS, YEAR, periods

ASKS_FOR_A_FIGURE = re.compile(
    r"\bhow (much|many|long|often|fast|quickly)\b|\bwhen (is|are|was|were|will|must|should|do|does|did)\b"
    # "What is the GP IT budget for ...", "... the service desk phone number?": the figure word heads
    # the phrase asked about (not "what is the budget responsibility of ...").
    r"|\bwhat(?:'s| is| are| was| were)? (?:the |a |an )?(?:[\w-]+ ){0,6}(year|date|time|cost|price|budget|amount|speed|"
    r"deadline|percentage|number|figure|rate|fee|charge|salary|hour)s?\b"
    r"(?=\s*(?:[?.!,;]|$|\b(?:for|of|in|to|that|which|when|on|at|per|this|next|each|is|are|was|were|do|does|did|will"
    r"|would|should|must|can|could|has|have|had|may|might)\b))"
    r"|\bwhat (?:do|does|did|will|would) [\w'’ -]{1,40}? (?:spend|spent|cost)\b",  # "what does the ICB spend on GP IT?", "what does a cartridge cost?"
    re.I,
)
ASKS_FOR_A_COUNT = re.compile(r"\bhow many\b", re.I)
# "How much is the annual fee?" quoting "the annual IG Toolkit" has a frequency, not an amount.
ASKS_FOR_AN_AMOUNT = re.compile(r"\bhow much\b|\b(cost|price|budget|amount|fee|charge|rate|salary|salaries)s?\b"
                                r"|\b(?:spend|spent)\b", re.I)
_AMOUNT = re.compile(r"\d|£|\b(million|billion)\b", re.I)
_MONEY = re.compile(r"[£$€]|\b(million|billion|pounds?|per cent|percent)\b|\d\s*%", re.I)
_COUNT = re.compile(r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozen|hundred|thousand)\b", re.I)
# Month names count only capitalised (MONTHS): "practices may choose" and "march on" give no date.
_FIGURE = re.compile(rf"\d|£|\b(?i:million|billion|annual|annually|monthly|weekly|daily)\b|\b({MONTHS})\b")

# "When will the next edition be published?" asks about the future (ASKS_ABOUT_THE_FUTURE): "On 3
# April 2014 NHS England published ..." is a date, but of the past. The lead quote must look ahead itself.
_LOOKS_AHEAD = re.compile(
    r"\b(will|shall|expected|expects?|planned|planning|plans|due|shortly|forthcoming|upcoming|going to)\b"
    rf"|\b(from|by|until|before)\s+(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?(?-i:{MONTHS}|(?:19|20)\d\d)\b",
    re.I,
)


def names_only_other_years(asked: dict, lead: str) -> bool:
    """``asked``: the periods the question names, (first year, last year) -> as typed. Does it
    ask about a financial year ("2027/28") while the lead names only other ones?"""
    years = {span for span, typed in asked.items() if "/" in typed}
    named = {span for span, typed in periods(lead).items() if "/" in typed}
    return bool(years) and bool(named) and not named & years


def names_a_year(question: str) -> bool:
    return bool(YEAR.search(question))


def figure_needed(question: str) -> Optional[re.Pattern]:
    """What a quote must contain to answer a question asking for a count, an amount or a date."""
    if ASKS_FOR_A_COUNT.search(question):
        return _COUNT
    if not ASKS_FOR_A_FIGURE.search(question):
        return None
    return _AMOUNT if ASKS_FOR_AN_AMOUNT.search(question) and not HOW_MUCH_TIME.search(question) else _FIGURE


def figures_wanted(question: str) -> tuple[re.Pattern, ...]:
    """What the lead quote should contain, best first: for "how much", money before any
    amount ("On 3 April 2014 NHS England published..." has digits, "more than £230million in
    funding" has the amount); otherwise what ``figure_needed`` asks for."""
    needed = figure_needed(question)
    if needed is None:
        return ()
    return (_MONEY, _AMOUNT) if needed is _AMOUNT else (needed,)


# "Which clinical system is best, EMIS or SystmOne?" is answered by a quote that advises, not
# by the definition of a clinical system.
ASKS_FOR_ADVICE = re.compile(
    r"\b(?:which|what)\b[^?.!]*\b(?:is|are)\s+(?:the\s+)?(?:best|better|cheapest|recommended)\b"
    r"|\bshould (?:we|i) (?:use|buy|choose|pick|get|go for|go with)\b|\brecommend",
    re.I,
)
_ADVISES = re.compile(r"\b(?:recommend\w*|encourag\w*|advis\w*|best|should|must|guidance)\b", re.I)


def quotes_answer(question: str, quoted: list[str]) -> bool:
    """After composing, does what would be quoted answer the question? ``quoted[0]`` is the
    lead. A question about the future needs a lead that looks ahead; "who pays for X?" one
    naming X; "when did X happen?" one naming X; a request for advice one that advises; a
    question asking for an amount, a count or a date a lead giving one (and a sum of money in
    some quote for an amount). "How much does X cost?" quoting a sentence without a figure is
    not an answer, however close the passage."""
    if ASKS_ABOUT_THE_FUTURE.search(question) and not (quoted and _LOOKS_AHEAD.search(quoted[0])):
        return False
    if not (quoted and names_the_subject(question, quoted[0]) and mentions_what_happened(question, quoted[0])):
        return False
    if ASKS_FOR_ADVICE.search(question) and not _ADVISES.search(quoted[0]):
        return False
    needed = figure_needed(question)
    # "What is the budget for GP IT?" is not answered by the "1" of "Lot 1": a sum of money is,
    # in the lead or the quote after it ("On 3 April 2014 ... published", then "£230million").
    if needed is _AMOUNT and not any(_MONEY.search(q) for q in quoted):
        return False
    if needed is _COUNT and not counts_what_is_asked(question, quoted[0]):
        return False
    return needed is None or bool(needed.search(quoted[0]))


_OCCASIONS = frozenset(bm25.words("time times occasion occasions"))
COUNT_REACH = 3  # words between a number and the thing it counts ("three tiers", "practices (approximately 1,000)")
_LEAD_WORD = re.compile(r"[A-Za-z][\w-]*|\d[\d,.]*")


def counts_what_is_asked(question: str, lead: str) -> bool:
    """For "how many PCs...?", a number next to PCs (or a name for them), not the "1" of "Lot 1"."""
    asked = HOW_MANY.search(question)
    what = set(bm25.words(asked.group("subject"))) if asked else set()
    # "how many of them": the thing counted is not named; "how many times": a list of dates
    # ("editions published in 2014, 2016 and 2019") answers without a count.
    if not what or what <= _OCCASIONS:
        return True
    names = what | {t for name in _lexicon_names(asked.group("subject"), 0.7) or () for t in name}
    words = _LEAD_WORD.findall(lead)
    at = [i for i, w in enumerate(words) if bm25.stem(w.lower()) in names]
    numbers = [i for i, w in enumerate(words) if w[0].isdigit() or _COUNT.fullmatch(w)]
    return any(abs(i - j) <= COUNT_REACH for i in at for j in numbers)


# "When does the operating model end?": what the question dates comes between its auxiliary
# and its last word (the event). "The GPSoC contractual framework expired in December 2018"
# dates an end, but not of the operating model.
_WHEN_DID = re.compile(r"^\W*(?:and\s+|so\s+)?when\s+(?:did|does|do|will|was|were|is|are)\s+(?P<subject>.+?)\s+[\w-]+\W*$", re.I)


def mentions_what_happened(question: str, lead: str) -> bool:
    """For "when did X happen?", does the lead name any word of X (or an exact equivalent)?
    True for any other question."""
    asked = _WHEN_DID.match(question)
    names = _lexicon_names(asked.group("subject"), 0.9) if asked else None
    return names is None or _named(names, lead)


def _lexicon_names(phrase: str, closeness: float) -> Optional[list[tuple[str, ...]]]:
    """The words of every name the phrase's words and terms go by (at least this close to
    them), or None when the phrase has none of its own (only word pairs)."""
    concepts = [c for c in build_query(phrase).concepts if not all(map(bm25.is_pair, c[0][0]))]
    if not concepts:
        return None
    return [tuple(t for t in terms if not bm25.is_pair(t)) for c in concepts for terms, w in c if w >= closeness]


# "Who pays for the practice building?" is not answered by "CCGs must pay for systems ...":
# a question about who pays for, provides or looks after a thing needs a lead quote naming it.
_WHO_DOES_WHAT = re.compile(
    r"^\W*(?:and |so |but )?who(?:'s| is| are| will| should| would)? (?:pays?|funds?|provides?|buys?|supplies|"
    r"maintains?|replaces?|responsible|looks? after|fixes|owns?|gives?|commissions?|manages?|installs?)"
    r"(?: for| to)? (?P<subject>[^?.!]+)",
    re.I,
)
# "Does the ICB pay for our building rent?", "Is the CCG responsible for replacing our PCs?": the
# same question asked of one body, yes or no. The body is a few words ("NHS England", "our GP IT
# delivery partner"); the thing asked about follows the verb.
_DOES_BODY_DO_WHAT = re.compile(
    r"^\W*(?:and |so |but )?(?:is|are|does|do|will|would|should|can|must|has|have)\s+(?:the\s+|our\s+|an?\s+)?"
    r"(?:[\w&'’-]+\s+){0,4}?(?:pay|fund|provide|buy|supply|maintain|replace|responsible|look after|fix|"
    r"(?<!its )(?<!our )(?<!their )(?<!your )(?<!my )own|give|"
    r"commission|manage|install)(?:\s+for|\s+to)?\s+(?P<subject>[^?.!]+)",
    re.I,
)
_QUALIFIER = re.compile(r"\s(?:in|of|at|with|from|on|under|across|within|by|for|since|during|when|if|now|these|nowadays|or|ourselves|"
    r"themselves|itself)\s.*$", re.I)


# "Is telephony included in GP IT funding?", "Are smartcards covered by ...": the thing asked about.
_IS_IT_COVERED = re.compile(
    r"^\W*(?:is|are|was|were|does|do)\s+(?:the\s+|our\s+|a\s+)?(?P<subject>[\w\s&-]+?)\s+"
    r"(?:included|covered|funded|provided|paid for|part of|in scope)\b",
    re.I,
)


# "What does the operating model say about practice mergers?": the topic follows "about".
_SAYS_ABOUT = re.compile(
    r"\b(?:say|says|said|mention|mentions|mentioned|anything|something|written)\b[^?.!]*?\babout\s+"
    r"(?P<subject>[^?.!]+)",
    re.I,
)


# "Who is our ICB's chief digital officer?": the person or body asked about.
# Not "Who were the 2013 arrangements for?": that asks whom they served.
_WHO_IS = re.compile(r"^\W*(?:and |so |but )?who(?:'s|’s| is| are| was| were)\s+(?P<subject>[^?.!]+?)"
                     r"(?<!\bfor)(?<!\bto)(?<!\bwith)(?<!\bby)(?<!\bfrom)(?<!\bat)\s*(?:[?.!]|$)", re.I)


def asks_who(question: str) -> bool:
    """Is it a who-pays / who-provides question, of anyone or of one body?"""
    return bool(_WHO_DOES_WHAT.match(question) or _DOES_BODY_DO_WHAT.match(question))


def subject_of(question: str, who_only: bool = False) -> Optional[str]:
    """What a who-pays / who-provides question (or, unless ``who_only``, an is-X-covered one)
    asks about, its qualifiers dropped ("cyber security in our practice" -> "cyber security")."""
    asked = _WHO_DOES_WHAT.match(question) or _DOES_BODY_DO_WHAT.match(question) or (
        None if who_only else _IS_IT_COVERED.match(question))
    return _QUALIFIER.sub("", f" {asked.group('subject')} ").strip() if asked else None


def asked_topic(question: str) -> Optional[str]:
    """The head word of what a "what does it say about X?" or "who is X?" question asks about
    ("practice mergers" -> "merger"), or None."""
    asked = _SAYS_ABOUT.search(question) or _WHO_IS.match(question)
    return _head(bm25.words(_QUALIFIER.sub("", f" {asked.group('subject')} "))) if asked else None


# What a sentence says when it answers who pays for or is responsible for something.
_DUTY_WORDS = frozenset(bm25.words(
    "pay pays paid paying fund funds funded funding cost costs budget budgets responsible responsibility "
    "responsibilities accountable accountability purchase purchased buy buys bought buying"
))


def answers_who(question: str, sentence: str) -> bool:
    """Does the sentence say who pays for or answers for what the question asks about, named
    by its own word or an exact equivalent ("telephony" for "phones"), not a looser synonym?"""
    names = _subject_names(question, True, 0.9)  # None unless a who-pays question (asks_who)
    return names is not None and not _DUTY_WORDS.isdisjoint(bm25.words(sentence)) and _named(names, sentence)


def names_the_subject(question: str, lead: str, who_only: bool = True) -> bool:
    """Does ``lead`` name what a who-pays / who-provides question asks about (its head noun,
    or a lexicon name for it: "computers" for "PCs")? True for any other question."""
    names = _subject_names(question, who_only)
    return names is None or _named(names, lead)


def _named(names: tuple[tuple[str, ...], ...], text: str) -> bool:
    quoted = set(bm25.tokens(text))
    return any(all(t in quoted for t in name) for name in names)


_VAGUE = frozenset(bm25.words("stuff kit bits items things"))


def _head(words: list[str]) -> Optional[str]:
    """The last word of a phrase that is not vague ("the core IT stuff" -> "core")."""
    return ([w for w in words if w not in _VAGUE] or words or [None])[-1]


@lru_cache(maxsize=1024)  # asked of every close quote of the top passage, for one question
def _subject_names(question: str, who_only: bool, closeness: float = 0.7) -> Optional[tuple[tuple[str, ...], ...]]:
    """The words of each name the subject's head noun goes by, or None for no subject."""
    subject = subject_of(question, who_only)
    words = bm25.words(subject or "")
    if not words:
        return None
    head = _head(words)
    for concept in build_query(subject).concepts:
        if any(head in terms for terms, _ in concept):
            return tuple(tuple(t for t in terms if not bm25.is_pair(t)) for terms, w in concept if w >= closeness)
    return ((head,),)
