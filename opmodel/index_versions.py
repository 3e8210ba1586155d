"""Which versioned collections exist, which one the pointer names, and which may be dropped.

Several processes share one index (bots reading, a scheduled ingest, perhaps a second ingest
started by hand), so the rules must hold without any lock:

* The pointer is the metadata of one small collection, replaced in a single write: readers
  see the old version or the new one, never a mixture.
* Two ingests running at once: both build their own collection; the one that finishes last
  names its collection in the pointer ("last writer wins"). The loser's collection stays
  ``ready`` and is only dropped after the grace period.
* Garbage collection re-reads the pointer and never drops: the version it names, the version
  it named just before (a reader may have resolved the pointer just before the flip), any
  version retired or finished less than ``grace`` seconds ago, or a collection another ingest
  is still writing (its ``touched`` time moves on every batch; one untouched for
  ``stale_build`` seconds belongs to an ingest that died and is dropped).

These are plain functions over metadata dicts so the rules can be read and tested in one place.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from typing import Optional

STATE = "opmodel_state"
TOUCHED = "opmodel_touched"
BUILDING, READY = "building", "ready"
RETIRED_KEPT = 8  # entries of the pointer's retirement history; older ones are only a name


def pointer_name(prefix: str) -> str:
    return f"{prefix}-pointer"


def new_version_name(prefix: str, now: Optional[float] = None) -> str:
    stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime(now if now is not None else time.time()))
    return f"{prefix}-v-{stamp}-{uuid.uuid4().hex[:8]}"


def is_version_of(prefix: str, name: str) -> bool:
    return re.fullmatch(re.escape(prefix) + r"-v-\d{14}-[0-9a-f]{8}", name) is not None


def building_metadata(now: float) -> dict:
    return {STATE: BUILDING, TOUCHED: now}


def ready_metadata(now: float) -> dict:
    return {STATE: READY, TOUCHED: now}


def retired(pointer: dict) -> list[tuple[str, float]]:
    """Versions the pointer named before, newest first, with when they stopped being current."""
    try:
        return [(str(name), float(when)) for name, when in json.loads(pointer.get("retired", "[]"))]
    except (TypeError, ValueError):
        return []


def flipped_pointer(current: dict, collection: str, *, model: str, dimension: int, count: int, now: float) -> dict:
    """The pointer metadata after making ``collection`` the active version."""
    history = retired(current)
    if current.get("collection") and current["collection"] != collection:
        history.insert(0, (current["collection"], now))
    history = [(name, when) for name, when in history if name != collection][:RETIRED_KEPT]
    return {
        "collection": collection,
        "model": model,
        "dimension": dimension,
        "count": count,
        "built_at": now,
        "retired": json.dumps(history),
    }


def protected_names(pointer: dict, now: float, grace: float) -> set[str]:
    """Versions a reader may be using right now."""
    history = retired(pointer)
    keep = {pointer["collection"]} if pointer.get("collection") else set()
    keep.update(name for name, _ in history[:1])  # the previous version, whatever its age
    keep.update(name for name, when in history if now - when < grace)
    return keep


def may_drop(name: str, metadata: Optional[dict], protected: set[str], now: float, grace: float, stale_build: float) -> bool:
    if name in protected:
        return False
    metadata = metadata or {}
    age = now - float(metadata.get(TOUCHED, 0.0))
    if metadata.get(STATE) == BUILDING:
        return age >= stale_build
    return age >= grace
