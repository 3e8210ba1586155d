"""Opening Chroma: embedded on disk by default, a `chroma run` server when a URL is set.

``chromadb.HttpClient`` talks to the server with no timeout at all, so a server that is down
or a URL that points nowhere would surface as a hang or as an odd error deep inside the first
question. We ask the server's heartbeat first, with a short timeout, and turn any failure
into one ``IndexUnreachableError`` that names the URL and says how to fix it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Optional
from urllib.parse import urlparse

from opmodel.errors import ConfigError, IndexCorruptError, IndexDiskFullError, IndexMissingError, IndexUnreachableError
from opmodel.settings import Settings

HEARTBEAT_PATH = "/api/v2/heartbeat"
HEARTBEAT_TIMEOUT_S = 3.0
TOKEN_PROVIDER = "chromadb.auth.token_authn.TokenAuthClientProvider"
CHROMA_FILE = "chroma.sqlite3"  # what makes a folder an embedded index


def chroma_client(settings: Settings, create: bool = True, timeout: Optional[float] = None):
    """Embedded on disk by default; a server when ``OPMODEL_CHROMA_URL`` is set. ``create=False``
    (asking, listing) refuses a folder that holds no index instead of making one there.
    ``timeout``: seconds any one call to the server may take (default OPMODEL_CHROMA_TIMEOUT)."""
    if settings.uses_server:
        return server_client(settings.chroma_url, settings.chroma_token,
                             request_timeout=timeout or settings.chroma_timeout)
    return embedded_client(settings, create)


def embedded_client(settings: Settings, create: bool = True):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    where = settings.index_dir
    if not create:
        require_index(settings)
    try:
        where.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(where), settings=ChromaSettings(anonymized_telemetry=False))
    except Exception as exc:
        if is_disk_full(exc):
            raise disk_full(f"the index at {where}", exc) from exc
        raise IndexCorruptError(
            f"cannot open the index at {where}: {exc}. "
            f"Run `opmodel ingest --rebuild` to rebuild it from the documents in {settings.corpus_dir}/."
        ) from exc


def require_index(settings: Settings) -> None:
    """A reader's check: a typo in --index must not leave an empty index behind that later reads as "empty"."""
    where = settings.index_dir
    if not (where / CHROMA_FILE).is_file():
        raise IndexMissingError(
            f"there is no index at {where}: build one with `opmodel ingest` (it indexes {settings.corpus_dir}/), "
            "or point --index / OPMODEL_INDEX at the folder that holds one"
        )


def is_disk_full(exc: BaseException) -> bool:
    """SQLite, Chroma's Rust core and the OS each say it their own way."""
    import errno

    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
            return True
        text = str(exc).lower()
        if "disk is full" in text or "no space left" in text:
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def disk_full(location: str, exc: BaseException) -> IndexDiskFullError:
    return IndexDiskFullError(
        f"the disk holding {location} is full ({exc}). Free some space and try again; "
        "the index itself is intact, so keep its folder."
    )


def server_client(url: str, token: Optional[str] = None, timeout: float = HEARTBEAT_TIMEOUT_S,
                  request_timeout: Optional[float] = None):
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
        client = chromadb.HttpClient(
            host=parts.hostname,
            port=parts.port or (443 if parts.scheme == "https" else 80),
            ssl=parts.scheme == "https",
            settings=ChromaSettings(anonymized_telemetry=False, **auth),
        )
    except ValueError as exc:  # e.g. characters Chroma does not allow in a token
        raise ConfigError(f"the Chroma client rejected the settings for {url}: {exc}") from exc
    except Exception as exc:
        raise unreachable(url, exc) from exc
    if request_timeout:
        limit_request_time(client, request_timeout)
    return client


def limit_request_time(client, seconds: float) -> None:
    """Chroma's HTTP client waits forever (``httpx.Client(timeout=None)``), so a server that is
    stopped rather than dead (SIGSTOP, a hung disk) would hang every question. Chroma offers no
    setting for it; its session is an ``httpx.Client``, whose timeout may be set afterwards."""
    import httpx

    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):
        session.timeout = httpx.Timeout(seconds)
    else:  # a Chroma release that moved it: say so rather than silently hang again
        import logging

        logging.getLogger(__name__).warning("cannot set a timeout on this Chroma client; a hung server will hang queries")


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


def remove_orphan_segment_folders(index_dir: Path) -> int:
    """Embedded Chroma (1.5) leaves a collection's vector folder on disk when the collection is
    deleted, so every dropped version (a killed build, a collected old one) would keep its
    megabytes for ever. Removes the UUID-named folders no segment in chroma.sqlite3 names.
    Only while holding the ingest lease: no other process is creating a collection then.
    Returns how many were removed; 0 when the layout is not the one we know."""
    import shutil
    import sqlite3

    database = Path(index_dir) / CHROMA_FILE
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5) as db:
            live = {str(row[0]) for row in db.execute("SELECT id FROM segments")}
    except sqlite3.Error:
        return 0
    if not live:
        return 0
    removed = 0
    for folder in Path(index_dir).iterdir():
        if folder.is_dir() and _UUID.fullmatch(folder.name) and folder.name not in live:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def set_aside(index_dir: Path) -> Path:
    """Rename a damaged embedded index out of the way (``<dir>.damaged-<UTC stamp>``) so a
    rebuild can start from an empty folder at the same path; nothing is deleted."""
    import time

    from chromadb.api.client import SharedSystemClient

    index_dir = Path(index_dir)
    aside = index_dir.with_name(f"{index_dir.name}.damaged-{time.strftime('%Y%m%d%H%M%S', time.gmtime())}")
    index_dir.rename(aside)
    SharedSystemClient.clear_system_cache()  # Chroma would hand back the client of the moved folder
    return aside
