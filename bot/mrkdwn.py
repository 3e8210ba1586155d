"""Slack's text conventions at the edge: escaping what we send, unescaping what we read.

Slack delivers user text with ``&``, ``<`` and ``>`` escaped and mentions as ``<@U123>``;
whatever we put in mrkdwn must be escaped the same way or a passage quoting "<b>" or
"R&D" would break the message (or, worse, ping ``<!channel>``).
"""

from __future__ import annotations

import re

_MENTION = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")
_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|([^>]+))?>")
_SPECIAL = re.compile(r"<!(?:here|channel|everyone)(?:\|[^>]*)?>|<!subteam\^[A-Z0-9]+(?:\|[^>]*)?>")
_ELLIPSIS = "…"


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def question_from_message(text: str) -> str:
    """The plain question in a Slack message: user mentions (the bot's included) removed, links shown as
    their label, entities unescaped, whitespace collapsed."""
    text = _MENTION.sub(" ", text)
    text = _SPECIAL.sub(" ", text)
    text = _LINK.sub(lambda m: m.group(2) or m.group(1), text)
    return " ".join(unescape(text).split())


def mentions(text: str, user_id: str) -> bool:
    return bool(user_id) and re.search(rf"<@{re.escape(user_id)}(?:\|[^>]*)?>", text or "") is not None


def fit(text: str, limit: int) -> str:
    """Cut already-escaped mrkdwn to at most ``limit`` characters, never through an entity
    (``&amp;``) or a word, ending with an ellipsis when anything was cut."""
    if len(text) <= limit:
        return text
    cut = text[: max(0, limit - len(_ELLIPSIS))]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    space = cut.rfind(" ")
    if space > len(cut) * 0.8:
        cut = cut[:space]
    return cut.rstrip() + _ELLIPSIS


def quote(text: str) -> str:
    """A block quote in mrkdwn; every line needs its own marker."""
    return "\n".join(f">{line}" if line else ">" for line in text.splitlines() or [""])
