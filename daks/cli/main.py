"""Entry point: assembles the sub-commands, and turns refused input into exit status 2
with a one-line message instead of a traceback."""

from __future__ import annotations

import sys

import typer

from daks.cli import demo, export, ingest, keys, registry, report, serve, validate
from daks.cli.context import EXIT_BAD_INPUT
from daks.cli.release import release as release_app
from daks.ingest.errors import IngestError
from daks.store.errors import StoreError

app = typer.Typer(
    name="daks",
    help="Publishes the counts small towns buy from sensor vendors as anonymised open data.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(registry.towns, name="towns")
app.add_typer(registry.locations, name="locations")
app.add_typer(keys.app, name="keys")
app.add_typer(release_app, name="release")
app.add_typer(report.app, name="report")
app.command("serve")(serve.serve)
app.command("ingest")(ingest.ingest)
app.command("demo")(demo.demo)
app.command("export")(export.export)
app.command("validate")(validate.validate)


def main() -> None:
    try:
        app()
    except (IngestError, StoreError) as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
