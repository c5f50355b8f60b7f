"""`daks serve`: the API under uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from daks.cli.context import open_store


def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="worker processes")] = 1,
) -> None:
    """Serve the API (SQLite in the data directory unless DAKS_DATABASE_URL says otherwise)."""
    open_store().dispose()  # migrate once, before the workers start
    uvicorn.run("daks.api.app:create_app", factory=True, host=host, port=port, workers=workers)
