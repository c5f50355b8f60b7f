"""Who is calling: anonymous, a retailer or town staff, from the key in the headers.

A key travels in `Authorization: Bearer <key>` or `X-API-Key: <key>`, never in the query
string (URLs end up in logs, histories and referrers: such a request is refused with 400
on every route). Unknown, revoked and expired keys get one and the same 401; a key sent to
a public route must be valid too. What a valid key may see is checked where the data is
looked up: a shop or town outside its scope is the same 404 as one that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

from fastapi import Request
from sqlalchemy import Engine

from daks.store import keys
from daks.store.errors import NotFound
from daks.store.keys import Grant

# Parameter names that carry a key in other APIs: refused rather than ignored, so that a
# client that put its key in a URL learns it at once.
QUERY_KEY_NAMES = frozenset(
    {"api_key", "apikey", "api-key", "key", "x-api-key", "x_api_key", "token", "access_token"}
)


class AuthError(Exception):
    """The request's credentials are refused (see `status`)."""

    def __init__(self, status: int, detail: str) -> None:
        self.status = status
        self.detail = detail
        super().__init__(detail)


INVALID_KEY = "the API key is not valid"


@dataclass(frozen=True)
class Caller:
    grant: Grant | None = None

    @property
    def tier(self) -> str:
        return self.grant.tier if self.grant is not None else "public"

    def require(self, tier: str) -> Grant:
        """The grant of a caller of this tier; 401 without a key, 403 with another tier's."""
        if self.grant is None:
            raise AuthError(401, f"this route needs a {tier} API key")
        if self.grant.tier != tier:
            raise AuthError(403, f"this route needs a {tier} API key")
        return self.grant


ANONYMOUS = Caller()


def key_in_query(query_string: bytes) -> bool:
    try:
        pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    except ValueError:
        return False
    return any(n.lower() in QUERY_KEY_NAMES or keys.looks_like_key(v) for n, v in pairs)


def presented_key(headers: dict[str, str]) -> str | None:
    """The key in the headers; raises 401 for a malformed Authorization header."""
    authorization = headers.get("authorization")
    if authorization is not None:
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise AuthError(401, INVALID_KEY)
        return value.strip()
    api_key = headers.get("x-api-key")
    if api_key is not None:
        return api_key.strip()
    return None


def identify(engine: Engine, key: str) -> Caller:
    """Blocking (a database lookup): run it in a worker thread."""
    with engine.connect() as conn:
        grant = keys.verify(conn, key)
    if grant is None:
        raise AuthError(401, INVALID_KEY)
    return Caller(grant)


def caller_of(request: Request) -> Caller:
    caller: Caller = getattr(request.state, "caller", ANONYMOUS)
    return caller


def own_town(grant: Grant, town: str) -> str:
    if town != grant.town:
        raise NotFound(f"no town {town!r}")
    return town


def own_shop(grant: Grant, shop: str) -> str:
    if shop not in grant.shops:
        raise NotFound(f"no shop {shop!r}")
    return shop
