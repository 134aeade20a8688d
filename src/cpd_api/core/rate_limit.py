"""Rolling-window rate limit on top of the `limits` library's moving window.

Memory storage serves one process; with `REDIS_URL` every worker and host shares one window
per key, so the limit is the limit however the service is scaled."""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

logger = logging.getLogger("cpd_api.rate_limit")


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    reset_after: int  # whole seconds until the oldest counted request leaves the window

    def headers(self) -> dict[str, str]:
        headers = {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset_after),
        }
        if not self.allowed:
            headers["Retry-After"] = str(max(self.reset_after, 1))
        return headers


class RollingRateLimiter:
    """One rolling window per key (a token id, or a client address)."""

    def __init__(self, limit: str, storage_uri: str | None = None, namespace: str = "api") -> None:
        self.item: RateLimitItem = parse(limit)
        self.namespace = namespace
        self.storage_uri = storage_uri or "memory://"
        self.storage = storage_from_string(self.storage_uri)
        self.strategy = MovingWindowRateLimiter(self.storage)

    @property
    def limit(self) -> int:
        return self.item.amount

    def hit(self, key: str) -> Decision:
        """Count one request for `key` unless its window is full.

        When the shared storage is unreachable the request is let through and the failure
        logged: an outage of the limiter must not become an outage of the API."""
        try:
            allowed = self.strategy.hit(self.item, self.namespace, key)
            stats = self.strategy.get_window_stats(self.item, self.namespace, key)
        except Exception:  # storage down: fail open, loudly
            logger.exception("rate limit storage unavailable; request not limited")
            return Decision(True, self.limit, self.limit, 0)
        reset_after = max(0, math.ceil(stats.reset_time - time.time()))
        return Decision(allowed, self.limit, max(stats.remaining, 0), reset_after)

    def reset(self) -> None:
        try:
            self.storage.reset()
        except Exception:  # some storages cannot enumerate keys; tests use fresh namespaces
            logger.warning("could not reset rate limit storage %s", self.storage_uri)

    def ping(self) -> bool:
        try:
            return bool(self.storage.check())
        except Exception:
            return False
