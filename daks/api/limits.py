"""Rate limits with slowapi's limiter: per key for keyed calls, per client address for the
others, a budget per tier from the settings.

The counters live in Redis when `DAKS_REDIS_URL` is set, so that every worker draws from
one budget, and in memory otherwise. They are applied by the gate middleware to every
request rather than by slowapi's default limits, which silently skip routes added with
`include_router` on current FastAPI (slowapi issue 281).

The client address is the socket's peer; `X-Forwarded-For` is believed only when that peer
is a proxy trusted in the settings, and then the address is the last one in the chain that
is not itself a trusted proxy (a client can forge the start of the header, not its end).
"""

from __future__ import annotations

import ipaddress
import logging
import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse_many
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
        self.trusted: list[Network] = [
            ipaddress.ip_network(p, strict=False) for p in config.trusted_proxies
        ]

    def hit(self, tier: str, identity: str) -> Window | None:
        """Counts one request; the tightest window is reported. None when the storage is
        unreachable: the service then answers unlimited rather than not at all."""
        strategy = self.limiter.limiter
        windows: list[Window] = []
        try:
            for item in self.per_tier[tier]:
                allowed = strategy.hit(item, self.prefix, tier, identity)
                stats = strategy.get_window_stats(item, self.prefix, tier, identity)
                windows.append(
                    Window(
                        limit=item.amount,
                        remaining=max(0, stats.remaining),
                        reset=max(0, math.ceil(stats.reset_time - time.time())),
                        allowed=allowed,
                    )
                )
        except Exception:  # the storage is down: serve, and say so in the log
            log.warning("rate-limit storage unavailable; request not counted")
            return None
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
