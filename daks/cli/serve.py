"""`daks serve`: the API under uvicorn; with several workers, under our supervisor
(`daks.cli.dealer`), which deals connections to them in turn."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer
import uvicorn

from daks.cli.context import open_store
from daks.cli.uvicorn_config import APP, OPTIONS

# glibc's allocator for the worker processes: by default every thread may grow an arena
# of its own; two are enough for a worker's two request threads and its event loop, and
# take less memory (the rest is daks.api.memory's trimming). glibc reads this when a process
# starts, so it is set here, for the worker processes uvicorn spawns.
WORKER_ALLOCATOR = {"MALLOC_ARENA_MAX": "2"}


def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="worker processes")] = 1,
) -> None:
    """Serve the API (SQLite in the data directory unless DAKS_DATABASE_URL says otherwise)."""
    open_store().dispose()  # migrate once, before the workers start
    for name, value in WORKER_ALLOCATOR.items():
        os.environ.setdefault(name, value)
    if workers == 1:
        uvicorn.run(APP, host=host, port=port, **OPTIONS)
        return
    # This process has imported the store and the command line: the supervisor starts
    # afresh in its place and imports neither.
    dealer = [sys.executable, "-m", "daks.cli.dealer", host, str(port), str(workers)]
    os.execv(sys.executable, dealer)  # noqa: S606 (our own module, no shell)
