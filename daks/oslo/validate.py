"""What ``daks validate`` calls: SHACL-check what a release publishes.

The command gives the cells of the current release and the places they are about; this
takes a sample that covers every metric, every kind of place and every status (plus a few
cells per location), renders it through the fast path exactly as the API serves it, reads
it back offline and validates it against the official OSLO shapes and our profile.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Graph

from daks.domain.cells import Cell
from daks.oslo.jsonld import render_jsonld
from daks.oslo.model import AmbientObservation, Page, Places
from daks.oslo.resources import graph_of
from daks.oslo.shacl import ValidationReport, validate


@dataclass(frozen=True, slots=True)
class ReleaseCheck:
    cells_checked: int
    triples: int
    report: ValidationReport

    @property
    def conforms(self) -> bool:
        return self.report.conforms


def sample_cells(cells: Iterable[Cell], per_place: int = 3) -> list[Cell]:
    """Every (metric, level, status, granularity) seen at least once, and up to `per_place`
    cells of each place, in the order given (streams: keeps only the sample)."""
    sample: list[Cell] = []
    seen_kinds: set[tuple[object, ...]] = set()
    per: dict[tuple[str, str], int] = {}
    for cell in cells:
        key = cell.key
        kind = (key.metric, key.level, cell.status, key.granularity, bool(key.breakdown))
        place = (key.level.value, key.place)
        if kind not in seen_kinds or per.get(place, 0) < per_place:
            seen_kinds.add(kind)
            per[place] = per.get(place, 0) + 1
            sample.append(cell)
    return sample


def check_cells(
    cells: Iterable[Cell],
    places: Places,
    page: Page,
    ambient: Iterable[AmbientObservation] = (),
    per_place: int = 3,
) -> ReleaseCheck:
    """Validate a sample of a release as published (fast-path JSON-LD, read back offline)."""
    sample = sample_cells(cells, per_place)
    graph: Graph = graph_of(render_jsonld(sample, places, page, ambient), page.base)
    return ReleaseCheck(len(sample), len(graph), validate(graph))


def format_report(check: ReleaseCheck) -> str:
    """A short human report for the terminal: one line per violation."""
    head = (
        f"{check.cells_checked} cells, {check.triples} triples: "
        f"{'conforms' if check.conforms else 'DOES NOT CONFORM'}"
    )
    lines = [head]
    for result in check.report.results:
        lines.append(f"  {result.severity}: {result.focus} {result.path or ''}: {result.message}")
    return "\n".join(lines)
