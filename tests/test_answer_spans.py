"""The verbatim check behind model-written sentences, and where OPMODEL_LLM_LOCAL_ONLY lets a
question go: pure functions, no model."""

from __future__ import annotations

import pytest

from answer.local_endpoint import refuse_unless_local
from answer.spans import find_span
from opmodel.errors import ConfigError

PASSAGE = "The practice’s “core” systems are\nfunded centrally; ﬁnance teams  confirm the sums."


@pytest.mark.parametrize("span, found", [
    ("The practice's \"core\" systems are funded", "The practice’s “core” systems are\nfunded"),  # quotes, line break
    ("“funded centrally; finance teams confirm”", "funded centrally; ﬁnance teams  confirm"),  # ligature, double space
    ("systems are\u200b funded centrally.", "systems are\nfunded centrally"),  # zero-width space, a closing stop
])
def test_whitespace_quote_marks_and_compatibility_forms_are_folded(span, found):
    assert find_span(span, PASSAGE) == found


@pytest.mark.parametrize("span", [
    "the practice's core systems are funded",  # case
    "The practice's core systems are funded",  # the quote marks themselves dropped: words changed
    "systems are funded locally",  # a word changed
    "The practice's \"core\" … funded centrally",  # an ellipsis joins two places
    "funded centrally",  # too short to prove anything
    "",
])
def test_anything_else_is_not_found(span):
    assert find_span(span, PASSAGE) is None


@pytest.mark.parametrize("provider, url", [
    ("openai", "http://127.0.0.1:8000/v1"), ("openai", "http://localhost:11434/v1"), ("openai", "http://[::1]:8000/v1"),
    ("openai", "http://10.2.3.4/v1"), ("openai", "https://192.168.1.20/v1"), ("ollama", None),
])
def test_local_and_private_endpoints_are_allowed(provider, url):
    refuse_unless_local(provider, url)


@pytest.mark.parametrize("provider, url, why", [
    ("openai", "https://8.8.8.8/v1", "resolves to 8.8.8.8"),
    ("openai", "http://[2001:4860:4860::8888]/v1", "outside localhost"),
    ("openai", "http://[::ffff:8.8.8.8]/v1", "outside localhost"),
    ("openai", "https://llm.example.invalid/v1", "does not resolve"),
    ("openai", None, "OPMODEL_LLM_BASE_URL is not"),
    ("azure_openai", None, "OPMODEL_LLM_BASE_URL is not"),
])
def test_public_unresolvable_and_vendor_endpoints_are_refused(provider, url, why):
    with pytest.raises(ConfigError, match=why):
        refuse_unless_local(provider, url)
