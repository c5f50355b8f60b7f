"""The FastAPI application factory."""

from __future__ import annotations

from fastapi import FastAPI

from daks import __version__
from daks.api import errors
from daks.api.routes import health, towns
from daks.settings import Settings, get_settings
from daks.store.db import make_engine


def create_app(config: Settings | None = None) -> FastAPI:
    config = config or get_settings()
    app = FastAPI(
        title="daks",
        version=__version__,
        summary="Anonymised footfall, traffic, shop-entry and spending counts of small towns, as open data",
    )
    app.state.settings = config
    app.state.engine = make_engine(config.resolved_database_url())
    errors.install(app)
    app.include_router(health.router)
    app.include_router(towns.router)
    return app
