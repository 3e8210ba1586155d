"""Per-user rate limit: a token bucket, so a short burst is fine and a flood is slowed.

Kept in memory: with several bot processes each enforces its own bucket, so the effective
limit is at most N times higher. That is acceptable for a fairness limit (the answering
core is cheap); it is not a security control.
"""

from __future__ import annotations

import threading
import time
from typing import Callable


class RateLimiter:
    def __init__(self, per_minute: float = 10.0, burst: int = 5, clock: Callable[[], float] = time.monotonic):
        if per_minute <= 0:
            raise ValueError(f"per_minute must be positive, got {per_minute}")
        if burst < 1:
            raise ValueError(f"burst must be at least 1, got {burst}")
        self.rate = per_minute / 60.0
        self.burst = burst
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}  # user -> (tokens, last refill)

    def try_acquire(self, user: str) -> float:
        """0 when the user may ask now (and a token is spent), else seconds until they may."""
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.get(user, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[user] = (tokens - 1.0, now)
                self._forget_full_buckets(now)
                return 0.0
            self._buckets[user] = (tokens, now)
            return (1.0 - tokens) / self.rate

    def _forget_full_buckets(self, now: float) -> None:
        # Bounded memory: a bucket that has refilled is the same as no bucket.
        if len(self._buckets) > 10_000:
            refill = self.burst / self.rate
            self._buckets = {u: b for u, b in self._buckets.items() if now - b[1] < refill}
