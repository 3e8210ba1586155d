"""Synthetic corpora grown from the real one, for the scale benchmark.

A corpus of N× the shipped size is the real corpus plus (N - 1) rounds of synthetic
documents, one per real document per round. Each synthetic document is a real one moved to
another care setting (community pharmacy, dentistry, care homes ...), another area and its
local bodies, other years, figures and months, with some paragraphs swapped in from other
real documents. They read like the local policies and other-sector operating models an ICB
would also index: the same vocabulary and topics, so they compete with the real passages for
every question, but different facts.

No synthetic paragraph of prose is left identical to its source: one that does not name the
document's area is given a local lead-in ("In Ashby's 2021 community pharmacy plan, ..."). The quality figures still count a citation as a hit
only when it comes from a real document, so a synthetic copy of a quote never flatters them.
Generation is deterministic (seeded by document number).
"""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

import yaml

from opmodel.dates import MONTH_NAMES, MONTHS

PREFIX = "syn-"
SWAP_PARAGRAPH_SHARE = 0.25

# (setting name, organisations plural, organisation singular, adjective, staff)
SETTINGS = (
    ("community pharmacy", "pharmacies", "pharmacy", "Pharmacy", "pharmacists"),
    ("dental care", "dental practices", "dental practice", "Dental", "dentists"),
    ("community optometry", "optical practices", "optical practice", "Optometry", "optometrists"),
    ("care home services", "care homes", "care home", "Care Home", "care staff"),
    ("community nursing", "community teams", "community team", "Community", "district nurses"),
    ("urgent care", "urgent treatment centres", "urgent treatment centre", "Urgent Care", "clinicians"),
    ("mental health services", "mental health teams", "mental health team", "Mental Health", "therapists"),
    ("hospice care", "hospices", "hospice", "Hospice", "hospice staff"),
    ("social care", "care providers", "care provider", "Social Care", "social workers"),
    ("school nursing", "school health teams", "school health team", "School Health", "school nurses"),
)
AREAS = (
    "Ashby", "Brackenford", "Calderbrook", "Dunmere", "Eastwold", "Fernhallow", "Greyport", "Harrowdene",
    "Ingleby", "Kestrel Vale", "Larkhill", "Marrowby", "Northmoor", "Oakhurst", "Pennick", "Ravensholt",
    "Saltmarsh", "Thornbury Cross", "Upwell", "Westerleigh", "Yarrowdale", "Elmsworth", "Brightwater", "Coldstream",
)
STATUS_WEIGHTS = (("current", 5), ("superseded", 3), ("historical", 2))
# Plain-English rewordings, so a synthetic document says the same kind of thing in other words
# instead of repeating the real sentences verbatim around its changed names and figures.
REWORDINGS = {
    "will": "shall", "provide": "supply", "provides": "supplies", "provided": "supplied", "provision": "delivery",
    "support": "assistance", "services": "arrangements", "service": "arrangement", "responsible": "accountable",
    "responsibility": "accountability", "local": "area", "national": "central", "including": "such as",
    "ensure": "make sure", "required": "needed", "requirements": "needs", "requirement": "need",
    "systems": "platforms", "system": "platform", "access": "entry", "funding": "finance", "funded": "financed",
    "commissioning": "purchasing", "commission": "purchase", "organisations": "bodies", "organisation": "body",
    "management": "running", "managed": "run", "use": "usage", "used": "employed", "through": "via",
    "available": "on offer", "digital": "electronic", "must": "need to", "may": "might", "should": "ought to",
    "with": "alongside", "and": "as well as", "for": "on behalf of", "under": "within", "across": "throughout",
    "practices": "surgeries", "patients": "service users", "clinical": "care", "equipment": "kit",
    "data": "information", "information": "records", "published": "issued", "document": "paper", "new": "fresh",
    "all": "every one of the", "is": "remains", "are": "remain", "be": "become", "the": "this",
}
REWORDING = re.compile(r"\b(" + "|".join(map(re.escape, REWORDINGS)) + r")\b")


class Profile:
    """How one synthetic document differs from the real one it is made from."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.setting = rng.choice(SETTINGS)
        self.area = rng.choice(AREAS)
        self.year_shift = rng.randint(-9, 9) or 3
        self.money_factor = rng.choice((0.05, 0.2, 0.5, 2.0, 3.5, 8.0))
        self.rules = self._rules()
        self.lead_in = f"In {self.area}'s {2018 + self.year_shift} {self.setting[0]} plan, "

    def _rules(self) -> list[tuple[re.Pattern, object]]:
        name, plural, singular, adjective, staff = self.setting
        area = self.area
        pairs = [
            (r"\bgeneral practices\b", plural),
            (r"\bgeneral practice\b", name),
            (r"\bGP practices\b", plural),
            (r"\bGPs\b", staff),
            (r"\bGP\b", adjective),
            (r"\bpractices\b", plural),
            (r"\bpractice\b", singular),
            (r"\bPractices\b", plural.capitalize()),
            (r"\bPractice\b", singular.capitalize()),
            (r"\bNHS England\b", f"NHS {area}"),
            (r"\bNHS Commissioning Board\b|\bNHS CB\b", f"{area} Health Board"),
            (r"\b[Cc]linical [Cc]ommissioning [Gg]roups?\b|\bCCGs?\b", f"{area} Health Partnership"),
            (r"\bIntegrated Care Boards?\b|\bICBs?\b", f"{area} Care Partnership"),
            (r"\b[Pp]rimary [Cc]are [Tt]rusts?\b|\bPCTs?\b", f"{area} Health Authority"),
            (r"\bLMCs?\b|\bLocal Medical Committees?\b", f"{area} {adjective} Committee"),
        ]
        rules: list[tuple[re.Pattern, object]] = [(re.compile(p), r) for p, r in pairs]
        rules += [
            (re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b"), lambda m: str(int(m.group()) + self.year_shift)),
            (re.compile(r"£\s?(\d[\d,.]*)"), lambda m: f"£{self._money(m.group(1))}"),
            (re.compile(r"\b(\d{1,3})%"), lambda m: f"{self.rng.randint(1, 99)}%"),
            (re.compile(rf"\b({MONTHS})\b"), lambda m: self.rng.choice(MONTH_NAMES)),
        ]
        return rules

    def _money(self, amount: str) -> str:
        try:
            value = float(amount.replace(",", "")) * self.money_factor
        except ValueError:
            return amount
        return f"{value:,.0f}" if value >= 10 else f"{value:.1f}"

    def specific(self, text: str) -> str:
        """This document's own setting, bodies, years, figures and months."""
        for pattern, replacement in self.rules:
            text = pattern.sub(replacement, text)
        return text

    def substitute(self, text: str) -> str:
        return REWORDING.sub(lambda m: REWORDINGS[m.group()], self.specific(text))

    def apply(self, paragraph: str) -> str:
        """Like ``substitute``, but prose that does not name this document's area gets the
        document's lead-in: otherwise boilerplate repeats word for word across hundreds of
        synthetic documents, which real collections do far less."""
        out = self.specific(paragraph)
        if self.area not in out and re.search(r"[.;:]\s*$|\.\s", paragraph):
            lead = paragraph.lstrip()
            bullet = re.match(r"^(\W*\s*)", lead).group(1)
            body = lead[len(bullet):]
            out = f"{bullet}{self.lead_in}{body[:1].lower()}{body[1:]}" if body else paragraph
        return REWORDING.sub(lambda m: REWORDINGS[m.group()], out)


def paragraphs(text: str) -> list[str]:
    """Non-empty lines: a paragraph, a heading or a bullet (some documents use no blank lines)."""
    return [line for line in text.splitlines() if line.strip()]


def synthetic_document(number: int, base: str, base_text: str, others: list[str]) -> tuple[str, str, Profile]:
    rng = random.Random(number)
    profile = Profile(rng)
    pool = [p for text in others for p in paragraphs(text) if len(p) > 80]
    out = []
    for line in base_text.splitlines():  # blank lines kept: the chunker reads the layout
        source = line
        if pool and len(line) > 80 and rng.random() < SWAP_PARAGRAPH_SHARE:
            # A paragraph of about the same length, so the document keeps its size and shape.
            similar = [p for p in rng.sample(pool, min(20, len(pool))) if 0.5 <= len(p) / len(line) <= 2]
            source = similar[0] if similar else line
        out.append(profile.apply(source) if source.strip() else source)
    name = f"{PREFIX}{number:05d}-{profile.area.lower().replace(' ', '-')}-{Path(base).stem[:3]}.txt"
    return name, "\n".join(out) + "\n", profile


def grow(real_corpus: Path, target: Path, factor: int) -> int:
    """Write the real corpus plus (factor - 1) synthetic rounds to ``target``; returns documents."""
    if factor < 1:
        raise ValueError(f"size factor must be at least 1, got {factor}")
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(real_corpus, target)
    catalog = yaml.safe_load((real_corpus / "metadata.yaml").read_text(encoding="utf-8")) or {}
    real = sorted(p for p in real_corpus.iterdir() if p.suffix in (".txt", ".md") and p.name in catalog)
    texts = {p.name: p.read_text(encoding="utf-8") for p in real}
    number = 0
    for _ in range(factor - 1):
        for base in real:
            number += 1
            name, text, profile = synthetic_document(number, base.name, texts[base.name], list(texts.values()))
            (target / name).write_text(text, encoding="utf-8")
            catalog[name] = _entry(catalog[base.name], profile, number)
    (target / "metadata.yaml").write_text(yaml.safe_dump(catalog, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return len(real) + number


def _entry(base: dict, profile: Profile, number: int) -> dict:
    rng = random.Random(-number)
    statuses, weights = zip(*STATUS_WEIGHTS)
    year = int(str(base.get("published", "2018"))[:4]) + profile.year_shift
    return {
        "title": f"{profile.substitute(str(base['title']))} ({profile.area} local edition)",
        "publisher": f"NHS {profile.area}",
        "published": f"{year:04d}-{rng.randint(1, 12):02d}",
        "kind": base.get("kind", "guidance"),
        "status": rng.choices(statuses, weights)[0],
        "notes": f"Synthetic benchmark document made from {base['title']!s}.",
    }
