"""Without the [eval] extra, `opmodel eval` says which install it needs, before any slow work."""

import sys

import pytest

from eval.runner import EvalError, run_eval


def test_a_missing_langchain_names_the_extra_and_the_way_round_it(monkeypatch):
    monkeypatch.delitem(sys.modules, "eval.baseline", raising=False)
    # Import fails as if the extra were not installed, even when another test imported parts of it.
    for name in ("langchain_core", "langchain_chroma", "langchain_text_splitters"):
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(EvalError, match=r"opmodel\[eval\].*--no-baseline"):
        run_eval(split="dev", set_name="shipped", baseline=True, progress=False)
