"""The FastAPI application factory."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import FastAPI
from sqlalchemy import Engine

from daks import __version__
from daks.api import errors, schema
from daks.api.answers import Answers
from daks.api.gate import Gate
from daks.api.hardening import Perimeter
from daks.api.limits import RateLimits
from daks.api.routes import (
    analytics,
    dashboard,
    health,
    internal,
    linked_data,
    metrics,
    observations,
    publishing,
    retailer,
    towns,
)
from daks.settings import Settings, get_settings
from daks.store.db import make_engine
from daks.store.observations import Lookups

UPLOAD_PATHS = ("/v1/internal/imports",)
# Requests a worker runs at once in its thread pool (anyio's default is 40). Route work
# holds the GIL almost throughout, so more threads add no throughput, only switching and
# memory: every page in flight holds its rows, cells and text (a 1,000-cell JSON-LD page
# is a megabyte), and each thread grows its own malloc arena. Measured on a 1-worker
# server under 1,000-cell pages: 8 threads 200 MB, 4 threads 155 MB, 2 threads 135 MB,
# the same requests per second. Callers beyond this wait in the event loop, at no cost.
WORKER_THREADS = 2


def worker_threads(engine: Engine) -> int:
    """`WORKER_THREADS`, but one on SQLite: CPython's sqlite3 lets go of the GIL around
    every row it steps, so two threads reading pages hand the GIL to each other a thousand
    times a page, each time a futex wake and a context switch. Measured in-process with
    four 1,000-cell pages in flight (bench/api_cpu.py --inflight 4): 4.1 to 5.3 ms of CPU
    a page on two threads, 3.2 on one.
    PostgreSQL's driver lets go once a statement, while the server works, and a second
    thread puts that wait to use."""
    return 1 if engine.dialect.name == "sqlite" else WORKER_THREADS


# Rendered answers a worker keeps for repeated questions (see daks.api.answers): a few
# 1,000-cell JSON-LD pages, or hundreds of day queries.
ANSWER_BYTES = 8 * 2**20


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    to_thread.current_default_thread_limiter().total_tokens = worker_threads(app.state.engine)
    # What the imports and the app built (a few hundred thousand objects: rdflib, scipy,
    # pydantic models) lives as long as the worker: frozen, the cyclic collector stops
    # walking it on every full collection, which cost a third of a 1,000-cell page.
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def create_app(config: Settings | None = None) -> FastAPI:
    config = config or get_settings()
    app = FastAPI(
        title="daks",
        version=__version__,
        summary="Anonymised footfall, traffic, shop-entry and spending counts of small towns, as open data",
        lifespan=lifespan,
    )
    app.state.settings = config
    app.state.engine = make_engine(config.resolved_database_url())
    app.state.lookups = Lookups()
    app.state.answers = Answers(ANSWER_BYTES)
    errors.install(app)
    # The busiest first: routes are matched in order, router by router. None of its paths
    # is a pattern that could take another router's request.
    app.include_router(observations.router)
    app.include_router(health.router)
    app.include_router(towns.router)
    app.include_router(metrics.router)
    app.include_router(internal.router)
    app.include_router(retailer.router)
    app.include_router(analytics.router)
    app.include_router(publishing.router)
    app.include_router(linked_data.router)
    app.include_router(dashboard.router)
    schema.install(app)
    app.add_middleware(
        Perimeter,
        gate=Gate(RateLimits(config)),
        https=config.base_url.startswith("https://"),
        max_bytes=config.max_request_bytes,
        max_upload_bytes=config.max_upload_bytes,
        upload_paths=UPLOAD_PATHS,
    )
    # uvicorn's own access log prints the whole URL (a key someone put in the query string
    # with it) and the client address: ours replaces it.
    logging.getLogger("uvicorn.access").disabled = True
    return app
