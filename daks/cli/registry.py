"""`daks towns …` and `daks locations import`: the town (publisher) registry."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer

from daks.cli.context import EXIT_BAD_INPUT, open_store, refusals
from daks.ingest.registry import TownRecord, read_places, read_towns
from daks.store import registry as store
from daks.store.db import session_scope

towns = typer.Typer(help="The towns that publish (the publishers).", no_args_is_help=True)
locations = typer.Typer(help="Measuring locations, zones and shops.", no_args_is_help=True)

FileArg = Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)]


@towns.command("add")
def towns_add(
    town_id: Annotated[
        str, typer.Argument(metavar="ID", help="short id used in URLs, e.g. oostkamp")
    ],
    name: Annotated[str, typer.Option(help="the town's name")],
    nis_code: Annotated[str | None, typer.Option(help="official municipality (NIS) code")] = None,
    timezone: Annotated[
        str, typer.Option(help="IANA time zone of naive vendor times")
    ] = "Europe/Brussels",
    inhabitants: Annotated[int | None, typer.Option(min=0)] = None,
) -> None:
    """Add a town, or update it when it exists."""
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        typer.echo(f"error: unknown time zone {timezone!r}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    record = TownRecord(
        id=town_id, name=name, nis_code=nis_code, timezone=timezone, inhabitants=inhabitants
    )
    with session_scope(open_store()) as session:
        store.upsert_towns(session, [record])
    typer.echo(f"town {town_id} saved")


@towns.command("import")
def towns_import(file: FileArg) -> None:
    """Add or update towns from a CSV in the layout of daks-towns.csv."""
    with refusals():
        records = read_towns(file)
        with session_scope(open_store()) as session:
            count = store.upsert_towns(session, records)
    typer.echo(f"{count} towns saved")


@towns.command("list")
def towns_list() -> None:
    """List the towns."""
    with session_scope(open_store()) as session:
        for town in store.list_towns(session):
            label = " (synthetic demo data)" if town.synthetic else ""
            typer.echo(
                f"{town.id}\t{town.name}\t{town.nis_code or '-'}\t{town.inhabitants or '-'}{label}"
            )


@locations.command("import")
def locations_import(
    file: FileArg,
    town: Annotated[str | None, typer.Option(help="town of places that do not name one")] = None,
) -> None:
    """Add or update locations, zones and shops from a GeoJSON FeatureCollection or a CSV."""
    with refusals():
        records = read_places(file, default_town=town)
        with session_scope(open_store()) as session:
            count = store.upsert_places(session, records)
    typer.echo(f"{count} places saved")
