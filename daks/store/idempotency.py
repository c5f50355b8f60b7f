"""Idempotency records of uploads: the first answer to an `Idempotency-Key`, per API key.

A claim is written and committed before the work starts, so that a second request with the
same key sees it at once: still running (409), done with the same body (the first answer
again) or done with another body (422). Work that fails unexpectedly gives its claim back.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Engine, text


@dataclass(frozen=True)
class Claim:
    outcome: Literal["new", "running", "done", "mismatch"]
    id: int
    status: int | None = None
    response: Any = None


def claim(engine: Engine, api_key_id: int, idem_key: str, body_sha256: str) -> Claim:
    with engine.begin() as conn:
        row = conn.execute(
            text(
                "INSERT INTO idempotent_request (api_key_id, idem_key, body_sha256, state,"
                " created_at) VALUES (:k, :i, :b, 'running', :now)"
                " ON CONFLICT (api_key_id, idem_key) DO NOTHING RETURNING id"
            ),
            {"k": api_key_id, "i": idem_key, "b": body_sha256, "now": int(time.time())},
        ).first()
        if row is not None:
            return Claim("new", int(row.id))
        found = conn.execute(
            text(
                "SELECT id, body_sha256, state, status, response FROM idempotent_request"
                " WHERE api_key_id = :k AND idem_key = :i"
            ),
            {"k": api_key_id, "i": idem_key},
        ).one()
    if found.body_sha256 != body_sha256:
        return Claim("mismatch", int(found.id))
    if found.state == "running":
        return Claim("running", int(found.id))
    return Claim("done", int(found.id), int(found.status), json.loads(found.response))


def finish(engine: Engine, claim_id: int, status: int, response: Any) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE idempotent_request SET state = 'done', status = :s, response = :r"
                " WHERE id = :id"
            ),
            {"s": status, "r": json.dumps(response), "id": claim_id},
        )


def give_back(engine: Engine, claim_id: int) -> None:
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM idempotent_request WHERE id = :id"), {"id": claim_id})
