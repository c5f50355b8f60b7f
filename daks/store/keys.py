"""API keys: created, listed, revoked, and verified on every keyed request.

Only a SHA-256 digest of a key is stored; the key itself is shown once, when it is made.
Verification looks the key up by its visible prefix and compares digests in constant time,
and it says nothing about *why* a key failed (unknown, revoked and expired look the same).
Revocation and expiry are read on every request: nothing is cached.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import time
from dataclasses import dataclass

from sqlalchemy import Connection, text
from sqlmodel import Session, col, select

from daks.store.errors import Conflict, NotFound
from daks.store.tables import Place, Town
from daks.store.tables.keys import ApiKey

TIERS = ("retailer", "internal")
KEY_PATTERN = re.compile(r"^daks_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$")
# Compared against when the presented key has no stored twin, so that an unknown prefix
# costs the same work as a wrong secret.
_DUMMY_DIGEST = hashlib.sha256(b"daks-no-such-key").hexdigest()


@dataclass(frozen=True)
class Grant:
    """What a valid key may see."""

    key_id: int
    prefix: str
    tier: str
    town: str
    shops: tuple[str, ...]


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def looks_like_key(value: str) -> bool:
    return KEY_PATTERN.match(value) is not None


def create_key(
    session: Session,
    *,
    tier: str,
    town: str,
    shops: list[str],
    expires_at: int | None,
    now: int | None = None,
) -> tuple[ApiKey, str]:
    """Stores a new key and returns it with the key text, which is never stored."""
    now = int(time.time()) if now is None else now
    if tier not in TIERS:
        raise Conflict(f"unknown tier {tier!r}; one of: {', '.join(TIERS)}")
    if session.get(Town, town) is None:
        raise NotFound(f"no town {town!r}")
    if expires_at is not None and expires_at <= now:
        raise Conflict("the expiry date is in the past")
    if tier == "retailer" and not shops:
        raise Conflict("a retailer key needs at least one --shop")
    for shop in shops:
        place = session.get(Place, shop)
        if place is None or place.kind != "shop" or place.town_id != town:
            raise NotFound(f"no shop {shop!r} in town {town!r}")
    while True:
        prefix = secrets.token_hex(4)
        taken = session.exec(select(ApiKey.id).where(col(ApiKey.prefix) == prefix)).first()
        if taken is None:
            break
    key = f"daks_{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiKey(
        prefix=prefix,
        digest=digest(key),
        tier=tier,
        town_id=town,
        shops=json.dumps(sorted(set(shops))),
        created_at=now,
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    return row, key


def list_keys(session: Session) -> list[ApiKey]:
    return list(session.exec(select(ApiKey).order_by(col(ApiKey.created_at), col(ApiKey.id))))


def revoke(session: Session, prefix: str, *, now: int | None = None) -> ApiKey:
    """Revokes the key with this prefix (`ab12cd34`, `daks_ab12cd34` or the whole key)."""
    match = re.match(r"^(?:daks_)?([0-9a-f]{8})(?:_.*)?$", prefix.strip())
    if match is None:
        raise NotFound(f"no key with prefix {prefix!r}")
    row = session.exec(select(ApiKey).where(col(ApiKey.prefix) == match.group(1))).first()
    if row is None:
        raise NotFound(f"no key with prefix {prefix!r}")
    if row.revoked_at is None:
        row.revoked_at = int(time.time()) if now is None else now
        session.add(row)
    return row


def verify(conn: Connection, key: str, *, now: int | None = None) -> Grant | None:
    """The grant of a valid key; None for an unknown, malformed, revoked or expired one."""
    now = int(time.time()) if now is None else now
    match = KEY_PATTERN.match(key)
    row = None
    if match is not None:
        row = conn.execute(
            text(
                "SELECT id, prefix, digest, tier, town_id, shops, expires_at, revoked_at"
                " FROM api_key WHERE prefix = :p"
            ),
            {"p": match.group(1)},
        ).first()
    stored = row.digest if row is not None else _DUMMY_DIGEST
    same = hmac.compare_digest(digest(key), stored)
    if row is None or not same or row.revoked_at is not None:
        return None
    if row.expires_at is not None and row.expires_at <= now:
        return None
    return Grant(
        key_id=int(row.id),
        prefix=row.prefix,
        tier=row.tier,
        town=row.town_id,
        shops=tuple(json.loads(row.shops)),
    )
