"""Event and market impact on demo-like data: one synthetic town of `daks demo` (Harelbeke),
generated with the demo's planted effects (daks/demo/effects.py: the braderie doubles the
footfall of every centre street, the weekly market multiplies its square by 2.5 and the
other centre streets by 1.3), imported and published through the real release builder,
whose suppression hides many hours of single streets.

The public tier answers from the published cells only: hours the release hid are left out
and named (exactly the cells /v1/observations shows as suppressed), the band widens for
them, and the planted effects stay inside it. Which hours a release hides is the release
builder's choice, so one test hides braderie hours itself. The command line prints the
same answers.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner

from daks.api.app import create_app
from daks.api.routes.analytics import _impact_out, _record
from daks.cli import release as release_cli
from daks.cli.main import app as cli
from daks.cli.report import render
from daks.demo import bundle, effects
from daks.demo.generate import generate
from daks.demo.towns import TOWNS
from daks.domain.codes import Metric, Status
from daks.domain.series import Point, Series
from daks.ingest.registry import read_places, read_towns
from daks.publishers.analytics.calendars import TownCalendar
from daks.publishers.analytics.impact import impact
from daks.settings import Settings, get_settings
from daks.store import analytics as store
from daks.store import keys, registry
from daks.store.db import make_engine, migrate, session_scope
from daks.store.imports import import_file
from daks.store.observations import current_release
from tests.api.conftest import bearer

TOWN = "harelbeke"
BRADERIE = "harelbeke-braderie-2025"
MARKET = "harelbeke-weekly-market"


@dataclass(frozen=True)
class Demo:
    database_url: str
    internal_key: str  # Harelbeke's staff
    other_key: str  # Oostkamp's staff: the published basis, like the public
    events: dict[str, int]  # uid -> id


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    folder = tmp_path_factory.mktemp("demo-town")
    url = f"sqlite:///{folder / 'daks.sqlite'}"
    engine = make_engine(url)
    migrate(engine)
    synthetic = generate(folder / "files")
    with session_scope(engine) as session:
        registry.upsert_towns(session, read_towns(bundle.DAKS_TOWNS))
        session.flush()
        for p in bundle.read_publication():
            if p.synthetic:
                registry.set_town_publication(
                    session, p.town, licence=p.licence, attribution=p.attribution, synthetic=True
                )
        registry.upsert_places(session, read_places(synthetic.places), synthetic=True)
    for file in synthetic.files:
        if file.town == TOWN:
            import_file(engine, TOWN, file.path, location=file.location)
    assert release_cli.build(engine, release_cli.load_policies(None), workers=1) is not None
    with session_scope(engine) as session:
        _, internal = keys.create_key(
            session, tier="internal", town=TOWN, shops=[], expires_at=None
        )
        _, other = keys.create_key(
            session, tier="internal", town="oostkamp", shops=[], expires_at=None
        )
    with engine.connect() as conn:
        events = {str(r[0]): int(r[1]) for r in conn.execute(text("SELECT uid, id FROM event"))}
    engine.dispose()
    return Demo(url, internal, other, events)


@pytest.fixture(scope="module")
def client(demo: Demo, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(
        database_url=demo.database_url,
        data_dir=tmp_path_factory.mktemp("serve"),
        rate_limit_prefix=f"test-{uuid.uuid4().hex}",
    )
    api = create_app(settings)
    with TestClient(api, raise_server_exceptions=False) as client:
        yield client
    api.state.engine.dispose()


def _impact(client: TestClient, event: int, key: str | None = None, **params: Any) -> Any:
    headers = bearer(key) if key else {}
    return client.get(f"/v1/events/{event}/impact", params=params, headers=headers)


def _planted(name: str) -> float:
    """The planted effect in percent: of the braderie, or of the market on another street."""
    if name == "braderie":
        town = next(t for t in TOWNS if t.id == TOWN)
        return 100 * (next(e.uplift for e in town.events if e.slug == "braderie") - 1)
    return 100 * (effects.MARKET_STREET_UPLIFT - 1)


def test_the_braderie_is_answered_publicly_with_its_planted_doubling(
    client: TestClient, demo: Demo
) -> None:
    response = _impact(client, demo.events[BRADERIE])
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["basis"] == "published"
    assert body["release"] == 1
    assert body["low_pct"] <= _planted("braderie") <= body["high_pct"]
    assert 90 <= body["uplift_pct"] <= 115
    assert body["hours"] == body["window_hours"] == 8
    assert body["left_out"] == []
    # The town's own staff get the exact counts; another town's staff the public answer.
    exact = _impact(client, demo.events[BRADERIE], demo.internal_key).json()
    assert exact["basis"] == "exact"
    assert abs(exact["uplift_pct"] - body["uplift_pct"]) < 3
    assert _impact(client, demo.events[BRADERIE], demo.other_key).json() == body


def _suppressed(client: TestClient, place: str, start: str, end: str) -> set[str]:
    """The hours of a place the release hid, as anyone can read them."""
    cells = client.get(
        "/v1/observations",
        params={
            "location": place, "metric": "pedestrians", "direction": "both",
            "granularity": "hour", "from": start, "to": end,
        },
    ).json()["items"]  # fmt: skip
    return {c["start"] for c in cells if c["status"] == "suppressed"}


def test_the_market_is_answered_publicly_leaving_out_only_the_hours_the_release_hid(
    client: TestClient, demo: Demo
) -> None:
    response = _impact(client, demo.events[MARKET])
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["basis"] == "published"
    assert body["method"] == "other-days"
    assert body["hours"] == body["window_hours"] - len(body["left_out"]) >= 1
    hidden = _suppressed(client, body["place"], body["start"], body["end"])
    left_out = {datetime.fromisoformat(g["start"]) for g in body["left_out"]}
    assert left_out == {datetime.fromisoformat(h) for h in hidden}
    assert (body["coverage"] < 1) == bool(hidden)
    assert body["significant"]
    assert body["uplift_pct"] > 30
    # The exact answer for the same market day holds the public one's centre in its band
    # and vice versa: the two bases tell the same story.
    exact = _impact(client, demo.events[MARKET], demo.internal_key, at=body["start"]).json()
    assert exact["start"] == body["start"]
    assert exact["left_out"] == []
    assert exact["low_pct"] <= body["uplift_pct"] <= exact["high_pct"]
    assert body["low_pct"] <= exact["uplift_pct"] <= body["high_pct"]


def test_the_market_on_another_street_holds_its_planted_effect(
    client: TestClient, demo: Demo
) -> None:
    street = _impact(client, demo.events[MARKET], place="harelbeke-marktstraat")
    assert street.status_code == 200, street.text
    body = street.json()
    assert body["low_pct"] <= _planted("street") <= body["high_pct"]
    hidden = _suppressed(client, body["place"], body["start"], body["end"])
    assert len(body["left_out"]) == len(hidden)


def test_hours_hidden_from_the_demo_braderie_are_left_out_and_widen_the_band(
    demo: Demo,
) -> None:
    """The release decides which hours it hides; here three hours of the braderie are
    hidden from its published series as a release would, and the answer rests on the rest."""
    engine = make_engine(demo.database_url)
    try:
        with engine.connect() as conn:
            row = store.event(conn, demo.events[BRADERIE])
            town = store.town(conn, TOWN)
            current = current_release(conn)
            release = None if current is None else current.id
            series = store.series(
                conn, TOWN, "harelbeke-centrum", "pedestrians", row.start - 30 * 86400,
                row.end, exact=False, release=release,
            )  # fmt: skip
            calendar = TownCalendar(town.timezone, [_record(r) for r in store.events(conn, TOWN)])
    finally:
        engine.dispose()
    whole = impact(series, row.start, row.end, calendar, event_uid=row.uid)
    gone = [row.start + h * 3600 for h in (0, 3, 7)]  # 10:00, 13:00 and 17:00
    hidden = Series.of(
        (Point(p.start, None, Status.SUPPRESSED) if p.start in gone else p for p in series),
        series.basis,
        release=series.release,
    )
    found = impact(hidden, row.start, row.end, calendar, event_uid=row.uid)
    assert [g.start for g in found.left_out] == gone
    assert (found.hours, found.window_hours) == (5, 8)
    assert found.coverage < 1
    assert found.low_pct <= _planted("braderie") <= found.high_pct
    assert found.high_pct - found.low_pct > whole.high_pct - whole.low_pct
    assert found.significant
    # `daks report event` says so in words.
    body = _impact_out(row, "harelbeke-centrum", Metric.PEDESTRIANS, row.start, row.end, found)
    text = render(body)
    assert "counted 5 of the window's 8 hours" in text
    assert text.count("  left out: 20") == 3


def test_nothing_comparable_left_is_still_422_with_the_reason(
    client: TestClient, demo: Demo
) -> None:
    # The zomerfeest is on the first Saturday of the data: no week before it to compare.
    response = _impact(client, demo.events["harelbeke-zomerfeest-2025"])
    assert response.status_code == 422
    assert "comparable weeks" in response.json()["detail"]
    # The first market day of the data has no days before it.
    first = _impact(client, demo.events[MARKET], at="2025-08-25T00:00:00+02:00")
    assert first.status_code == 422
    assert "comparable days" in first.json()["detail"]


@pytest.fixture
def runner(demo: Demo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("DAKS_DATABASE_URL", demo.database_url)
    monkeypatch.setenv("DAKS_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


@pytest.mark.parametrize("event", [BRADERIE, MARKET])
def test_daks_report_prints_the_same_answers(
    runner: CliRunner, client: TestClient, demo: Demo, event: str
) -> None:
    event_id = str(demo.events[event])
    public = runner.invoke(cli, ["report", "event", event_id, "--published", "--json"])
    assert public.exit_code == 0, public.output
    assert json.loads(public.output) == _impact(client, demo.events[event]).json()
    exact = runner.invoke(cli, ["report", "event", event_id, "--json"])
    assert exact.exit_code == 0, exact.output
    assert json.loads(exact.output) == _impact(client, demo.events[event], demo.internal_key).json()
    text = runner.invoke(cli, ["report", "event", event_id, "--published"]).output
    assert "basis: published cells of release 1" in text
    body = json.loads(public.output)
    if body["left_out"]:
        assert f"counted {body['hours']} of the window's {body['window_hours']} hours" in text
        assert text.count("  left out: 20") == len(body["left_out"])
