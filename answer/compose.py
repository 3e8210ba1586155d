"""The extractive answer: verbatim sentences from the best passages, each marked [n].

No language model, no network: the answer quotes the sentences of the top passages that
share the most (and the rarest) words with the expanded question, so every statement in
it exists word for word in a cited passage. When a quoted sentence is an item of a list,
the sentence that introduces the list comes with it ("The NHS CB will be directly
responsible for: ... Registration Authority ...").
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from answer import bm25, fit
from answer.currency import asks_about_currency, catalogue_statement, currency_notes, document_asked_about
from answer.query import Query, names_only
from answer.quotes import Quote, candidates, sentence_scores
from answer.retrieve import DENSE_WEIGHT, Hit
from answer.types import Citation
from opmodel.passage import TABLE_CELL_SEPARATOR

PASSAGES_READ = 3  # sentences are taken from the top passages only
RANK_WEIGHT = (1.0, 0.8, 0.65)  # a sentence from a lower-ranked passage must match clearly better
CONTEXT_SHARE = 0.5  # a follow-up's earlier subject counts this much when choosing sentences
NOVELTY_SHARE = 0.15  # a second quote must add at least this share of the first quote's score
MAX_ANSWER_CHARS = 700
SUBJECT_SHARE = 0.5  # of the best quote's score, for a quote naming the subject to lead instead
DUTY_SHARE = 0.5  # of the best quote's score, for one saying who pays for or answers for the subject to lead
CURRENT_SHARE = 0.4  # of the first quote's score, for the current edition's quote to follow old guidance


def _spans(hit: Hit) -> list[tuple[int, int]]:
    return list(hit.passage.sentences) or [(0, len(hit.passage.text))]


def pick_quotes(query: Query, hits: list[Hit], idf: dict[str, float], read: int = PASSAGES_READ) -> list[Quote]:
    """The best quote of the top passage, then the quote that best covers what it left out
    ("Is the DES compulsory?": the DES sentence, then the one saying it is voluntary). For
    "who pays for X?", a quote of any passage read saying who pays for X leads."""
    pool = _candidates(query, hits, idf, read)
    if not pool:
        return []
    first = _lead(query, hits, pool)
    second = _second(query, hits, pool, first)
    if second and first.passage_rank > 0 and not fit.names_the_subject(
            query.question, second.text(hits[second.passage_rank].passage.text), who_only=False):
        # A lower passage's "GP telephony remains a practice responsibility" answered: the top
        # passages' other words ("CCGs must pay for systems...") would only muddy it.
        second = None
    if second and second.passage_rank < first.passage_rank:
        return [first, second]  # a lower passage's quote answers: it leads
    return sorted([first, *([second] if second else [])], key=lambda q: (q.passage_rank, q.pieces))


def _candidates(query: Query, hits: list[Hit], idf: dict[str, float], read: int) -> list[Quote]:
    """Every quotable unit of the top passages, scored against the question."""
    concepts = [(c, 1.0) for c in query.concepts] + [(c, CONTEXT_SHARE) for c in query.context]
    pool: list[Quote] = []
    for rank, hit in enumerate(hits[: min(read, PASSAGES_READ)]):
        text, spans = hit.passage.text, _spans(hit)
        # "Per the Lancashire and Cumbria LMC page, ...": the source's name found the passage; in
        # its own passages it picks out "In Lancashire and Cumbria we have...", not the answer.
        naming = query.source if query.source and query.source <= set(bm25.words(hit.passage.title)) else set()
        weighed = [(c, 0.0 if naming and names_only(c, naming) else f) for c, f in concepts]
        scores = [_weighted(sentence_scores(weighed, idf, text[a:b]), RANK_WEIGHT[rank]) for a, b in spans]
        pool += candidates(query.question, text, spans, scores, rank, definition=rank == 0 and bool(hit.passage.defined_term))
    return pool


def _lead(query: Query, hits: list[Hit], pool: list[Quote]) -> Quote:
    """The top passage's best quote; for "from what date...?", its best one giving the figure
    (its best match may be the sentence around the date: "see this page for updates on GDPR")."""
    first = max((q for q in pool if q.passage_rank == 0), key=lambda q: q.score)
    # "Is telephony included in GP IT funding?": of the top passage's close quotes, one naming
    # telephony, rather than "...framework contracts, including GP IT Futures...".
    text = hits[0].passage.text
    if not fit.names_the_subject(query.question, first.text(text), who_only=False):
        naming = [q for q in pool if q.passage_rank == 0 and q.score >= SUBJECT_SHARE * first.score
                  and fit.names_the_subject(query.question, q.text(text), who_only=False)]
        first = max(naming, key=lambda q: q.score) if naming else first
    if fit.asks_who(query.question) and not _answers_who(query, hits, first):
        # "Who pays for our phones?": "GP telephony remains a practice responsibility" in the
        # second passage answers; the top passage's "Non-core - eg IP Telephony" only classifies.
        answering = [q for q in pool if q.score >= DUTY_SHARE * first.score and _answers_who(query, hits, q)]
        first = max(answering, key=lambda q: q.score) if answering else first
    for figure in fit.figures_wanted(query.question):
        if figure.search(first.text(text)):
            break
        dated = [q for q in pool if q.passage_rank == 0 and q.score > 0 and figure.search(q.text(text))]
        if dated:
            return max(dated, key=lambda q: q.score)
    return first


def _answers_who(query: Query, hits: list[Hit], q: Quote) -> bool:
    return fit.answers_who(query.question, q.text(hits[q.passage_rank].passage.text))


def _second(query: Query, hits: list[Hit], pool: list[Quote], first: Quote) -> Quote | None:
    """After old guidance, the current edition's word on the same subject, new or not, unless the
    question asks about a year of its own ("...the 2014-16 model?"); otherwise the quote adding
    most of what the first left out, if it adds enough."""
    covered = first.matched()
    room = MAX_ANSWER_CHARS - len(first.text(hits[first.passage_rank].passage.text))
    fits = [q for q in pool if not q.overlaps(first) and len(q.text(hits[q.passage_rank].passage.text)) <= room]
    if hits[first.passage_rank].passage.status != "current" and not fit.names_a_year(query.question):
        current = [
            q for q in fits
            if hits[q.passage_rank].passage.status == "current" and q.matched() & covered
            and q.score >= CURRENT_SHARE * first.score
        ]
        if current:
            return max(current, key=lambda q: q.score)
    extras = [q for q in fits if q.novelty(covered) >= NOVELTY_SHARE * first.score > 0]
    return max(extras, key=lambda q: q.novelty(covered)) if extras else None


def _weighted(scores: tuple[float, ...], factor: float) -> tuple[float, ...]:
    return tuple(s * factor for s in scores)


def citations(hits: list[Hit], top_k: int) -> list[Citation]:
    """The cited passages in rank order, scored 0-1 against the best a passage can fuse to."""
    best = 1.0 + DENSE_WEIGHT
    return [Citation(n=i, passage=h.passage, score=min(1.0, h.score / best)) for i, h in enumerate(hits[:top_k], start=1)]


@dataclass(frozen=True)
class Composed:
    text: str  # the quotes with their markers, then the currency notes
    citations: list[Citation]
    notes: list[str]
    quotes: list[str]  # the quoted text alone


def _columns(passage, quoted: str) -> str:
    """A table row quoted without the row naming its columns says what each cell is, after the quote."""
    columns = passage.column_names if TABLE_CELL_SEPARATOR in quoted else None
    return f" (columns: {columns})" if columns and columns not in quoted else ""


def compose(query: Query, hits: list[Hit], idf: dict[str, float], top_k: int) -> Composed:
    """Answer text, its citations and its currency notes."""
    quotes = pick_quotes(query, hits, idf, read=top_k)
    if quotes and quotes[0].passage_rank > 0:  # the passage the answer rests on is cited first
        order = [quotes[0].passage_rank, *(i for i in range(len(hits)) if i != quotes[0].passage_rank)]
        hits = [hits[i] for i in order]
        quotes = [replace(q, passage_rank=order.index(q.passage_rank)) for q in quotes]
    cites = citations(hits, top_k)
    quoted = [(q.passage_rank + 1, hits[q.passage_rank].passage, q.text(hits[q.passage_rank].passage.text)) for q in quotes]
    parts = [f"“{text}” [{n}]{_columns(passage, text)}" for n, passage, text in quoted]
    notes = currency_notes(quoted)
    if quoted and asks_about_currency(query.question):  # what the catalogue knows leads, marked as such
        parts.insert(0, catalogue_statement(document_asked_about(query.question, [h.passage for h in hits[:top_k]])))
    text = "\n".join(parts)
    if notes:
        text += "\n\n" + "\n".join(f"Note: {n}" for n in notes)
    return Composed(text, cites, notes, [t for _, _, t in quoted])
