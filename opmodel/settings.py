"""One typed settings object, read from ``OPMODEL_*`` environment variables and ``.env``.

Keyword arguments win over the environment, so tests and the CLI can override any field:
``Settings(index_dir=tmp)``. Defaults do not depend on the current folder: the index and the
feedback database are under ``home`` (the user's data folder, or ``OPMODEL_HOME``) and the
corpus is the shipped one (see ``opmodel.locations``); a relative path given in a variable or a
``.env`` is read against the current folder, as any path typed at a prompt. Slack's own variable names (``SLACK_BOT_TOKEN`` ...) are read
unprefixed because that is what Slack's docs and every Bolt sample tell admins to set.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Optional

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from opmodel.errors import ConfigError
from opmodel.locations import data_home, shipped_corpus

MAX_QUESTION_CHARS = 2000


def _describe(error: dict) -> str:
    """One line per bad field, naming the variable a user would set and the value given."""
    field = ".".join(str(part) for part in error.get("loc", ())) or "settings"
    message = error.get("msg", "invalid").removeprefix("Value error, ")
    return f"OPMODEL_{field.upper()}: {message} (got {error.get('input')!r})"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="OPMODEL_", env_file=".env", extra="ignore", populate_by_name=True
    )

    home: Path = Field(default_factory=data_home, description="Where the index and feedback database live by default.")
    corpus_dir: Path = Field(default_factory=shipped_corpus, description="Folder of source documents.")
    index_dir: Optional[Path] = Field(  # always set after validation: see _under_home
        None,
        validation_alias=AliasChoices("OPMODEL_INDEX", "OPMODEL_INDEX_DIR", "index_dir"),
        description="Embedded Chroma folder (ignored when chroma_url is set).",
    )
    chroma_url: Optional[str] = Field(None, description="http://host:port of a `chroma run` server.")
    chroma_token: Optional[str] = Field(None, description="Token for a Chroma server with auth.")
    collection: str = Field("opmodel", description="Name prefix of the Chroma collections.")
    top_k: int = Field(5, description="Passages cited at most.")
    answerer: Literal["rules", "scorer"] = Field(
        "rules", description="rules (default): the hand-written rules of answer/engine.py; scorer: the fitted "
        "scorer of answer/scored_engine.py, which leads better but missed one held-back decline floor (session 9).")
    weights: Optional[Path] = Field(
        None, description="The scorer's fitted weights (`opmodel tune --out`); default: answer/weights.json.")
    feedback_db: Optional[Path] = Field(None, description="Slack feedback, answer ids, de-duplication; default home/feedback.sqlite3.")
    user_hash_key: Optional[str] = Field(
        None, repr=False,
        description="Key for hashing Slack user ids in feedback; default: a 0600 file beside feedback_db.",
    )
    log_level: str = Field("INFO")
    # Reliability limits (issue 14).
    chroma_timeout: float = Field(5.0, gt=0, description="Seconds a query to a Chroma server may take.")
    ingest_wait: float = Field(
        600.0, ge=0, description="Seconds an ingest waits for another ingest of the same index to finish.")
    max_document_mb: float = Field(20.0, gt=0, description="Largest document text indexed, in MB; bigger ones are skipped.")

    slack_bot_token: Optional[str] = Field(None, validation_alias=AliasChoices("SLACK_BOT_TOKEN", "slack_bot_token"))
    slack_app_token: Optional[str] = Field(None, validation_alias=AliasChoices("SLACK_APP_TOKEN", "slack_app_token"))
    slack_signing_secret: Optional[str] = Field(
        None, validation_alias=AliasChoices("SLACK_SIGNING_SECRET", "slack_signing_secret")
    )
    slack_api_url: Optional[str] = Field(None, validation_alias=AliasChoices("SLACK_API_URL", "slack_api_url"))

    # An optional language model that restates the quoted answer (answer/grounded.py). Unset,
    # nothing is sent anywhere and no LLM package is imported.
    llm: Optional[str] = Field(None, description="provider:model as LangChain's init_chat_model takes it, "
                               "e.g. ollama:qwen2.5:7b or openai:gpt-4o-mini.")
    llm_base_url: Optional[str] = Field(None, description="An OpenAI-compatible endpoint (Ollama, vLLM, a gateway).")
    llm_api_key: Optional[SecretStr] = Field(None, repr=False)
    llm_timeout: float = Field(10.0, description="Seconds to wait for the model before giving the quoted answer alone.")
    llm_local_only: bool = Field(False, description="Refuse any model endpoint outside localhost and private addresses.")

    def __init__(self, **kwargs):
        try:
            super().__init__(**kwargs)
        except ValidationError as exc:
            raise ConfigError("invalid setting: " + "; ".join(_describe(e) for e in exc.errors())) from exc

    @field_validator("home")
    @classmethod
    def _home_absolute(cls, value: Path) -> Path:
        # Fixed when read, so the index stays where it was even if the process changes folder.
        return Path(value).expanduser().absolute()

    @field_validator("top_k")
    @classmethod
    def _top_k_range(cls, value: int) -> int:
        if not 1 <= value <= 20:
            raise ValueError(f"top_k must be between 1 and 20, got {value}")
        return value

    @field_validator("chroma_url")
    @classmethod
    def _url_scheme(cls, value: Optional[str]) -> Optional[str]:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError(f"chroma_url must start with http:// or https://, got {value!r}")
        return value or None

    @field_validator("llm")
    @classmethod
    def _llm_names_provider(cls, value: Optional[str]) -> Optional[str]:
        provider, _, model = (value or "").partition(":")
        if value and not (provider.strip() and model.strip()):
            raise ValueError("expected provider:model, e.g. openai:gpt-4o-mini or ollama:qwen2.5:7b")
        return value or None

    @field_validator("llm_base_url")
    @classmethod
    def _llm_url_scheme(cls, value: Optional[str]) -> Optional[str]:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value or None

    @field_validator("llm_timeout")
    @classmethod
    def _llm_timeout_positive(cls, value: float) -> float:
        if not 0 < value <= 300:
            raise ValueError("must be more than 0 and at most 300 seconds")
        return value

    @model_validator(mode="after")
    def _under_home(self) -> "Settings":
        if self.index_dir is None:
            self.index_dir = self.home / "index"
        if self.feedback_db is None:
            self.feedback_db = self.home / "feedback.sqlite3"
        return self

    @property
    def uses_server(self) -> bool:
        return self.chroma_url is not None
