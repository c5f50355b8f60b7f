"""What every command needs: the settings and a migrated store, and the exit codes."""

from __future__ import annotations

from sqlalchemy import Engine

from daks.settings import Settings, get_settings
from daks.store.db import make_engine, migrate

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2


def settings() -> Settings:
    return get_settings()


def open_store(config: Settings | None = None) -> Engine:
    """The configured database, brought to the newest schema."""
    config = config or get_settings()
    engine = make_engine(config.resolved_database_url())
    migrate(engine)
    return engine
