"""API keys (only a digest of each is kept) and the idempotency records of uploads.

A key is `daks_<prefix>_<secret>`: the prefix is visible (it names the key in `daks keys
list` and `revoke`) and indexes the lookup; the secret carries 256 bits of entropy, so a
plain SHA-256 digest is enough (no password stretching is needed for a random secret).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class ApiKey(SQLModel, table=True):
    __tablename__ = "api_key"

    id: int | None = Field(
        default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True)
    )
    prefix: str = Field(max_length=16, unique=True, index=True)
    digest: str = Field(max_length=64)  # hex SHA-256 of the whole key
    tier: str = Field(max_length=16)  # retailer | internal
    town_id: str = Field(foreign_key="town.id", max_length=64)
    shops: str = Field(default="[]", sa_column=Column(Text, nullable=False))  # JSON list of ids
    created_at: int = Field(sa_column=Column(BigInteger, nullable=False))
    expires_at: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    revoked_at: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))


class IdempotentRequest(SQLModel, table=True):
    """The first answer to a request sent with an `Idempotency-Key`, per API key: replayed
    to a retry with the same body, refused for a different body, 409 while still running."""

    __tablename__ = "idempotent_request"
    __table_args__ = (UniqueConstraint("api_key_id", "idem_key", name="uq_idempotent_key"),)

    id: int | None = Field(
        default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True)
    )
    api_key_id: int = Field(foreign_key="api_key.id")
    idem_key: str = Field(max_length=255)
    body_sha256: str = Field(max_length=64)
    state: str = Field(max_length=16)  # running | done
    status: int | None = None
    response: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # JSON
    created_at: int = Field(sa_column=Column(BigInteger, nullable=False))
