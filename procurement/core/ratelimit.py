"""Counting requests in fixed windows, shared by every web process (issue 11 #6).

One place answers "how many times has this key been hit in the current window": the API's
throttles, the lockout after wrong HIS keys and the public export's limit use it. With Redis
(production, the tests) a hit is one round trip — ``SET … NX EX`` and ``INCR`` in one pipeline —
and every worker sees the same count; without it (the embedded demo) the cache in memory counts
per process, which is all a single demo process needs.
"""

import functools
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    limit: int
    period: int  # seconds

    @classmethod
    def parse(cls, text: str) -> "Rate":
        """``"120/minute"``, ``"20/15m"``, ``"1000/hour"``: a number of hits per a number of units."""
        count, _, per = text.partition("/")
        digits = "".join(ch for ch in per if ch.isdigit()) or "1"
        unit = per[len(digits) :] if per[: len(digits)] == digits else per
        return cls(int(count), int(digits) * PERIODS[unit.strip()[0]])


@functools.cache
def _redis(url: str):
    import redis

    return redis.Redis.from_url(url)


def _window(scope: str, ident: str, period: int) -> tuple[str, float]:
    now = time.time()
    return f"ratelimit:{scope}:{ident}:{int(now // period)}", period - now % period


def hit(scope: str, ident: str, rate: Rate) -> tuple[bool, float]:
    """Count one hit; whether it is within the rate, and the seconds until the window ends."""
    key, wait = _window(scope, ident, rate.period)
    if settings.REDIS_URL:
        pipe = _redis(settings.REDIS_URL).pipeline(transaction=False)
        pipe.set(key, 0, ex=rate.period + 1, nx=True)
        pipe.incr(key)
        count = pipe.execute()[1]
    else:
        cache.add(key, 0, timeout=rate.period + 1)
        count = cache.incr(key)
    return count <= rate.limit, wait


def exceeded(scope: str, ident: str, rate: Rate) -> tuple[bool, float]:
    """Whether the current window already holds the rate's limit of hits (nothing counted)."""
    key, wait = _window(scope, ident, rate.period)
    raw = _redis(settings.REDIS_URL).get(key) if settings.REDIS_URL else cache.get(key)
    return int(raw or 0) >= rate.limit, wait


def client_address(request) -> str:
    """The client's address: the peer's, or — behind ``TRUSTED_PROXY_COUNT`` proxies that append to
    X-Forwarded-For — the one the nearest trusted proxy saw. Never a header the client chose."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
