"""`daks serve`: the API under uvicorn."""

from __future__ import annotations

import os
from typing import Annotated

import typer
import uvicorn

from daks.cli.context import open_store

# glibc's allocator, tuned for workers that answer megabyte pages (a 1,000-cell JSON-LD page
# is about one). By default every thread may grow an arena of its own, and after the first
# large buffers are freed the threshold above which a buffer gets its own mapping rises to
# 32 MB, so page after page lands in the heap, which fragments and never shrinks. Two arenas
# and a fixed 128 KB threshold return each page's memory when it is sent: under the load
# benchmark (bench/api.py, 2 workers) 307-313 MB -> 279-284 MB resident. glibc reads these
# when a process starts, so they are set here, for the worker processes uvicorn spawns.
WORKER_ALLOCATOR = {"MALLOC_ARENA_MAX": "2", "MALLOC_MMAP_THRESHOLD_": "131072"}


def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="worker processes")] = 1,
) -> None:
    """Serve the API (SQLite in the data directory unless DAKS_DATABASE_URL says otherwise)."""
    open_store().dispose()  # migrate once, before the workers start
    for name, value in WORKER_ALLOCATOR.items():
        os.environ.setdefault(name, value)
    uvicorn.run("daks.api.app:create_app", factory=True, host=host, port=port, workers=workers)
