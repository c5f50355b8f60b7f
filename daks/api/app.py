"""The FastAPI application factory."""

from __future__ import annotations

import logging

from fastapi import FastAPI

from daks import __version__
from daks.api import errors, schema
from daks.api.gate import Gate
from daks.api.hardening import PublicCors, SecurityHeadersAndLog, Shield
from daks.api.limits import RateLimits
from daks.api.routes import (
    analytics,
    health,
    internal,
    linked_data,
    observations,
    publishing,
    towns,
)
from daks.settings import Settings, get_settings
from daks.store.db import make_engine

UPLOAD_PATHS = ("/v1/internal/imports",)


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
    app.include_router(observations.router)
    app.include_router(internal.router)
    app.include_router(analytics.router)
    app.include_router(publishing.router)
    app.include_router(linked_data.router)
    schema.install(app)
    # Added innermost first: the log sees the final answer, the gate counts refusals too.
    app.add_middleware(
        Shield,
        max_bytes=config.max_request_bytes,
        max_upload_bytes=config.max_upload_bytes,
        upload_paths=UPLOAD_PATHS,
    )
    app.add_middleware(PublicCors)
    app.add_middleware(Gate, limits=RateLimits(config))
    app.add_middleware(SecurityHeadersAndLog, https=config.base_url.startswith("https://"))
    # uvicorn's own access log prints the whole URL (a key someone put in the query string
    # with it) and the client address: ours replaces it.
    logging.getLogger("uvicorn.access").disabled = True
    return app
