"""PostgreSQL connections that the server dropped: a pooled one that rested is pinged and
replaced before use; one that dies in use fails its request once and is not pooled again."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import DBAPIError

from daks.store import db
from daks.store import observations as store
from daks.store.db import make_engine


def _postgres_only(url: str) -> None:
    if not url.startswith("postgresql"):
        pytest.skip("a server that drops connections: PostgreSQL only")


def _drop(url: str, pid: int) -> None:
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        assert conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid}).scalar_one()
    admin.dispose()


def _pid(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def test_a_rested_connection_the_server_dropped_is_replaced_before_use(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _postgres_only(database_url)
    engine = make_engine(database_url)
    pid = _pid(engine)
    _drop(database_url, pid)
    monkeypatch.setattr(db, "REST_BEFORE_PING", 0.0)  # it rested long enough
    with engine.connect() as conn:
        assert store.current_release(conn) is None
        assert conn.execute(text("SELECT pg_backend_pid()")).scalar_one() != pid
    engine.dispose()


def test_a_connection_dropped_between_requests_fails_one_and_is_not_pooled_again(
    database_url: str,
) -> None:
    _postgres_only(database_url)
    engine = make_engine(database_url)
    pid = _pid(engine)
    _drop(database_url, pid)
    # Returned to the pool a moment ago: not pinged.
    with engine.connect() as conn, pytest.raises(DBAPIError) as caught:
        store.current_release(conn)
    assert caught.value.connection_invalidated
    assert _pid(engine) != pid
    engine.dispose()
