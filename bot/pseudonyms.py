"""Slack user ids as pseudonyms: a keyed hash (HMAC-SHA256) whose key is kept outside the
feedback database.

The feedback file must let clicks by one person be grouped without naming anyone. An
unkeyed or salted hash with the salt in the same file is reversible by anyone holding the
file and a member list (hash every member id, compare). So the key lives elsewhere: the
``OPMODEL_USER_HASH_KEY`` setting when set (kept in a secret store), else a file beside the
database (``<database>.key``, mode 0600, made on first run), which an operator can keep out
of backups and copies of the database.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import stat
from pathlib import Path
from typing import Optional

log = logging.getLogger(__name__)

KEY_BYTES = 32


def key_path_for(database: Path) -> Path:
    return database.with_name(database.name + ".key")


def load_or_create_key(path: Path) -> bytes:
    """The key in ``path``, made (0600, atomically, never overwriting) when there is none."""
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f"{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(KEY_BYTES) + "\n")
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(draft, path)  # atomic and never replaces a key another process made first
        except FileExistsError:
            pass
    finally:
        draft.unlink(missing_ok=True)
    return _read_key(path)


def _read_key(path: Path) -> bytes:
    text = path.read_text(encoding="utf-8").strip()
    if len(text) < 32:
        raise ValueError(f"the user-hash key in {path} is too short (at least 32 characters)")
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        log.warning("the user-hash key %s can be read by other users (mode %o); it should be 0600", path, mode)
    return text.encode("utf-8")


class UserPseudonyms:
    def __init__(self, key: bytes):
        if len(key) < 16:
            raise ValueError("the user-hash key must be at least 16 bytes")
        self._key = key

    @classmethod
    def for_database(cls, database: Path, setting: Optional[str] = None) -> "UserPseudonyms":
        """From the setting when given, else from the key file beside ``database``. When the file
        cannot be made (a read-only or full disk) a key for this process only is used, and said:
        hashes then group one run's clicks, never re-identify anyone."""
        if setting:
            return cls(setting.encode("utf-8"))
        path = key_path_for(Path(database))
        try:
            return cls(load_or_create_key(path))
        except (OSError, ValueError) as exc:
            log.error("cannot read or create the user-hash key %s (%s); using a key for this run only, "
                      "so feedback from before and after a restart cannot be grouped by user", path, exc)
            return cls(secrets.token_bytes(KEY_BYTES))

    def of(self, user_id: str) -> str:
        return hmac.new(self._key, user_id.encode("utf-8"), hashlib.sha256).hexdigest()
