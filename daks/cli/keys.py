"""`daks keys create | list | revoke`: API keys for retailers and town staff.

A key is printed once, when it is made; the store keeps only its digest. `--expires DATE`
keeps the key valid through that whole day in the service's time zone.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from daks.cli.context import EXIT_BAD_INPUT, open_store, refusals, settings
from daks.store import keys as store
from daks.store.db import session_scope

app = typer.Typer(help="API keys for retailers and town staff.", no_args_is_help=True)


class Tier(StrEnum):
    RETAILER = "retailer"
    INTERNAL = "internal"


def _expiry(value: str, timezone: str) -> int:
    """The instant a key stops working: the midnight after DATE, or an exact instant."""
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            midnight = datetime.combine(day + timedelta(days=1), time(), tzinfo=ZoneInfo(timezone))
            return int(midnight.timestamp())
        instant = datetime.fromisoformat(value)
    except ValueError:
        typer.echo(f"error: --expires: {value!r} is not a date (YYYY-MM-DD)", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=ZoneInfo(timezone))
    return int(instant.timestamp())


@app.command("create")
def create(
    tier: Annotated[Tier, typer.Option(help="retailer (own shops) or internal (town staff)")],
    town: Annotated[str, typer.Option(help="the town the key belongs to")],
    shop: Annotated[
        list[str] | None, typer.Option(help="a shop the retailer key may see (repeatable)")
    ] = None,
    expires: Annotated[
        str | None, typer.Option(help="last day the key works (YYYY-MM-DD), default never")
    ] = None,
) -> None:
    """Create a key and print it (once: it cannot be shown again)."""
    config = settings()
    expires_at = _expiry(expires, config.default_timezone) if expires else None
    engine = open_store(config)
    try:
        with refusals(), session_scope(engine) as session:
            row, key = store.create_key(
                session, tier=tier.value, town=town, shops=shop or [], expires_at=expires_at
            )
            prefix = row.prefix
    finally:
        engine.dispose()
    typer.echo(key)
    typer.echo(
        f"key daks_{prefix} for {tier.value} of {town} created; it is shown only this once",
        err=True,
    )


@app.command("list")
def list_keys() -> None:
    """List keys by prefix, with tier, town, shops, expiry and state (never the key)."""
    engine = open_store()
    with session_scope(engine) as session:
        rows = store.list_keys(session)
    engine.dispose()
    now = datetime.now().timestamp()
    for row in rows:
        state = "active"
        if row.revoked_at is not None:
            state = "revoked"
        elif row.expires_at is not None and row.expires_at <= now:
            state = "expired"
        expiry = (
            datetime.fromtimestamp(row.expires_at).astimezone().isoformat(timespec="minutes")
            if row.expires_at is not None
            else "never"
        )
        shops = ",".join(json.loads(row.shops)) or "-"
        typer.echo(f"daks_{row.prefix}\t{row.tier}\t{row.town_id}\t{shops}\t{expiry}\t{state}")


@app.command("revoke")
def revoke(
    prefix: Annotated[str, typer.Argument(help="the key's prefix, e.g. daks_ab12cd34")],
) -> None:
    """Revoke a key; it is refused from the next request on."""
    engine = open_store()
    try:
        with refusals(), session_scope(engine) as session:
            shown = store.revoke(session, prefix).prefix
    finally:
        engine.dispose()
    typer.echo(f"key daks_{shown} revoked")
