"""One typed settings object, read from ``OPMODEL_*`` environment variables and ``.env``.

Keyword arguments win over the environment, so tests and the CLI can override any field:
``Settings(index_dir=tmp)``. Slack's own variable names (``SLACK_BOT_TOKEN`` ...) are read
unprefixed because that is what Slack's docs and every Bolt sample tell admins to set.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Optional

from pydantic import AliasChoices, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from opmodel.errors import ConfigError

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

    corpus_dir: Path = Field(Path("corpus"), description="Folder of source documents.")
    index_dir: Path = Field(
        Path(".opmodel/index"),
        validation_alias=AliasChoices("OPMODEL_INDEX", "OPMODEL_INDEX_DIR", "index_dir"),
        description="Embedded Chroma folder (ignored when chroma_url is set).",
    )
    chroma_url: Optional[str] = Field(None, description="http://host:port of a `chroma run` server.")
    chroma_token: Optional[str] = Field(None, description="Token for a Chroma server with auth.")
    collection: str = Field("opmodel", description="Name prefix of the Chroma collections.")
    top_k: int = Field(5, description="Passages cited at most.")
    answerer: Literal["rules", "scorer"] = Field(
        "rules", description="rules (default) or scorer: the fitted scorer of answer/scored_engine.py.")
    weights: Optional[Path] = Field(
        None, description="The scorer's fitted weights (`opmodel tune --out`); default: answer/weights.json.")
    feedback_db: Path = Field(Path(".opmodel/feedback.sqlite3"))
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

    def __init__(self, **kwargs):
        try:
            super().__init__(**kwargs)
        except ValidationError as exc:
            raise ConfigError("invalid setting: " + "; ".join(_describe(e) for e in exc.errors())) from exc

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

    @property
    def uses_server(self) -> bool:
        return self.chroma_url is not None
