"""Block Kit rendering of answers: what a user sees in Slack, within Slack's limits.

An answer message is compact: the direct answer with its ``[n]`` markers, the currency notes
in one context line, then each quoted passage as one line (title, a link when the catalogue
gives a ``url``, · date · page/section), its currency flag and only the sentence(s) quoted
from it; passages read but not quoted are counted, not shown. Then the buttons: feedback and
"Show passages", which posts every cited passage in full (``render_passages``). A table row,
quoted or in full, shows as its label and a "Column: cell" line per cell. Every text is
escaped for mrkdwn and cut to Slack's limits whatever the corpus holds: 3,000 characters per
section, 50 blocks, and a plain-text ``text`` fallback for notifications and screen readers.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Optional

from answer.types import Answer, Citation
from bot.mrkdwn import escape, fit, quote
from opmodel.table_rows import label_quoted_rows, shown as shown_fields

SECTION_LIMIT = 3000
CONTEXT_LIMIT = 2000  # context elements are shown small; keep them short
MAX_BLOCKS = 50
FALLBACK_LIMIT = 3000

ACTION_FEEDBACK = "answer_feedback"  # Slack's feedback buttons; the value says which was pressed
# Ordinary buttons: where the feedback buttons element is refused, and on answers posted before it.
ACTION_HELPFUL = "feedback_helpful"
ACTION_NOT_HELPFUL = "feedback_not_helpful"
ACTION_SHARE = "share_answer"
ACTION_SHOW_PASSAGES = "show_passages"
FEEDBACK_BLOCK_ID = "opmodel_feedback"
SHARE_BLOCK_ID = "opmodel_share"

STATUS_FLAGS = {
    "superseded": ":warning: *Superseded*",
    "historical": ":hourglass_flowing_sand: *Historical*",
}
GENERIC_REPHRASING = [
    "Name the service, system or role you mean (for example “clinical system”, “smartcard”, “HSCN”).",
    "Ask about one thing at a time, as you would ask a colleague.",
]


@dataclass
class Message:
    text: str  # plain-text fallback, always set
    blocks: list[dict] = field(default_factory=list)

    def as_kwargs(self) -> dict:
        return {"text": self.text, "blocks": self.blocks}


def section(mrkdwn_text: str, block_id: Optional[str] = None) -> dict:
    block = {"type": "section", "text": {"type": "mrkdwn", "text": fit(mrkdwn_text, SECTION_LIMIT)}}
    if block_id:
        block["block_id"] = block_id
    return block


def context(mrkdwn_text: str) -> dict:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": fit(mrkdwn_text, CONTEXT_LIMIT)}]}


def friendly_date(published: Optional[str]) -> Optional[str]:
    """'2021-04' → 'Apr 2021', '2006-12-11' → '11 Dec 2006', '2018' → '2018'."""
    if not published:
        return None
    parts = published.split("-")
    try:
        if len(parts) == 3:
            return date(int(parts[0]), int(parts[1]), int(parts[2])).strftime("%-d %b %Y")
        if len(parts) == 2:
            return date(int(parts[0]), int(parts[1]), 1).strftime("%b %Y")
    except ValueError:
        pass
    return published


TITLE_LIMIT = 90  # a long title is cut in the compact line; "Show passages" has it whole
SECTION_NAME_LIMIT = 70
STATUS_NOTE_LIMIT = 120
_MARKED_QUOTE = re.compile(r"“(.+?)” \[(\d+)\]")


def quotes_by_citation(answer: Answer) -> dict[int, list[str]]:
    """The quoted sentence(s) of each cited passage, by its [n]: read from the answer's own
    markers (``“quote” [n]``), so a quote joined with “…” still finds its passage."""
    # The answer's own quotes first: one spanning lines (a row under its column names, a list
    # under its introduction) is found whole, where the pattern reads one line at a time.
    marked, rest = [], answer.text
    for q in answer.quotes:
        for m in re.finditer(re.escape(f"“{q}” [") + r"(\d+)\]", answer.text):
            marked.append((m.start(), q, m.group(1)))
            rest = rest.replace(m.group(0), "\n")
    marked += [(answer.text.find(m.group(0)), m.group(1), m.group(2)) for m in _MARKED_QUOTE.finditer(rest)]
    found: dict[int, list[str]] = {}
    for _, text, n in sorted(marked):
        found.setdefault(int(n), [])
        if text not in found[int(n)]:
            found[int(n)].append(text)
    return found


def _link(url: Optional[str], label: str) -> str:
    """``label`` (escaped already) as a link to the catalogue's ``url``; only http(s) links,
    and never one that would break out of Slack's ``<url|label>`` syntax."""
    if isinstance(url, str) and re.fullmatch(r"https?://[^\s<>|]+", url):
        return f"<{url.replace('&', '&amp;')}|{label}>"
    return label


def citation_line(citation: Citation) -> str:
    """``[n] Title · date · p. x · section``: the title a link when the catalogue gives a url."""
    p = citation.passage
    title = _link(p.url, fit(escape(p.title), TITLE_LIMIT))
    where = [f"*[{citation.n}]* *{title}*"]
    when = friendly_date(p.published)
    if when:
        where.append(escape(when))
    if p.page is not None:
        where.append(f"p. {p.page}")
    if p.shown_section:
        where.append(f"_{fit(escape(p.shown_section), SECTION_NAME_LIMIT)}_")
    return " · ".join(where)


def _status_line(p, with_note: bool) -> Optional[str]:
    flag = STATUS_FLAGS.get(p.status)
    if not flag:
        return None
    if not (with_note and p.status_note):
        return flag
    first = re.split(r"(?<=\.)\s", p.status_note.strip(), maxsplit=1)[0]  # the first sentence says why
    return f"{flag} — {fit(escape(first), STATUS_NOTE_LIMIT)}"


def citation_block(citation: Citation, quoted: Optional[list[str]] = None) -> dict:
    """One cited passage, compact: its line, its currency flag, and only the sentence(s) the
    answer quotes from it (none for a passage read but not quoted)."""
    p = citation.passage
    if not quoted:
        flag = _status_line(p, with_note=False)
        return section(citation_line(citation) + (f" · {flag}" if flag else ""))
    lines = [citation_line(citation)]
    flag = _status_line(p, with_note=True)
    if flag:
        lines.append(flag)
    head = "\n".join(lines) + "\n"
    body = quote(fit(escape(shown_fields(" … ".join(quoted), p.column_names)), SECTION_LIMIT - len(head) - 50))
    return section(head + body)


def passage_block(citation: Citation) -> dict:
    """One cited passage in full (the "Show passages" reply): heading, flag and note, the whole text."""
    p = citation.passage
    lines = [citation_line(citation)]
    flag = STATUS_FLAGS.get(p.status)
    if flag:
        lines.append(f"{flag} — {escape(p.status_note)}" if p.status_note else flag)
    head = fit("\n".join(lines), 600) + "\n"
    # The text gets whatever room the heading leaves, so the block never exceeds the limit.
    return section(head + quote(fit(escape(shown_fields(p.text, p.column_names)), SECTION_LIMIT - len(head) - 50)))


def answer_value(answer_id: str) -> str:
    """What a button sends back: only the answer id. The question stays on our side
    (``bot.answers``): a button value is readable by anyone who can see the message."""
    return json.dumps({"a": answer_id})


def show_passages_button(answer_id: str) -> dict:
    """Beside the answer (a section accessory), so it stays when a feedback click replaces the buttons."""
    return {"type": "button", "action_id": ACTION_SHOW_PASSAGES, "text": {"type": "plain_text", "text": "Show passages"},
            "value": answer_value(answer_id)}


def feedback_value(answer_id: str, rating: str) -> str:
    """What a feedback button sends back: the answer id and which of the two was pressed."""
    return json.dumps({"a": answer_id, "r": rating})


def feedback_block(answer_id: str) -> dict:
    """Slack's own feedback buttons (a ``feedback_buttons`` element in a ``context_actions``
    block): shown small under the answer, as Slack shows them under its AI apps' replies."""
    def choice(text: str, label: str, rating: str) -> dict:
        return {"text": {"type": "plain_text", "text": text}, "accessibility_label": label,
                "value": feedback_value(answer_id, rating)}

    return {"type": "context_actions", "block_id": FEEDBACK_BLOCK_ID, "elements": [{
        "type": "feedback_buttons", "action_id": ACTION_FEEDBACK,
        "positive_button": choice("Helpful", "This answer was helpful", "helpful"),
        "negative_button": choice("Not helpful", "This answer was not helpful", "not_helpful"),
    }]}


def classic_feedback_block(answer_id: str) -> dict:
    """Two ordinary buttons, for a Slack that does not know the feedback buttons element."""
    value = answer_value(answer_id)
    return {"type": "actions", "block_id": FEEDBACK_BLOCK_ID, "elements": [
        {"type": "button", "action_id": ACTION_HELPFUL, "text": {"type": "plain_text", "text": "Helpful"}, "value": value},
        {"type": "button", "action_id": ACTION_NOT_HELPFUL, "text": {"type": "plain_text", "text": "Not helpful"},
         "value": value},
    ]}


def share_block(answer_id: str) -> dict:
    return {"type": "actions", "block_id": SHARE_BLOCK_ID, "elements": [{
        "type": "button", "action_id": ACTION_SHARE, "style": "primary",
        "text": {"type": "plain_text", "text": "Share to channel"}, "value": answer_value(answer_id),
    }]}


def with_classic_feedback(blocks: list[dict]) -> Optional[list[dict]]:
    """``blocks`` with Slack's feedback buttons swapped for ordinary ones; None when there are
    none to swap (so a refusal of these blocks has another cause)."""
    swapped, found = [], False
    for block in blocks:
        if block.get("type") == "context_actions" and block.get("block_id") == FEEDBACK_BLOCK_ID:
            value = json.loads(block["elements"][0]["positive_button"]["value"])
            block, found = classic_feedback_block(value["a"]), True
        swapped.append(block)
    return swapped if found else None


def render_answer(answer: Answer, *, answer_id: str = "", share: bool = False, feedback: bool = True,
                  preface: Optional[str] = None) -> Message:
    """The whole answer message. ``answer_id`` is what its buttons send back (``bot.answers``);
    ``preface`` is a context line above it (e.g. who shared it)."""
    head: list[dict] = [context(preface)] if preface else []
    if answer.abstained:
        head += declined_blocks(answer)
    else:
        if answer.summary:
            head.append(summary_block(answer))
        lead = section(escape(_without_notes(_labelled_rows(answer), answer.currency_notes)))
        if answer.citations:
            lead["accessory"] = show_passages_button(answer_id)
        head.append(lead)
        if answer.currency_notes:
            # One context line, however many notes: the flags under each passage say which.
            head.append(context(":warning: " + " ".join(escape(n) for n in answer.currency_notes)))
    citations = [] if answer.abstained else answer.citations
    tail = ([feedback_block(answer_id)] if feedback else []) + ([share_block(answer_id)] if share else [])
    quoted = quotes_by_citation(answer)
    # Passages read but not quoted are left to "Show passages": the message holds what the answer rests on.
    unquoted = [c for c in citations if c.n not in quoted] if quoted else []
    citations = [c for c in citations if c.n in quoted] if quoted else citations
    # Room left for citations after the divider, a possible "more" note, and the thank-you
    # that a feedback click adds later (``thanked``).
    room = MAX_BLOCKS - len(head) - len(tail) - 3 - bool(unquoted)
    shown = citations[: max(0, room)]
    blocks = head + ([{"type": "divider"}] if shown else []) + [citation_block(c, quoted.get(c.n)) for c in shown]
    if len(citations) > len(shown):
        blocks.append(context(f"{len(citations) - len(shown)} more passages were cited but do not fit in one message."))
    if unquoted:
        blocks.append(context(f"{len(unquoted)} more passage{'s were' if len(unquoted) != 1 else ' was'} cited but not quoted;"
                              " *Show passages* has every passage in full."))
    return Message(text=fallback_text(answer), blocks=blocks + tail)


def summary_block(answer: Answer) -> dict:
    """The model's sentence(s), marked as a summary and each followed by the words it rests on;
    the quoted answer and its passages follow as without a model."""
    lines = [f"*Summary* _(by {escape(answer.summary.model)}, a language model; checked against the quotes)_"]
    for sentence in answer.summary.sentences:
        lines.append(escape(sentence.text) + " " + "".join(f"[{n}]" for n in sentence.markers))
        lines += [quote(f"“{escape(fit(q.text, 300))}” [{q.n}]") for q in sentence.quotes]
    return section("\n".join(lines))


def _labelled_rows(answer: Answer) -> str:
    """The answer text with each quoted table row as its label and "Column: cell" lines."""
    columns = {c.n: c.passage.column_names for c in answer.citations}
    return label_quoted_rows(answer.text, answer.quotes, columns.get)


def _without_notes(text: str, notes: list[str]) -> str:
    """The answer minus the lines repeating a currency note, which get their own block."""
    lines = [line for line in text.splitlines() if not any(note in line for note in notes)]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() or text  # no gap left where the notes were


def declined_blocks(answer: Answer) -> list[dict]:
    if answer.reason == "out_of_scope":
        lead = ":compass: That looks outside what the GP IT operating model documents cover, so I won't guess."
    elif answer.missing:
        named = " or ".join(f"“{escape(m)}”" for m in answer.missing)
        lead = f":mag: These documents never mention {named}, so I won't guess."
    else:
        lead = ":mag: I couldn't find a passage that answers this directly, so I won't guess."
    # The core's own decline text is written for the terminal; Slack gets the same facts as blocks.
    blocks = [section(lead + f"\n*What I looked for:* _{escape(fit(answer.question, 500))}_")]
    nearest = [nearest_topic(c) for c in answer.citations[:3]]
    if nearest and answer.reason != "out_of_scope":
        blocks.append(section("*Closest topics in the documents:*\n" + "\n".join(f"• {t}" for t in nearest)))
    if answer.currency_notes:  # what is known of a body the question names that has since been replaced
        blocks.append(context("\n".join(f":information_source: {escape(n)}" for n in answer.currency_notes)))
    tips = answer.suggestions or GENERIC_REPHRASING
    blocks.append(context("*Try:* " + " ".join(escape(t) for t in tips)))
    return blocks


def nearest_topic(citation: Citation) -> str:
    p = citation.passage
    where = escape(p.section) if p.section else escape(fit(p.text, 80))
    when = friendly_date(p.published)
    return f"{where} — _{escape(p.title)}_" + (f" ({escape(when)})" if when else "")


def fallback_text(answer: Answer) -> str:
    if answer.abstained:
        text = f"I couldn't find a clear answer to “{answer.question}” in the operating model documents."
    else:
        quoted = quotes_by_citation(answer)
        sources = "; ".join(f"[{c.n}] {c.passage.title}" for c in answer.citations if not quoted or c.n in quoted)
        text = f"{answer.text}\n\nSources: {sources}" if sources else answer.text
        if answer.summary:
            text = "Summary: " + " ".join(s.text for s in answer.summary.sentences) + "\n\n" + text
    return fit(escape(text), FALLBACK_LIMIT)


def render_passages(citations: list[Citation]) -> Message:
    """The "Show passages" reply: every passage the answer cited, whole, in its [n] order."""
    shown = citations[: MAX_BLOCKS - 2]
    blocks = [context(f"The {len(citations)} passage{'s' if len(citations) != 1 else ''} behind this answer, in full:")]
    blocks += [passage_block(c) for c in shown]
    if len(citations) > len(shown):
        blocks.append(context(f"{len(citations) - len(shown)} more passages do not fit in one message."))
    text = "; ".join(f"[{c.n}] {c.passage.title}: {c.passage.text}" for c in citations)
    return Message(text=fit(escape(text), FALLBACK_LIMIT), blocks=blocks)


def thanked(blocks: list[dict], helpful: bool) -> list[dict]:
    """The same message with the feedback buttons replaced by a thank-you (a share button stays)."""
    note = "Thanks — glad it helped." if helpful else "Thanks for telling us — this helps improve the answers."
    kept = []
    for block in blocks:
        if block.get("block_id") == FEEDBACK_BLOCK_ID:
            # Answers from before the share button had its own block hold it beside the feedback.
            others = [e for e in block.get("elements", []) if e.get("action_id") == ACTION_SHARE]
            if not others:
                continue
            block = {**block, "elements": others}
        kept.append(block)
    return kept + [context(f":white_check_mark: {note}")]


def notice(text_mrkdwn: str, plain: str) -> Message:
    """A one-section message: help, guard replies, apologies."""
    return Message(text=plain, blocks=[section(text_mrkdwn)])
