"""The engine, its sessions and the schema's migrations.

SQLite (the embedded default) runs in WAL mode so that readers are not blocked by an
import, with foreign keys enforced; PostgreSQL is used as it comes, except that a pooled
connection is pinged only after it rested in the pool (see `_ping_if_rested`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import NullPool
from sqlmodel import Session, create_engine

import daks.store.tables  # noqa: F401  (registers every table on the metadata)

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


# A pooled PostgreSQL connection that rested longer than this is pinged before use.
REST_BEFORE_PING = 1.0  # seconds


def _returned(_dbapi_connection: Any, record: Any) -> None:
    """On connect and on checkin: a new connection needs no ping either."""
    record.info["returned"] = time.monotonic()


def _ping_if_rested(engine: Engine) -> Callable[[Any, Any, Any], None]:
    """`pool_pre_ping` for a connection that rested in the pool: one that the server or the
    network dropped meanwhile is replaced before a request meets it (SQLAlchemy's recipe
    for a custom pessimistic ping). `pool_pre_ping` pinged on every checkout, a round trip
    on every request of a busy worker (0.05 ms of CPU and more of waiting on a 304); a
    connection that dies while in use fails that request (a 503) and is not pooled again."""
    dialect = engine.dialect

    def checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get("returned", 0.0) < REST_BEFORE_PING:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError(str(exc)) from exc

    return checkout


def make_engine(url: str, *, pooled: bool = True) -> Engine:
    """`pooled=False` for short-lived processes (the command line): every connection is
    closed when it is released, so nothing is left open behind a finished command."""
    parsed = make_url(url)
    pool: dict[str, Any] = {} if pooled else {"poolclass": NullPool}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False}, **pool)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    engine = create_engine(url, **pool)
    event.listen(engine, "connect", _returned)
    event.listen(engine, "checkin", _returned)
    event.listen(engine, "checkout", _ping_if_rested(engine))
    return engine


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def alembic_config(url: str) -> Config:
    # alembic (with mako and pygments) is imported by what migrates, not by every API worker.
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (a no-op when it is there already)."""
    from alembic import command

    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work: committed when the block ends, rolled back when it raises."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
