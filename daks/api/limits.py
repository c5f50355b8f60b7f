"""Rate limits with slowapi's limiter: per key for keyed calls, per client address for the
others, a budget per tier from the settings.

The counters live in Redis when `DAKS_REDIS_URL` is set, so that every worker draws from
one budget, and in memory otherwise. They are applied by the gate middleware to every
request rather than by slowapi's default limits, which silently skip routes added with
`include_router` on current FastAPI (slowapi issue 281).

Counting costs one Redis round trip per request (a script that counts every window of the
tier at once), or a dictionary lookup in memory: limits' own memory storage starts a timer
thread every few milliseconds under load, which cost more than the rest of a 304.

The client address is the socket's peer; `X-Forwarded-For` is believed only when that peer
is a proxy trusted in the settings, and then the address is the last one in the chain that
is not itself a trusted proxy (a client can forge the start of the header, not its end).
"""

from __future__ import annotations

import ipaddress
import logging
import math
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from limits import RateLimitItem, parse_many
from limits.storage import RedisStorage
from slowapi import Limiter

from daks.settings import Settings

log = logging.getLogger("daks.api.limits")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class Window:
    """The state of one caller's budget after this request."""

    limit: int
    remaining: int
    reset: int  # seconds until the window starts afresh
    allowed: bool

    def headers(self) -> dict[str, str]:
        return {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset),
        }


class Counts(Protocol):
    def hit(self, windows: Sequence[tuple[str, int]]) -> list[tuple[int, float]]:
        """Counts one request in each (key, length in seconds) window; each window's count
        and the seconds until it starts afresh."""
        ...


# INCR every key, give a new one its expiry, and answer every count and time to live:
# one round trip for all the windows of a tier.
_HIT_SCRIPT = """
local out = {}
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  local ttl = redis.call('PTTL', key)
  if ttl < 0 then
    ttl = tonumber(ARGV[i]) * 1000
    redis.call('PEXPIRE', key, ttl)
  end
  out[2 * i - 1] = count
  out[2 * i] = ttl
end
return out
"""


class RedisCounts:
    """Windows shared by every worker, named as limits names them (under its prefix)."""

    def __init__(self, storage: RedisStorage) -> None:
        self.storage = storage
        self.script = storage.get_connection().register_script(_HIT_SCRIPT.encode())

    def hit(self, windows: Sequence[tuple[str, int]]) -> list[tuple[int, float]]:
        keys = [self.storage.prefixed_key(key) for key, _ in windows]
        out: list[Any] = self.script(keys=keys, args=[length for _, length in windows])
        return [(int(out[i]), int(out[i + 1]) / 1000) for i in range(0, len(out), 2)]


class MemoryCounts:
    """Windows of this worker alone; expired ones are swept once a minute."""

    def __init__(self) -> None:
        self._windows: dict[str, list[float]] = {}  # key: [ends at, count]
        self._lock = threading.Lock()
        self._sweep_at = 0.0

    def hit(self, windows: Sequence[tuple[str, int]]) -> list[tuple[int, float]]:
        now = time.time()
        out = []
        with self._lock:
            if now >= self._sweep_at:
                self._windows = {k: w for k, w in self._windows.items() if w[0] > now}
                self._sweep_at = now + 60
            for key, length in windows:
                window = self._windows.get(key)
                if window is None or window[0] <= now:
                    window = self._windows[key] = [now + length, 0]
                window[1] += 1
                out.append((int(window[1]), window[0] - now))
        return out


class RateLimits:
    def __init__(self, config: Settings) -> None:
        self.limiter = Limiter(
            key_func=lambda: "",  # the gate names the caller itself
            storage_uri=config.redis_url or "memory://",
            strategy="fixed-window",
            headers_enabled=False,
        )
        # slowapi adds its key_prefix only in its own decorators: the counters' names carry
        # it here, so that several services (or tests) can share one Redis.
        self.prefix = config.rate_limit_prefix
        self.per_tier: dict[str, list[RateLimitItem]] = {
            "public": parse_many(config.rate_limit_public),
            "retailer": parse_many(config.rate_limit_retailer),
            "internal": parse_many(config.rate_limit_internal),
        }
        storage = self.limiter.limiter.storage
        self.counts: Counts = (
            RedisCounts(storage) if isinstance(storage, RedisStorage) else MemoryCounts()
        )
        self.trusted: list[Network] = [
            ipaddress.ip_network(p, strict=False) for p in config.trusted_proxies
        ]

    def hit(self, tier: str, identity: str) -> Window | None:
        """Counts one request; the tightest window is reported. None when the storage is
        unreachable: the service then answers unlimited rather than not at all."""
        items = self.per_tier[tier]
        try:
            counted = self.counts.hit(
                [(item.key_for(self.prefix, tier, identity), item.get_expiry()) for item in items]
            )
        except Exception:  # the storage is down: serve, and say so in the log
            log.warning("rate-limit storage unavailable; request not counted")
            return None
        windows = [
            Window(
                limit=item.amount,
                remaining=max(0, item.amount - count),
                reset=max(0, math.ceil(left)),
                allowed=count <= item.amount,
            )
            for item, (count, left) in zip(items, counted, strict=True)
        ]
        return min(windows, key=lambda w: (w.allowed, w.remaining), default=None)

    def client_address(self, peer: str | None, forwarded_for: str | None) -> str:
        peer = peer or "unknown"
        if not forwarded_for or not self._is_trusted(peer):
            return peer
        for hop in reversed([h.strip() for h in forwarded_for.split(",") if h.strip()]):
            if not self._is_trusted(hop):
                return hop
        return peer

    def _is_trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.trusted)
