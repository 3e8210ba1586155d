"""Opening Chroma: embedded on disk by default, a `chroma run` server when a URL is set.

``chromadb.HttpClient`` talks to the server with no timeout at all, so a server that is down
or a URL that points nowhere would surface as a hang or as an odd error deep inside the first
question. We ask the server's heartbeat first, with a short timeout, and turn any failure
into one ``IndexUnreachableError`` that names the URL and says how to fix it.
"""

from __future__ import annotations

from typing import Optional
from urllib.parse import urlparse

from opmodel.errors import ConfigError, IndexCorruptError, IndexUnreachableError
from opmodel.settings import Settings

HEARTBEAT_PATH = "/api/v2/heartbeat"
HEARTBEAT_TIMEOUT_S = 3.0
TOKEN_PROVIDER = "chromadb.auth.token_authn.TokenAuthClientProvider"


def chroma_client(settings: Settings):
    """Embedded on disk by default; a server when ``OPMODEL_CHROMA_URL`` is set."""
    if settings.uses_server:
        return server_client(settings.chroma_url, settings.chroma_token)
    return embedded_client(settings)


def embedded_client(settings: Settings):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    try:
        settings.index_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(
            path=str(settings.index_dir), settings=ChromaSettings(anonymized_telemetry=False)
        )
    except Exception as exc:
        raise IndexCorruptError(
            f"cannot open the index at {settings.index_dir}: {exc}. "
            "Delete that folder and run `opmodel ingest` to rebuild it."
        ) from exc


def server_client(url: str, token: Optional[str] = None, timeout: float = HEARTBEAT_TIMEOUT_S):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    parts = urlparse(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"OPMODEL_CHROMA_URL must look like http://host:port, got {url!r}")
    check_heartbeat(url, token, timeout)
    auth = {}
    if token:
        # Chroma's own client sends this as "Authorization: Bearer <token>", which is what a
        # server started with token authentication expects.
        auth = dict(chroma_client_auth_provider=TOKEN_PROVIDER, chroma_client_auth_credentials=token)
    try:
        return chromadb.HttpClient(
            host=parts.hostname,
            port=parts.port or (443 if parts.scheme == "https" else 80),
            ssl=parts.scheme == "https",
            settings=ChromaSettings(anonymized_telemetry=False, **auth),
        )
    except ValueError as exc:  # e.g. characters Chroma does not allow in a token
        raise ConfigError(f"the Chroma client rejected the settings for {url}: {exc}") from exc
    except Exception as exc:
        raise unreachable(url, exc) from exc


def check_heartbeat(url: str, token: Optional[str] = None, timeout: float = HEARTBEAT_TIMEOUT_S) -> None:
    """Raise ``IndexUnreachableError`` unless the server answers its heartbeat in ``timeout`` s."""
    import httpx

    headers = {"Authorization": f"Bearer {token}"} if token else {}
    target = url.rstrip("/") + HEARTBEAT_PATH
    try:
        response = httpx.get(target, headers=headers, timeout=timeout)
    except httpx.HTTPError as exc:
        raise unreachable(url, exc) from exc
    if response.status_code in (401, 403):
        raise IndexUnreachableError(
            f"the Chroma server at {url} refused our credentials (HTTP {response.status_code}). "
            "Set OPMODEL_CHROMA_TOKEN to the token the server was started with."
        )
    if response.status_code != 200 or "heartbeat" not in response.text:
        raise IndexUnreachableError(
            f"{url} answered HTTP {response.status_code} to {HEARTBEAT_PATH}: it does not look like a "
            "Chroma 1.x server. Check OPMODEL_CHROMA_URL (host and port of `chroma run`)."
        )


def unreachable(url: str, exc: BaseException) -> IndexUnreachableError:
    return IndexUnreachableError(
        f"cannot reach the Chroma server at {url} ({exc.__class__.__name__}: {exc}). "
        "Start it (e.g. `chroma run --path /srv/opmodel-index --host 127.0.0.1 --port 8000`) "
        "or fix OPMODEL_CHROMA_URL; unset it to use the embedded index on disk."
    )
