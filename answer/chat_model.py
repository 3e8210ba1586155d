"""The configured LangChain chat model (OPMODEL_LLM), built once; the only module that imports
an LLM package, and only when a model is configured."""

from __future__ import annotations

import os

from opmodel.errors import ConfigError
from opmodel.settings import Settings

from answer.local_endpoint import refuse_unless_local

NO_KEY = "none"
INSTALL_HINT = "install the optional extra: pip install -e '.[llm]'"


def provider_of(settings: Settings) -> str:
    return (settings.llm or "").partition(":")[0].strip().lower()


def check_endpoint(settings: Settings) -> None:
    """ConfigError when OPMODEL_LLM_LOCAL_ONLY forbids the configured endpoint."""
    if settings.llm_local_only:
        refuse_unless_local(provider_of(settings), settings.llm_base_url)


def build_chat_model(settings: Settings):
    """``init_chat_model`` with our timeout and no retries of its own (the caller retries once,
    within its time budget), at temperature 0: the same passages should give the same summary."""
    check_endpoint(settings)
    try:
        from langchain.chat_models import init_chat_model
    except ImportError:
        raise ConfigError(f"OPMODEL_LLM is set but LangChain is not installed: {INSTALL_HINT}") from None
    kwargs: dict = {"temperature": 0}
    if settings.llm_base_url:
        kwargs["base_url"] = settings.llm_base_url
    if provider_of(settings) == "ollama":  # ChatOllama takes its timeout as an httpx option
        kwargs["client_kwargs"] = {"timeout": settings.llm_timeout}
    else:
        kwargs.update(timeout=settings.llm_timeout, max_retries=0)
        if settings.llm_api_key:
            kwargs["api_key"] = settings.llm_api_key.get_secret_value()
        elif settings.llm_base_url and not os.environ.get("OPENAI_API_KEY"):
            kwargs["api_key"] = NO_KEY  # a local OpenAI-compatible server (Ollama, llama.cpp) wants none
    try:
        return init_chat_model(settings.llm, **kwargs)
    except Exception as exc:  # an unknown provider, its package missing, a key it insists on
        raise ConfigError(f"OPMODEL_LLM={settings.llm}: {exc}") from None
