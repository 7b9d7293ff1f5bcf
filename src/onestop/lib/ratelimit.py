"""Counting requests per client in fixed windows, in Django's cache (Redis in production, so
every web node counts together; the local-memory cache in the embedded run).

Public endpoints that anyone may call without signing in (progress lookup, hotline submission
and follow-up, identity check) use this to answer 429 with Retry-After past their limit.
"""

from __future__ import annotations

import math
import time

from django.core.cache import cache
from django.http import HttpRequest


class RateLimited(Exception):
    """Past the limit; `retry_after` is the number of seconds until the window ends."""

    def __init__(self, retry_after: int, message: str = "") -> None:
        self.retry_after = max(1, retry_after)
        self.message = message or too_frequent(self.retry_after)
        super().__init__(self.message)


def too_frequent(retry_after: int, what: str = "查询") -> str:
    minutes = math.ceil(retry_after / 60)
    wait = f"{minutes} 分钟" if minutes > 1 else f"{max(1, retry_after)} 秒"
    return f"{what}过于频繁，请 {wait}后再试"


def client_address(request: HttpRequest) -> str:
    """The caller's address as the server saw it (a proxy in front sets REMOTE_ADDR itself)."""
    return str(request.META.get("REMOTE_ADDR", "")) or "unknown"


def _slot(name: str, key: str, window: int) -> tuple[str, int]:
    now = time.time()
    start = int(now // window) * window
    return f"ratelimit:{name}:{key}:{start}", max(1, start + window - int(now))


def used(name: str, key: str, *, window: int) -> int:
    cache_key, _ = _slot(name, key, window)
    return int(cache.get(cache_key, 0))


def check(name: str, key: str, *, limit: int, window: int, what: str = "查询") -> None:
    """Raise RateLimited if `key` has already used `limit` in this window (counts nothing)."""
    cache_key, retry_after = _slot(name, key, window)
    if int(cache.get(cache_key, 0)) >= limit:
        raise RateLimited(retry_after, too_frequent(retry_after, what))


def record(name: str, key: str, *, window: int) -> int:
    """Count one for `key` in this window; the new count."""
    cache_key, _ = _slot(name, key, window)
    # add() then incr(): atomic on Redis, so two nodes counting at once both count.
    if cache.add(cache_key, 1, window + 1):
        return 1
    try:
        return int(cache.incr(cache_key))
    except ValueError:  # expired between the two calls
        cache.set(cache_key, 1, window + 1)
        return 1


def hit(name: str, key: str, *, limit: int, window: int, what: str = "查询") -> None:
    """Count this request and raise RateLimited if it is past `limit` in this window."""
    count = record(name, key, window=window)
    if count > limit:
        _, retry_after = _slot(name, key, window)
        raise RateLimited(retry_after, too_frequent(retry_after, what))
