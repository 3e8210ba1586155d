"""One ingest at a time per index: a lease recorded beside the version pointer.

An ingest plans from the version it reads (which documents changed, which were removed) and
publishes a whole corpus. Two ingests planned from the same version would each publish their
own plan, and the one finishing last would undo the other's changes (a removed document comes
back). So an ingest holds this lease from before it plans until after it publishes.

The lease is a small collection, ``<prefix>-ingest-lease``, whose metadata names its holder
(a random token, pid, host, start time) and a heartbeat the holder renews every
``HEARTBEAT_S`` seconds. Creating a collection whose name exists fails, embedded or on a
`chroma run` server, so whoever creates it holds the lease; releasing it deletes it.

A lease whose holder is gone is taken over: at once when the holder ran on this host and its
process no longer exists (kill -9, a crash), otherwise once its heartbeat is ``STALE_S``
seconds old (a dead machine, a stopped process). Taking over (read, delete, create) is not
atomic, so in a rare race two waiters could both take a dead lease; the publish then refuses
to replace a version it did not plan from (``Index.publish(planned_from=...)``), which makes
that case safe too.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from dataclasses import dataclass
from typing import Callable, Optional

from opmodel.errors import IngestBusyError

log = logging.getLogger(__name__)

HEARTBEAT_S = 10.0
STALE_S = 60.0  # six missed heartbeats
POLL_S = 0.5


def lease_name(prefix: str) -> str:
    return f"{prefix}-ingest-lease"


@dataclass(frozen=True)
class Holder:
    token: str
    pid: int
    host: str
    started: float
    heartbeat: float

    @classmethod
    def mine(cls, now: float) -> "Holder":
        return cls(secrets.token_hex(8), os.getpid(), socket.gethostname(), now, now)

    @classmethod
    def from_metadata(cls, meta: Optional[dict]) -> Optional["Holder"]:
        meta = meta or {}
        try:
            return cls(str(meta["token"]), int(meta["pid"]), str(meta["host"]), float(meta["started"]),
                       float(meta["heartbeat"]))
        except (KeyError, TypeError, ValueError):
            return None  # a lease being written this instant, or not ours to read

    def metadata(self) -> dict:
        return {"token": self.token, "pid": self.pid, "host": self.host, "started": self.started,
                "heartbeat": self.heartbeat}

    def describe(self, now: float) -> str:
        started = time.strftime("%H:%M:%S UTC", time.gmtime(self.started))
        return f"pid {self.pid} on {self.host}, started {started}, last heard from {now - self.heartbeat:.0f} s ago"


def is_stale(holder: Optional[Holder], now: float) -> bool:
    if holder is None:
        return False
    if holder.host == socket.gethostname() and not _alive(holder.pid):
        return True
    return now - holder.heartbeat > STALE_S


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


class IngestLease:
    """``with IngestLease(index, wait=600, on_wait=print):`` holds the lease for the block."""

    def __init__(self, index, wait: float, on_wait: Optional[Callable[[str], None]] = None):
        self.index = index
        self.name = lease_name(index.prefix)
        self.wait = wait
        self.on_wait = on_wait
        self.holder: Optional[Holder] = None
        self.lost = threading.Event()  # set when another ingest took the lease from us
        self._stop = threading.Event()
        self._beat: Optional[threading.Thread] = None

    def __enter__(self) -> "IngestLease":
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()

    def acquire(self) -> None:
        deadline = time.monotonic() + self.wait
        told = False
        while True:
            now = time.time()
            mine = Holder.mine(now)
            if self._try_create(mine):
                self.holder = mine
                self._beat = threading.Thread(target=self._heartbeat, name="opmodel-ingest-lease", daemon=True)
                self._beat.start()
                return
            other = self._read()
            if is_stale(other, now):
                log.warning("taking over the ingest lease of %s: that ingest is gone", other.describe(now))
                if self._read() == other:  # not renewed nor taken by someone else meanwhile
                    self._delete()
                continue
            if time.monotonic() >= deadline:
                who = other.describe(now) if other else "another process"
                raise IngestBusyError(
                    f"another ingest ({who}) is still writing {self.index.location}; "
                    f"waited {self.wait:.0f} s. Run this ingest again when it has finished "
                    "(OPMODEL_INGEST_WAIT sets how long to wait)."
                )
            if not told and self.on_wait and other:
                self.on_wait(f"waiting for another ingest to finish ({other.describe(now)}); "
                             f"this one starts when it does (at most {self.wait:.0f} s)")
                told = True
            time.sleep(POLL_S)

    def release(self) -> None:
        self._stop.set()
        if self._beat:
            self._beat.join(HEARTBEAT_S)
        try:
            if self.holder and not self.lost.is_set():
                current = self._read()
                if current and current.token == self.holder.token:
                    self._delete()
        except Exception:  # never hide the error that ended the ingest; a dead holder's lease is taken over
            log.warning("could not release the ingest lease", exc_info=True)
        self.holder = None

    def _heartbeat(self) -> None:
        while not self._stop.wait(HEARTBEAT_S):
            try:
                current = self._read()
                if current is None or current.token != self.holder.token:
                    log.error("another ingest took over this ingest's lease; its publish will re-plan")
                    self.lost.set()
                    return
                beat = Holder(**{**current.__dict__, "heartbeat": time.time()})
                self.index.client.get_collection(self.name).modify(metadata=beat.metadata())
            except Exception:  # a missed beat is survivable; STALE_S allows several
                log.warning("could not renew the ingest lease", exc_info=True)

    def _try_create(self, holder: Holder) -> bool:
        try:
            self.index.client.create_collection(self.name, metadata=holder.metadata())
            return True
        except Exception as exc:
            if _already_exists(exc):
                return False
            self.index._call(lambda: _raise(exc))  # a lost server, a full disk: said as such

    def _read(self) -> Optional[Holder]:
        from chromadb.errors import NotFoundError

        try:
            return Holder.from_metadata(self.index.client.get_collection(self.name).metadata)
        except NotFoundError:
            return None
        except Exception as exc:
            self.index._call(lambda: _raise(exc))

    def _delete(self) -> None:
        try:
            self.index.client.delete_collection(self.name)
        except Exception:  # gone already: another waiter took it over, or it was released
            log.debug("could not delete the ingest lease", exc_info=True)


def _raise(exc: BaseException):
    raise exc


def _already_exists(exc: BaseException) -> bool:
    from chromadb.errors import UniqueConstraintError

    return isinstance(exc, UniqueConstraintError) or "already exists" in str(exc)
