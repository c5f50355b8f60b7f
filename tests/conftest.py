"""Shared fixtures: a real database per test, on SQLite and (when DAKS_TEST_DATABASE_URL is
set, as in CI) on PostgreSQL as well.

PostgreSQL: one throw-away database per test session (so that parallel runs and other
users of the server never meet), its tables emptied before each test.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from daks.store.db import make_engine, migrate

SHARED = Path(__file__).resolve().parents[2] / "shared"
SHARED_DATA = Path(os.environ.get("DAKS_SHARED_DATA", SHARED / "data"))
TEST_DATA = Path(__file__).parent / "data"

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("DAKS_TEST_DATABASE_URL") else [])


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    admin_url = make_url(os.environ["DAKS_TEST_DATABASE_URL"])
    name = f"daks_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty SQLite database at the newest migration, made once per test process: each
    test gets a copy (migrating anew cost 75 ms a test, some 45 s of a run)."""
    path = tmp_path_factory.mktemp("template") / "daks.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()
    return path


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to an empty, migrated database of each backend."""
    if request.param == "sqlite":
        path = tmp_path / "daks.sqlite"
        template = request.getfixturevalue("sqlite_template")
        source, copy = sqlite3.connect(template), sqlite3.connect(path)
        try:
            source.backup(copy)  # consistent whatever the journal holds
        finally:
            source.close()
            copy.close()
        yield f"sqlite:///{path}"
        return
    url = request.getfixturevalue("postgres_url")
    engine = make_engine(url)
    existing = set(inspect(engine).get_table_names())
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables if t.name in existing)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    yield url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.fail(f"the shared sample data is missing at {SHARED_DATA}")
    return SHARED_DATA


# Property tests draw the same examples on every run, so that CI's verdict is repeatable.
settings.register_profile("daks", derandomize=True, deadline=None)
settings.load_profile("daks")
