"""What every command needs: the settings and a migrated store, and the exit codes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from sqlalchemy import Engine

from daks.ingest.errors import IngestError
from daks.settings import Settings, get_settings
from daks.store.db import make_engine, migrate
from daks.store.errors import StoreError

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2


def settings() -> Settings:
    return get_settings()


def open_store(config: Settings | None = None) -> Engine:
    """The configured database, brought to the newest schema."""
    config = config or get_settings()
    engine = make_engine(config.resolved_database_url(), pooled=False)
    migrate(engine)
    return engine


@contextmanager
def refusals() -> Iterator[None]:
    """Refused input ends the command with status 2 and a one-line message naming the
    file, line and field, never a traceback."""
    try:
        yield
    except (IngestError, StoreError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
