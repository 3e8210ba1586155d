"""General NHS GP IT domain knowledge: acronyms, organisational lineage and the everyday words
practice staff use for the documents' terms.

Everything here is knowledge of the domain, true for any question and any document about
NHS GP IT. Retrieval uses it to expand questions on both the lexical and the dense side;
the answer uses the lineage to warn when quoted text names a body that no longer exists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Optional

from answer import bm25

# Acronym -> expansions as written in NHS documents. Keys are lower case.
ACRONYMS: dict[str, tuple[str, ...]] = {
    "icb": ("integrated care board",),
    "ics": ("integrated care system",),
    "ccg": ("clinical commissioning group",),
    "pct": ("primary care trust",),
    "sha": ("strategic health authority",),
    "nhscb": ("nhs commissioning board",),
    "nhse": ("nhs england",),
    "nhsei": ("nhs england and nhs improvement",),
    "nhsx": ("nhs digital", "nhs england"),
    "csu": ("commissioning support unit",),
    "gpsoc": ("gp systems of choice",),
    "ra": ("registration authority",),
    "dspt": ("data security and protection toolkit",),
    "igt": ("information governance toolkit", "ig toolkit"),
    "ig": ("information governance",),
    "hscn": ("health and social care network",),
    "n3": ("new national network",),
    "eps": ("electronic prescription service", "electronic prescriptions service"),
    "des": ("directed enhanced service",),
    "pcn": ("primary care network",),
    "gms": ("general medical services",),
    "pms": ("personal medical services",),
    "apms": ("alternative provider medical services",),
    "lmc": ("local medical committee",),
    "gpc": ("general practitioners committee",),
    "dcs": ("digital care services",),
    "fmd": ("falsified medicines directive",),
    "im&t": ("information management and technology",),
    "npfit": ("national programme for it",),
    "scr": ("summary care record",),
    "ods": ("organisations data service",),
    "epr": ("electronic patient record",),
    "ehr": ("electronic health record",),
    "hssf": ("health systems support framework", "health and social care framework"),
    "dfocvc": ("digital first online consultation and video consultation",),
    "gdpr": ("general data protection regulation",),
    "rfa": ("requirements for accreditation",),
    "foi": ("freedom of information",),
    "dpa": ("data protection act",),
    "ooh": ("out of hours",),
    "ip": ("internet protocol",),
    "api": ("application programming interface",),
    "hr": ("human resources",),
}

# Spellings people type for the same acronym.
ACRONYM_ALIASES = {"nhs cb": "nhscb", "nhs e": "nhse", "nhs ei": "nhsei", "ig toolkit": "igt", "imt": "im&t"}


@dataclass(frozen=True)
class Succession:
    """One body, agreement or service that was replaced by another."""

    old: tuple[str, ...]  # the names a document may use, lower case; the first is the full name
    new_terms: tuple[str, ...]  # the names of the successor(s), lower case
    note: str  # what a reader of old text should be told


LINEAGE: tuple[Succession, ...] = (
    Succession(("ccg-practice agreement",), ("icb-practice agreement",),
               "The CCG-Practice Agreement is now the ICB-Practice Agreement (ICBs replaced CCGs in July 2022)."),
    Succession(("primary care trust", "pct"), ("clinical commissioning group", "ccg", "integrated care board", "icb"),
               "Primary care trusts (PCTs) were abolished in March 2013; their role passed to Clinical Commissioning "
               "Groups (CCGs) and NHS England, and CCGs were replaced by Integrated Care Boards (ICBs) in July 2022."),
    Succession(("clinical commissioning group", "ccg"), ("integrated care board", "icb"),
               "CCGs were replaced by Integrated Care Boards (ICBs) in July 2022."),
    Succession(("strategic health authority", "sha"), ("nhs england",),
               "Strategic health authorities (SHAs) were abolished in March 2013."),
    Succession(("nhs commissioning board", "nhs cb", "nhscb"), ("nhs england", "nhse"),
               "The NHS Commissioning Board is now NHS England (renamed in 2013)."),
    Succession(("nhs england area team", "area team"), ("nhs england",),
               "NHS England's area teams were merged into regional teams in 2015."),
    Succession(("gp systems of choice", "gpsoc"), ("gp it futures",),
               "GP Systems of Choice (GPSoC) expired in December 2018 and was replaced by GP IT Futures (2019), "
               "now part of the Digital Care Services Catalogue."),
    Succession(("information governance toolkit", "ig toolkit", "igt"), ("data security and protection toolkit", "dspt"),
               "The IG Toolkit was replaced by the Data Security and Protection Toolkit (DSPT) in 2018."),
    Succession(("n3",), ("health and social care network", "hscn"),
               "The N3 network was replaced by the Health and Social Care Network (HSCN)."),
)

# Names for the same thing: a document using one answers a question using another.
EQUIVALENT_GROUPS: tuple[tuple[str, ...], ...] = (
    ("phone", "phones", "telephone", "telephones", "telephony", "phone system", "phone systems",
     "telephone system", "telephone systems", "voip", "ip telephony", "cloud telephony"),
    ("surgery", "surgeries", "practice", "practices", "general practice"),
    ("smartcard", "smartcards", "smart card", "smart cards"),
    ("operating model", "operating models", "op model", "op models"),
    # One word's forms that the stemmer cannot join ("choose" / "choice" / "chosen").
    ("choose", "chooses", "chose", "chosen", "choosing", "choice", "choices"),
    ("website", "websites", "web site", "web sites"),
    ("pay", "pays", "paid", "paying", "payment", "payments"),
    ("buy", "buys", "bought", "buying"),
    ("give", "gives", "gave", "given", "giving"),
)

# Words practice staff use for the documents' vocabulary: related, not identical.
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("pc", "pcs", "computer", "computers", "desktop", "desktops", "hardware", "equipment", "device", "devices", "laptop",
     "laptops", "kit", "machines"),
    ("pay", "pays", "paid", "fund", "funds", "funded", "funding", "foot the bill", "cost", "costs", "budget", "money", "foots the bill", "pick up the bill", "pays for",
     "finance", "financial"),
    ("supplier", "suppliers", "provider", "providers", "vendor", "company"),
    ("replace", "replacement", "refresh", "upgrade", "renew", "swap", "switch", "switching", "migrate", "move"),
    ("buy", "buys", "bought", "purchase", "purchased", "purchasing", "procure", "procurement", "procured", "order",
     "commission", "tender", "acquire"),
    ("responsible", "responsibility", "responsibilities", "accountable", "accountability", "in charge", "job",
     "deal with", "deals with", "handle", "handles", "look after", "looks after", "sort out", "sorts out"),
    ("doctor", "doctors", "general practitioner", "general practitioners", "clinician", "clinicians"),
    ("patient record", "patient records", "medical record", "medical records", "health record", "health records"),
    ("clinical system", "clinical systems", "gp system", "gp systems", "clinical software", "emis", "systmone"),
    ("login", "log in", "access", "password", "smartcard", "smartcards", "smart card"),
    ("network", "internet", "connection", "connectivity", "link", "broadband"),
    ("email", "e-mail", "nhsmail", "nhs mail", "mail"),
    ("prescription", "prescriptions", "prescribing", "repeat"),
    ("online", "on line", "web", "digital"),
    ("security", "cyber", "secure", "data security", "hack", "hacked", "virus", "antivirus", "malware", "ransomware"),
    ("rules", "regulation", "regulations", "law", "legislation"),
    ("excluded", "out of scope", "not covered", "outside"),
    ("appointments", "appointment", "booking", "e-booking"),
    ("dispensing", "dispense", "pharmacy", "pharmaceutical"),
    ("covid", "covid-19", "pandemic", "coronavirus"),
    ("help", "support", "advice", "guidance"),
    ("printer", "printers", "copier", "copiers", "multi-function copiers"),
    ("document", "operating model", "guidance", "framework"),
    ("give", "gives", "given", "provide", "provides", "provided", "offer", "offers", "supply", "supplies", "issued",
     "hand out", "hands out"),
    ("decide", "decides", "decided", "deciding", "decision", "choose", "choice", "pick", "select"),
    ("compulsory", "mandatory", "mandated", "obligatory", "obliged", "voluntary", "optional", "have to",
     "sign up", "required"),
    ("problem", "problems", "headache", "difficult", "difficulties", "frustrating", "burden", "hassle"),
    ("spec", "specification", "template"),
    ("latest", "newest", "current", "revised", "updated", "revision"),
    ("still running", "still in place", "still exist", "expired", "expire", "finish", "finished", "end", "ends", "ended",
     "came to an end", "come to an end", "replaced", "superseded", "abolished",
     "no longer"),
    ("earlier", "previous", "preceding", "former", "older"),
    ("apply", "applies", "cover", "covers", "covered", "in scope", "scope"),
    ("organisation", "organisations", "company", "firm"),
    ("get rid of", "phase out", "phased out", "remove", "removed", "scrap", "scrapped"),
    ("annual", "annually", "every year", "each year", "yearly"),
    ("called", "titled", "named", "title", "name"),
    ("software", "application", "applications", "app", "apps", "solution", "solutions"),
    ("contract", "agreement", "framework contract"),
    ("it company", "it support company", "it provider", "it supplier", "delivery partner", "delivery organisation",
     "commissioning support unit"),
    ("help desk", "helpdesk", "service desk", "it support", "support services"),
    ("lessons", "lessons learned", "learn", "learned", "learnt", "teach", "taught"),
    ("paper", "paperless", "paper-based", "electronic"),
    ("tier", "tiers", "level", "levels"),
    ("local", "locally", "area", "region", "regional"),
    ("check", "checks", "checked", "checking", "assure", "assures", "assured", "assuring", "assurance",
     "oversee", "oversees", "oversaw", "oversight", "monitor", "monitors", "monitored", "monitoring"),
    ("incident", "incidents", "outage", "outages", "fault", "faults", "broken", "breakdown", "not working",
     "goes down", "went down", "crash", "crashed", "crashes"),
    ("remote access", "remote working", "home working", "working from home", "work from home", "mobile working"),
    # What a practice runs itself as a business, in staff's words and in the operating model's.
    ("business system", "business systems", "business support system", "business support systems",
     "back office", "back-office", "non-clinical", "payroll", "rota", "rotas", "hr system", "hr systems",
     "hr software", "accounting software", "accounts software"),
    ("online consultation", "online consultations", "video consultation", "video consultations",
     "e-consultation", "e-consultations", "econsultation", "video call", "video calls"),
)

# A specific word and the broader terms documents use for it (one direction only: a dentist is
# a primary care contractor, but not every primary care contractor is a dentist).
BROADER: dict[str, tuple[str, ...]] = {
    term: ("primary care contractor", "primary care contractors", "primary care provider", "primary care providers")
    for term in ("dentist", "dentists", "dental", "dental practice", "pharmacist", "pharmacists", "pharmacy",
                 "pharmacies", "community pharmacy", "optometrist", "optometrists", "optician", "opticians", "optometry")
}

# Acronyms that are also English words count only when written in capitals ("who funds it?").
CASE_SENSITIVE = {"ra", "ig", "ip", "des", "ods", "ics", "sha", "pms", "dpa", "api", "hr"}


@lru_cache(maxsize=None)  # compiled when first needed: compiling all of them would cost every start ~0.3 s
def _phrase_pattern(phrase: str) -> re.Pattern:
    """Whole words, with an optional plural s ("CCGs"); capitals only for ambiguous acronyms."""
    plural = "s?" if len(phrase) > 2 and not phrase.endswith("s") else ""
    body = r"(?<![A-Za-z0-9])" + re.escape(phrase) + plural + r"(?![A-Za-z0-9])"
    if phrase in CASE_SENSITIVE:
        return re.compile(body.replace(re.escape(phrase), re.escape(phrase.upper())))
    return re.compile(body, re.IGNORECASE)


def _build_groups(groups: tuple[tuple[str, ...], ...]) -> dict[str, tuple[str, ...]]:
    table: dict[str, set[str]] = {}
    for group in groups:
        for term in group:
            table.setdefault(term, set()).update(t for t in group if t != term)
    return {k: tuple(sorted(v)) for k, v in table.items()}


EQUIVALENTS = _build_groups(EQUIVALENT_GROUPS)
SYNONYMS = _build_groups(SYNONYM_GROUPS)
_PHRASES = sorted(
    set(ACRONYMS) | set(ACRONYM_ALIASES) | set(EQUIVALENTS) | set(SYNONYMS) | set(BROADER) | {e for v in ACRONYMS.values() for e in v},
    key=len,
    reverse=True,
)
_EXPANSION_TO_ACRONYM = {e: a for a, exps in ACRONYMS.items() for e in exps}


def normalise(text: str) -> str:
    """Curly quotes and runs of whitespace made plain; case kept (some acronyms need it)."""
    return re.sub(r"\s+", " ", text.replace("’", "'").replace("‘", "'")).strip()


@lru_cache(maxsize=4096)  # a question is scanned for its query and again for its dense text
def find_spans(text: str) -> tuple[tuple[str, int, int], ...]:
    """(phrase, start, end) of the lexicon's phrases in normalise(text), longest first, no overlaps."""
    plain = normalise(text)
    lower = plain.lower()
    taken = [False] * len(plain)
    found = []
    # Only a phrase whose letters are in the text can match: the rest are never compiled or run.
    for phrase in (p for p in _PHRASES if p.lower() in lower):
        for m in _phrase_pattern(phrase).finditer(plain):
            if not any(taken[m.start() : m.end()]):
                taken[m.start() : m.end()] = [True] * (m.end() - m.start())
                found.append((phrase, m.start(), m.end()))
    return tuple(found)


def find_terms(text: str) -> list[str]:
    """The lexicon's phrases present in text (lower case), longest first, without overlaps."""
    return [phrase for phrase, _, _ in find_spans(text)]


# How much an expansion counts next to the user's own words.
SAME_THING = 0.9  # acronym <-> its expansion
LINEAGE_NAME = 0.7  # an older or newer name of the same role
SYNONYM = 0.7  # everyday word for a document's term


def related_terms(term: str) -> dict[str, float]:
    """Equivalent names for a lexicon term, each with how strongly it stands for the term."""
    key = ACRONYM_ALIASES.get(term, term)
    out: dict[str, float] = {}

    def add(names: Iterable[str], weight: float) -> None:
        for name in names:
            if name != term:
                out[name] = max(out.get(name, 0.0), weight)

    if key in ACRONYMS:
        add([key, *ACRONYMS[key]], SAME_THING)
    if key in _EXPANSION_TO_ACRONYM:
        acronym = _EXPANSION_TO_ACRONYM[key]
        add([acronym, *ACRONYMS[acronym]], SAME_THING)
    names = {key, *out}
    for s in LINEAGE:
        if names & set(s.old) or names & set(s.new_terms):
            add([*s.old, *s.new_terms], LINEAGE_NAME)
    add(EQUIVALENTS.get(key, ()), SAME_THING)
    add(SYNONYMS.get(key, ()), SYNONYM)
    add(BROADER.get(key, ()), SYNONYM)
    return out


def in_the_documents_words(text: str, vocabulary, min_weight: float = 0.9) -> Optional[str]:
    """``text`` followed by the lexicon's names for its phrases that the documents never use
    ("who pays for our phones?" -> "... (telephony; telephone system; ...)"), or None when
    every phrase is already in the documents' words. ``vocabulary`` holds the corpus's stems."""
    names: list[str] = []
    for phrase, _, _ in find_spans(text):
        if all(w in vocabulary for w in bm25.words(phrase)):
            continue
        names += [n for n, w in related_terms(phrase).items() if w >= min_weight and n not in names]
    return f"{text} ({'; '.join(names)})" if names else None


def other_names(text: str) -> list[str]:
    """Spelled-out acronyms and the older/newer names of bodies in text: what helps an
    embedding model that has never seen "HSCN" or does not know a CCG became an ICB."""
    out: list[str] = []
    for term in find_terms(text):
        key = ACRONYM_ALIASES.get(term, term)
        if key in ACRONYMS or key in _EXPANSION_TO_ACRONYM or any(key in s.old or key in s.new_terms for s in LINEAGE):
            out += [n for n, w in related_terms(term).items() if w >= LINEAGE_NAME and n not in out]
    return out


def successions_in(text: str) -> list[Succession]:
    """Bodies named in text that have since been replaced (each reported once)."""
    plain = normalise(text)
    found = []
    for s in LINEAGE:
        if any(_phrase_pattern(name).search(plain) for name in s.old):
            if s.old[0] == "clinical commissioning group" and _phrase_pattern("ccg-practice agreement").search(plain):
                if not re.search(r"(?<![a-z0-9])ccgs?(?![a-z0-9-])|clinical commissioning group", plain, re.I):
                    continue  # only the agreement is named; its own note covers it
            found.append(s)
    return found
