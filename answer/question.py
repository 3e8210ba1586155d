"""A question read once: the text (and the conversation) turned into the typed `Question` that
retrieval, candidate scoring and the answer all read.

Every question-shape pattern lives here and nowhere else. The patterns only *describe* the
question (its kind, its subject, the figure it wants); what that means for a quote is a feature
the fitted scorer weighs (answer/features.py), never a rule of its own.

Kinds:
    pays        who pays for / funds X, or does a body pay for X
    who         who provides / is responsible for / looks after X
    covered     is X included / covered / funded / in scope
    amount      how much, what is the budget / cost of X
    count       how many X
    date        when did / will X, what year
    definition  what does X stand for / mean, define X
    currency    is a document still current / superseded
    says_about  what does it say about X
    advice      which is best / should we use
    general     anything else
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Optional, Sequence

from answer import bm25, conversation
from answer.query import Query
from opmodel.dates import YEAR, periods

KINDS = ("pays", "who", "covered", "amount", "count", "date", "definition", "currency", "says_about", "advice",
         "general")

_LEAD = r"^\W*(?:and |so |but |also )?"
_DUTY_VERB = (r"(?:pays?|paid|foots?|funds?|funded|provides?|buys?|supplies|maintains?|replaces?|responsible|looks? after|"
              r"fix(?:es)?|owns?|gives?|commissions?|manages?|installs?|supports?|covers?|sorts? out|deals? with|"
              r"handles?|procures?)")
_PAY_VERB = re.compile(r"\b(?:pay|pays|paid|paying|fund|funds|funded|funding|foots?|cost|costs|bill|budget|finance)\b", re.I)
# "Who pays for the phones?", "who is responsible for smartcards?", "who sorts out our broken PC?"
_WHO_DOES = re.compile(
    _LEAD + r"who(?:'s|’s| is| are| will| should| would| has to| needs to| must)? " + _DUTY_VERB
    + r"(?: the bill)?(?: for| to)? (?P<subject>[^?.!]+)", re.I)
# "Does the ICB pay for our building rent?", "Is the CCG responsible for replacing our PCs?"
_DOES_BODY = re.compile(
    _LEAD + r"(?:is|are|does|do|will|would|should|can|must|has|have)\s+(?:the\s+|our\s+|an?\s+)?"
    r"(?:[\w&'’-]+\s+){0,4}?(?:still\s+)?(?:pay|fund|provide|buy|supply|maintain|replace|responsible|look after|fix|"
    r"give|commission|manage|install|support|cover)(?:\s+for|\s+to)?\s+(?P<subject>[^?.!]+)", re.I)
# "Is telephony included in GP IT funding?", "Are smartcards covered by ..."
_COVERED = re.compile(
    _LEAD + r"(?:is|are|was|were|does|do)\s+(?:the\s+|our\s+|a\s+)?(?P<subject>[\w\s&'’-]+?)\s+"
    r"(?:included|covered|funded|provided|paid for|part of|in scope|out of scope|core|non-core)\b", re.I)
_SAYS_ABOUT = re.compile(
    r"\b(?:say|says|said|mention|mentions|mentioned|anything|something|written|cover|covers)\b[^?.!]*?\babout\s+"
    r"(?P<subject>[^?.!]+)", re.I)
_WHO_IS = re.compile(_LEAD + r"who(?:'s|’s| is| are| was| were)\s+(?P<subject>[^?.!]+?)\s*(?:[?.!]|$)", re.I)
# "How many foundation capabilities does ...", "how many tiers of service are ...": the thing
# counted runs from "how many" to the verb or preposition after it.
HOW_MANY = re.compile(
    r"\bhow many (?P<subject>(?:[\w-]+\s+){0,2}?[\w-]+)(?=\s+(?:do|does|did|are|is|were|was|have|has|had|will|would|"
    r"can|could|should|must|of|in|per|for|there|that|which)\b|\s*[?.!,]|\s*$)", re.I)
# "What is the telephone number of the service desk?", "what percentage of ...": a figure, not an amount.
_NUMBER_ASKED = re.compile(r"\bwhat(?:'s| is| are| was| were)? (?:the |a |an )?(?:[\w-]+ ){0,4}?(?:number|percentage|figure|"
                           r"proportion|total)s?\b(?!\s+of\s+(?:ways|things|reasons))", re.I)
# "How much notice/warning/time ...?" asks for a length of time, not a sum of money.
HOW_MUCH_TIME = re.compile(r"\bhow much (?:advance |prior |lead )?(?:notice|warning|time|leave|downtime)\b", re.I)
_AMOUNT = re.compile(
    r"\bhow much\b|\bwhat(?:'s| is| are| was| were)? (?:the |a |an )?(?:[\w-]+ ){0,6}?"
    r"(?:cost|price|budget|amount|fee|charge|rate|salary|allocation|grant|value)s?\b"
    r"|\bwhat (?:do|does|did|will|would) [\w'’ -]{1,40}? (?:spend|spent|get|receive|cost)\b", re.I)
# "When did ...?", "... and when?": asked when; not "is there help when we buy one?".
_DATE = re.compile(
    r"^\W*(?:and |so |but )?when\b|\bwhen (?:did|does|do|will|would|was|were|is|are|must|should|can|could|has|have)\b"
    r"|\band when\b|\bhow often\b|\bwhat (?:year|date|month|day)\b|\bwhich (?:year|date|month)s?\b|\bby what date\b"
    r"|\bhow long\b|\bdeadline\b|\bwhat time\b|\bwhat hours\b|\bhow (?:quickly|soon|fast)\b|\bby when\b"
    # "What's the last date for claims?", "What is the closing date?": a date, with words between.
    r"|\bwhat(?:'s|’s| is| was| are)? (?:the |a )?(?:[\w-]+ ){0,2}?(?:date|deadline|day|year|month|time limit|timescale)s?\b",
    re.I)
ASKS_ABOUT_THE_FUTURE = re.compile(
    r"\b(?:when|what date|which date|what year|by when)\b.*\b(?:will|going to|is due|are due|next)\b", re.I)
_MEANING = re.compile(
    r"\bstands? for\b|\bmeans?\b|\bmeaning\b|\bacronym\b|\babbreviation\b|\bdefin(?:e|ed|ition)\b"
    r"|^\W*what(?: is|'s| are) (?:an? |the )?\w+\W*$", re.I)
_DEFINITION_OF = re.compile(
    r"(?:\b(?:definition of|meant by|mean by|means by|meaning of)|^\W*define)\s+(?:an?\s+|the\s+)?(?P<term>[^?.!,;:]+)",
    re.I)
_CURRENCY = re.compile(
    r"\bstill (?:current|valid|in force|in date|applicable|relevant|up to date|the latest)\b"
    r"|\b(?:superseded|out of date|outdated|up-to-date|latest version|current version|current edition|replaced by)\b"
    r"|\bstatus of\b", re.I)
_A_DOCUMENT = re.compile(r"\b(?:guidance|guidelines|document|model|page|edition|version|article|news|framework|"
                         r"publication|advice|policy|faq)\b", re.I)
_ADVICE = re.compile(
    r"\b(?:which|what)\b[^?.!]*\b(?:is|are)\s+(?:the\s+)?(?:best|better|cheapest|recommended)\b"
    r"|\bshould (?:we|i) (?:use|buy|choose|pick|get|have|go for|go with|switch|move)\b|\brecommend", re.I)
# Words after the thing asked about that only place it ("cyber security in our practice").
_QUALIFIER = re.compile(r"\s(?:in|of|at|with|from|on|under|across|within|by|for|since|during|when|if|now|these|nowadays|"
                        r"or|ourselves|themselves|itself|any more|anymore|these days|each|every|per)\s.*$", re.I)
_VAGUE = frozenset(bm25.words("stuff kit bits items things thing"))


@dataclass(frozen=True)
class Question:
    typed: str  # what the user typed this turn
    text: str  # the same with typos read as the documents' words
    kind: str  # one of KINDS
    query: Query  # lexical concepts and dense text, the conversation's subject merged in for a follow-up
    subject: Optional[str] = None  # what it asks about, qualifiers dropped ("the practice phones")
    subject_head: Optional[str] = None  # the subject's head word, stemmed ("phone")
    years: tuple[str, ...] = ()  # years it names
    periods: tuple[tuple[tuple[int, int], str], ...] = ()  # periods it names, as typed: opmodel.dates.periods
    future: bool = False  # asks about something still to come
    defined_term: Optional[str] = None  # "what is meant by X?": X
    fixes: tuple[tuple[str, str], ...] = ()  # typo -> the documents' word
    follow_up: bool = False
    history: tuple[str, ...] = field(default=(), repr=False)

    @property
    def wants_figure(self) -> bool:
        return self.kind in ("amount", "count", "date")

    @property
    def asks_who(self) -> bool:
        return self.kind in ("pays", "who")


def _clean_subject(raw: str) -> str:
    return _QUALIFIER.sub("", f" {raw} ").strip()


def head_word(phrase: str) -> Optional[str]:
    """The stem of a phrase's last word that is not vague ("the core IT stuff" -> "core")."""
    words = bm25.words(phrase)
    return ([w for w in words if w not in _VAGUE] or words or [None])[-1]


def classify(text: str) -> tuple[str, Optional[str]]:
    """The question's kind and the raw subject phrase its pattern names, if any."""
    if _CURRENCY.search(text) and _A_DOCUMENT.search(text):
        return "currency", None
    if found := HOW_MANY.search(text):
        return "count", found.group("subject")
    if _NUMBER_ASKED.search(text):
        return "count", None
    if _AMOUNT.search(text) and not HOW_MUCH_TIME.search(text):
        return "amount", None
    if found := (_WHO_DOES.match(text) or _DOES_BODY.match(text)):
        return ("pays" if _PAY_VERB.search(text) else "who"), found.group("subject")
    if found := _COVERED.match(text):
        return "covered", found.group("subject")
    if _DATE.search(text) or HOW_MUCH_TIME.search(text):
        # No subject: "when did the 2014-16 model come out?" ends in a verb, and which words
        # name the event and which the happening is not for a pattern to say.
        return "date", None
    if _DEFINITION_OF.search(text) or _MEANING.search(text):
        found = _DEFINITION_OF.search(text)
        return "definition", found.group("term") if found else None
    if _ADVICE.search(text):
        return "advice", None
    if found := _SAYS_ABOUT.search(text):
        return "says_about", found.group("subject")
    if found := _WHO_IS.match(text):
        return "who", found.group("subject")
    return "general", None


def read(typed: str, history: Sequence[str] = (), correct: Optional[Callable[[str], tuple[str, tuple]]] = None) -> Question:
    """Read a question once. ``correct`` reads typos as the corpus's words (text -> (text, fixes))."""
    correct = correct or (lambda t: (t, ()))
    text, fixes = correct(typed)
    earlier = tuple(correct(h.strip())[0] for h in history if isinstance(h, str) and h.strip())
    query = conversation.contextual_query(text, earlier)
    kind, raw = classify(text)
    subject = _clean_subject(raw) if raw else None
    defined = _DEFINITION_OF.search(text)
    return Question(
        typed=typed, text=text, kind=kind, query=query,
        subject=subject or None, subject_head=head_word(subject) if subject else None,
        years=tuple(dict.fromkeys(YEAR.findall(text))),
        periods=tuple(periods(text).items()),
        future=bool(ASKS_ABOUT_THE_FUTURE.search(text)),
        defined_term=defined.group("term").strip() if defined else None,
        fixes=tuple(fixes), follow_up=bool(query.context), history=earlier,
    )
