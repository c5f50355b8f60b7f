"""`daks validate`: SHACL-checks what the current release publishes, as a harvester would
read it.

For every town, a sample of its cells (every metric, level, status and granularity, and a
few cells of each place) is rendered by the same fast path the API serves, read back
offline, and validated against the official OSLO shapes and the daks profile; then the
DCAT catalogue against DCAT-AP 3.0.1 and DCAT-AP Vlaanderen 2.0. A violation anywhere
ends the command with status 1 after the whole report is printed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from daks.api.routes.publishing import POLICY, catalogue_entries
from daks.cli.context import EXIT_BAD_INPUT, EXIT_FAILURE, open_store, settings
from daks.domain.codes import Metric
from daks.oslo.model import Page
from daks.oslo.validate import check_cells, format_report
from daks.publishers import dcat
from daks.publishers.dcat_shapes import ShapeSet, check
from daks.publishers.downloads import places_from
from daks.store import observations as releases
from daks.store import publishing as store


def validate(
    per_place: Annotated[int, typer.Option(min=1, help="cells checked per place")] = 3,
) -> None:
    """SHACL-validate the current release (a sample of every town) and the catalogue."""
    config = settings()
    engine = open_store(config)
    try:
        with engine.connect() as conn:
            release = releases.current_release(conn)
            towns = store.published_towns(conn)
        if release is None:
            typer.echo("error: no release has been published yet (run `daks release build`)")
            raise typer.Exit(EXIT_BAD_INPUT)
        published = datetime.fromtimestamp(release.created_at, UTC)
        page = Page(release.id, POLICY, config.base_url, published=published)
        failed = False
        for town in towns:
            with engine.connect() as conn:
                places = places_from(store.town_places(conn, town.id), [town])
            metrics = [m.value for m in Metric]
            cells = (
                releases.cell_from_row(r)
                for r in store.iter_current_cells(engine, town.id, metrics)
            )
            result = check_cells(cells, places, page, per_place=per_place)
            typer.echo(f"{town.id} (release {release.id}): {format_report(result)}")
            failed = failed or not result.conforms
        entries = catalogue_entries(engine, config, release)
        catalogue = dcat.CatalogueConfig(config.base_url)
        for number in range(1, dcat.page_count(catalogue, len(entries)) + 1):
            graph = dcat.catalogue_graph(catalogue, entries, page=number, modified=published)
            for shapes in (ShapeSet.DCAT_AP_MANDATORY, ShapeSet.DCAT_AP_VL):
                violations = [f for f in check(graph, shapes) if f.severity == "Violation"]
                typer.echo(f"catalogue page {number}, {shapes.value}: {len(violations)} violations")
                for finding in violations:
                    typer.echo(f"  {finding.focus} {finding.path}: {finding.message}")
                failed = failed or bool(violations)
    finally:
        engine.dispose()
    if failed:
        raise typer.Exit(EXIT_FAILURE)
