"""`daks report event ID`: the measured impact of an event or market, in a terminal.

The same answer as `GET /v1/events/{id}/impact`, built by the same code; the command line
runs with the town's own database, so by default it answers on the exact counts (the
internal basis, as the town's own key gets it), and says so; `--published` gives the answer
everyone else gets, on the published cells of the current release (hours not published
are left out and named). `--json` prints the API's JSON body. An event the counts cannot
answer for (no counted hour in the window, too few comparable weeks) ends with status 2 and
the reason.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import orjson
import typer

from daks.api.routes.analytics import impact_answer
from daks.cli.context import EXIT_BAD_INPUT, open_store, refusals
from daks.domain.codes import Metric
from daks.publishers.analytics.errors import AnalyticsError
from daks.store import analytics as store

app = typer.Typer(help="Answers for towns: the impact of events and markets.", no_args_is_help=True)


@app.command("event")
def event(
    event_id: Annotated[
        int, typer.Argument(help="the event's id, as /v1/towns/{town}/events lists")
    ],
    place: Annotated[str | None, typer.Option(help="zone or location; default the event's")] = None,
    metric: Annotated[Metric, typer.Option(help="what to measure")] = Metric.PEDESTRIANS,
    weeks: Annotated[int, typer.Option(min=3, max=26, help="baseline weeks")] = 8,
    rain: Annotated[bool, typer.Option("--rain", help="adjust wet hours to dry")] = False,
    at: Annotated[
        datetime | None, typer.Option(help="for a weekly market: the occurrence on or after")
    ] = None,
    published: Annotated[
        bool,
        typer.Option("--published", help="the public answer: published cells of the release"),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="the API's JSON body")] = False,
) -> None:
    """Did the event or market bring people? Its footfall against comparable weeks."""
    engine = open_store()
    try:
        with refusals(), engine.connect() as conn:
            row = store.event(conn, event_id)
            try:
                body = impact_answer(conn, row, place, metric, weeks, rain, at, exact=not published)
            except AnalyticsError as exc:
                typer.echo(f"cannot answer for event {event_id}: {exc}", err=True)
                raise typer.Exit(EXIT_BAD_INPUT) from None
    finally:
        engine.dispose()
    if as_json:
        typer.echo(orjson.dumps(body, option=orjson.OPT_INDENT_2).decode())
        return
    typer.echo(render(body))


def render(body: dict[str, Any]) -> str:
    """The answer in words and a table, for a town official at a terminal."""
    event = body["event"]
    lines = [
        f"{event['name']} ({event['kind']}, event {event['id']}) at {body['place']}",
        f"window: {body['start']} to {body['end']} ({body['metric']})",
        "basis: exact counts (internal: the town's own data, not the published release)"
        if body["basis"] == "exact"
        else f"basis: published cells of release {body['release']}",
        f"method: {body['method']}",
        "",
        f"observed {body['observed']:.0f}, expected {body['expected']:.0f}",
        f"uplift {body['uplift_pct']:+.1f} %"
        f" ({round(100 * body['level'])} % band {body['low_pct']:+.1f} % to {body['high_pct']:+.1f} %)",
        "a clear effect: the band leaves out 0 %"
        if body["significant"]
        else "no clear effect: the band holds 0 %",
    ]
    if body["left_out"]:
        lines.append(
            f"counted {body['hours']} of the window's {body['window_hours']} hours, which usually"
            f" hold {100 * body['coverage']:.0f} % of its footfall; the band is widened for the rest"
        )
        lines += [f"  left out: {hour['start']} ({hour['reason']})" for hour in body["left_out"]]
    if body["rain_adjusted"] and body["rain_effect_pct"] is not None:
        lines.append(f"adjusted for rain (a wet hour loses {-body['rain_effect_pct']:.0f} %)")
    lines += ["", "baseline weeks:"]
    for week in body["baseline"]:
        used = "used" if week["used"] else f"left out: {week['reason']}"
        value = "-" if week["value"] is None else f"{week['value']:.0f}"
        lines.append(f"  {week['start']}  {value:>8}  {week['hours']:>2} h  {used}")
    lines += [f"note: {note}" for note in body["notes"]]
    return "\n".join(lines)
