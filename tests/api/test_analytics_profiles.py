"""Profiles, street comparisons and benchmarks through the API, on a synthetic town with
planted effects loaded as exact readings and as the published cells of a release: the
public tier sees only published cells (suppressed ones never as values), the town's own
internal key the exact figures, and both recover what was planted."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert
from sqlmodel import Session

from daks.ingest.registry import read_towns
from daks.store import registry, releases
from daks.store.db import session_scope
from daks.store.tables.context import Event
from daks.store.tables.imports import ImportBatch
from daks.store.tables.readings import Reading, Sensor
from tests.analytics.synthetic import (
    MARKET_UPLIFT,
    SHAPE,
    STREETS,
    WEEKDAY,
    ZONE,
    PlantedEvent,
    build,
    local,
    published,
)
from tests.api.conftest import KeyMaker, bearer

PLACES = {
    "main": "testtown-markt",
    "side": "testtown-stationsstraat",
    "back": "testtown-kerkstraat",
}
FIRST = datetime(2025, 9, 1, tzinfo=ZONE)  # a Monday
DAYS = 182
# Five Saturday fairs on the main street: +50 % there, nothing on the side streets.
FAIRS = [
    PlantedEvent(f"fair{k}", d, d + 8 * 3600, 0.5)
    for k, d in enumerate(local(2025, 9, 13, 10) + k * 14 * 86400 for k in range(5))
]
RISE_FROM = local(2026, 1, 5)  # from this Monday on, the town draws 20 % more
RISE = 1.2


def _planted(weekday: int, hour: int, street: str = "main") -> float:
    market = 1 + MARKET_UPLIFT if weekday == 2 and 8 <= hour < 13 else 1.0
    return SHAPE[hour] * WEEKDAY[weekday] * market * STREETS[street] * 10


def _cell(town: str, level: str, place: str, start: int, value: float) -> tuple[Any, ...]:
    point = published(start, value)
    block = datetime.fromtimestamp(start, UTC).strftime("%Y-%m")
    return (
        town, level, "pedestrians", "hour", place, "both", "", start, start + 3600, block,
        point.value, point.status.value, 1.0, False, "public-v1",
    )  # fmt: skip


def _readings(
    session: Session, town: str, place: str, vendor: str, values: dict[int, float]
) -> int:
    batch = ImportBatch(
        town_id=town, file_name=place, sha256=place.ljust(64, "0")[:64], format="f",
        vendor=vendor, method="counter", imported_at=0,
    )  # fmt: skip
    sensor = Sensor(place_id=place, vendor=vendor, method="counter")
    session.add_all([batch, sensor])
    session.flush()
    assert batch.id is not None
    assert sensor.id is not None
    session.execute(
        insert(Reading),
        [
            {"sensor_id": sensor.id, "metric": "pedestrians", "direction": "both",
             "breakdown": "", "seconds": 3600, "start": s, "place_id": place, "value": v,
             "coverage": 1.0, "estimated": False, "batch_id": batch.id}
            for s, v in values.items()
        ],
    )  # fmt: skip
    return batch.id


@pytest.fixture
def loaded(engine: Engine, town: str, tmp_path: Path) -> dict[str, dict[int, float]]:
    """testtown: three streets (markt 70 %, stationsstraat 20 %, kerkstraat 10 %) with a
    Wednesday market and five fairs on the Markt, +20 % from January; `othertown`: the same
    week three times as large from another vendor, flat. Exact readings and a release."""
    synthetic = build(seed=5, events=FAIRS, first=FIRST, days=DAYS)
    streets = {
        PLACES[name]: {s: v * (RISE if s >= RISE_FROM else 1.0) for s, v in values.items()}
        for name, values in synthetic.streets.items()
    }
    other = {s: 3 * v for s, v in synthetic.streets["main"].items()}
    towns_csv = tmp_path / "towns.csv"
    towns_csv.write_text(
        "town_id,name,nis_code,province,inhabitants_2024,shops_total_2024,shops_central_2024,"
        "horeca_2024,data_bought\nothertown,Anderdorp,99998,West-Vlaanderen,30000,10,5,4,"
        "pedestrians\n",
        encoding="utf-8",
    )
    with session_scope(engine) as session:
        registry.upsert_towns(session, read_towns(towns_csv))
    with Session(engine) as session:
        batch = 0
        for place, values in streets.items():
            batch = _readings(session, "testtown", place, "acme", values)
        session.add_all(
            Event(
                town_id="testtown", uid=e.uid, name=f"Braderie {e.uid}", kind="event",
                start=e.start, end=e.end, place_id="testtown-markt", batch_id=batch,
            )
            for e in FAIRS
        )  # fmt: skip
        market = synthetic.events[0]
        session.add(
            Event(
                town_id="testtown", uid=market.uid, name=market.name, kind="market",
                start=int(market.start.timestamp()), end=int(market.end.timestamp()),
                rrule=market.rrule, batch_id=batch,
            )
        )  # fmt: skip
        session.commit()
    zone = {s: sum(v[s] for v in streets.values()) for s in streets["testtown-markt"]}
    cells = [
        _cell("testtown", "location", p, s, v) for p, vs in streets.items() for s, v in vs.items()
    ]
    cells += [_cell("testtown", "zone", "testtown-centrum", s, v) for s, v in zone.items()]
    cells += [_cell("testtown", "town", "testtown", s, v) for s, v in zone.items()]
    cells += [_cell("othertown", "town", "othertown", s, v) for s, v in other.items()]
    releases.write_release(
        engine, cells, kind="full", policies={"pedestrians": "public-v1"}, batch_ids=[],
        scope=None,
    )  # fmt: skip
    return streets


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _hour(item: dict[str, Any], weekday: int, hour: int) -> dict[str, Any]:
    found: dict[str, Any] = item["hours"][weekday * 24 + hour]
    assert (found["weekday"], found["hour"]) == (
        ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[weekday],
        hour,
    )
    return found


# --- profiles -----------------------------------------------------------------------------

PERIOD = {"from": "2025-09-01", "to": "2026-01-05"}  # before the January rise


def _profiles(client: TestClient, headers: dict[str, str] | None = None, **params: Any) -> Any:
    response = client.get(
        "/v1/towns/testtown/profiles", params={**PERIOD, **params}, headers=headers or {}
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_the_typical_week_recovers_the_market_on_both_tiers(
    client: TestClient, loaded: object, make_key: KeyMaker
) -> None:
    internal = bearer(make_key(tier="internal"))
    for headers, basis in ((None, "published"), (internal, "exact")):
        body = _profiles(client, headers, place="testtown-markt")
        assert body["basis"] == basis
        (item,) = body["items"]
        assert len(item["hours"]) == 168
        wednesday, tuesday = _hour(item, 2, 10), _hour(item, 1, 10)
        assert wednesday["median"] / tuesday["median"] == pytest.approx(
            (1 + MARKET_UPLIFT) * WEEKDAY[2] / WEEKDAY[1], rel=0.06
        )
        friday = _hour(item, 4, 15)
        assert friday["low"] <= _planted(4, 15) <= friday["high"]
        assert friday["median"] == pytest.approx(_planted(4, 15), rel=0.05)
    assert body["release"] is None
    assert _profiles(client)["release"] is not None


def test_suppressed_cells_never_become_public_values(
    client: TestClient, loaded: object, make_key: KeyMaker
) -> None:
    # A Monday 3:00 on the Markt counts about 6 people: suppressed in every release.
    public = _profiles(client, place="testtown-markt")["items"][0]
    night = _hour(public, 0, 3)
    assert night["suppressed"] >= 15  # every Monday of the period
    assert (night["median"], night["low"], night["high"]) == (None, None, None)
    exact = _profiles(client, bearer(make_key(tier="internal")), place="testtown-markt")
    assert 0 < _hour(exact["items"][0], 0, 3)["median"] < 10
    # Another town's internal key gets the public answer, not the exact one.
    stranger = bearer(make_key(tier="internal", town_id="othertown"))
    assert _profiles(client, stranger, place="testtown-markt")["basis"] == "published"


def test_opening_hour_shares_and_busy_hours_while_closed(
    client: TestClient, loaded: object
) -> None:
    body = _profiles(
        client,
        place="testtown-centrum",
        opening=["mon-sat 9-17", "mon-sat 9-17", "mon-sat 9-17", "mon-sat 9-20"],
        window=["12-14", "mon-sat 18-24"],
    )
    (zone,) = body["items"]
    assert zone["kind"] == "zone"
    week = [(d, h) for d in range(7) for h in range(24)]
    total = sum(_planted(d, h, s) for d, h in week for s in STREETS)
    lunch = sum(_planted(d, h, s) for d, h in week for s in STREETS if h in (12, 13))
    closed = sum(_planted(d, h, s) for d, h in week for s in STREETS if d == 6 or not 9 <= h < 17)
    assert zone["windows"]["12-14"] == pytest.approx(100 * lunch / total, abs=1.0)
    assert zone["outside_opening_pct"] == pytest.approx(100 * closed / total, abs=1.5)
    assert 0 < zone["windows"]["mon-sat 18-24"] < zone["outside_opening_pct"]
    busy = {(b["weekday"], b["hour"]) for b in zone["busy_while_closed"]}
    assert ("sat", 17) in busy  # Saturday's late afternoon, with 1 shop in 4 open
    assert all(b["shops_open_pct"] < 50 for b in zone["busy_while_closed"])
    assert not any(d in ("mon", "tue", "wed", "thu", "fri") and 9 <= h < 17 for d, h in busy)


def test_every_place_by_default_and_csv_tables(client: TestClient, loaded: object) -> None:
    body = _profiles(client)
    assert {i["place"] for i in body["items"]} == {*PLACES.values(), "testtown-centrum"}
    week = client.get(
        "/v1/towns/testtown/profiles", params={**PERIOD, "place": "testtown-kerkstraat"},
        headers={"Accept": "text/csv"},
    )  # fmt: skip
    assert week.headers["content-type"].startswith("text/csv")
    rows = _csv_rows(week.text)
    assert len(rows) == 168
    assert rows[0]["place"] == "testtown-kerkstraat"
    assert {"weekday", "hour", "median", "low", "high", "days", "suppressed"} <= set(rows[0])
    shares = _csv_rows(
        client.get(
            "/v1/towns/testtown/profiles",
            params={**PERIOD, "format": "csv", "table": "shares", "window": "12-14"},
        ).text
    )
    assert {(r["place"], r["share"]) for r in shares} >= {
        ("testtown-centrum", "outside opening"),
        ("testtown-markt", "12-14"),
    }


@pytest.mark.parametrize(
    "params",
    [
        {"window": "12-25"},
        {"window": "mon-funday 12-14"},
        {"window": "14-12"},
        {"opening": "sun-mon 9-18"},
        {"opening": "9"},
        {"school": "sometimes"},
        {"from": "2026-01-05", "to": "2025-09-01"},
        {"from": "yesterday"},
        {"table": "weeks"},
    ],
)
def test_bad_windows_and_periods_are_422(
    client: TestClient, loaded: object, params: dict[str, str]
) -> None:
    response = client.get("/v1/towns/testtown/profiles", params=params)
    assert response.status_code == 422, params
    assert response.headers["content-type"].startswith("application/problem+json")


def test_unknown_towns_and_places_are_404(client: TestClient, loaded: object) -> None:
    assert client.get("/v1/towns/nowhere/profiles").status_code == 404
    missing = client.get("/v1/towns/testtown/profiles", params={"place": "othertown-markt"})
    assert missing.status_code == 404
    assert client.get("/v1/towns/testtown/profiles", params={"format": "xml"}).status_code == 406


def test_a_period_without_counts_says_so(client: TestClient, loaded: object) -> None:
    body = _profiles(client, **{"from": "2024-01-01", "to": "2024-02-01"})
    assert body["items"] == []
    assert set(body["skipped"]) == {*PLACES.values(), "testtown-centrum"}


# --- street comparisons -------------------------------------------------------------------


def _comparisons(client: TestClient, headers: dict[str, str] | None = None, **params: Any) -> Any:
    response = client.get(
        "/v1/towns/testtown/comparisons", params={**PERIOD, **params}, headers=headers or {}
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_the_back_street_share_and_the_fairs_shift_on_both_tiers(
    client: TestClient, loaded: object, make_key: KeyMaker
) -> None:
    internal = bearer(make_key(tier="internal"))
    for headers, basis in ((None, "published"), (internal, "exact")):
        body = _comparisons(client, headers)
        assert body["basis"] == basis
        (zone,) = body["items"]
        assert zone["zone"] == "testtown-centrum"
        assert zone["typical"]["testtown-kerkstraat"] == pytest.approx(0.10, abs=0.005)
        assert zone["typical"]["testtown-markt"] == pytest.approx(0.70, abs=0.01)
        assert zone["event_days"] == len(FAIRS)
        shifts = {s["location"]: s for s in zone["shifts"]}
        markt, kerk = shifts["testtown-markt"], shifts["testtown-kerkstraat"]
        assert markt["low_pp"] > 0
        assert markt["significant"]
        assert markt["shift_pp"] == pytest.approx(7, abs=3)  # 8 hours of +50 % on the Markt
        assert kerk["high_pp"] < 0


def test_a_market_that_lifts_every_street_alike_moves_no_share(
    client: TestClient, loaded: object
) -> None:
    # After the last fair only the Wednesday market is on: counted as event days here.
    body = _comparisons(client, markets="true", **{"from": "2025-11-10"})
    (zone,) = body["items"]
    assert zone["event_days"] == 8
    for shift in zone["shifts"]:
        assert shift["low_pp"] <= 0 <= shift["high_pp"]
        assert not shift["significant"]


def test_comparisons_as_csv(client: TestClient, loaded: object) -> None:
    days = _csv_rows(
        client.get("/v1/towns/testtown/comparisons", params={**PERIOD, "format": "csv"}).text
    )
    assert {r["location"] for r in days} == set(PLACES.values())
    first = [r for r in days if r["day"] == days[0]["day"]]
    assert sum(float(r["share"]) for r in first) == pytest.approx(1.0, abs=1e-3)
    shifts = _csv_rows(
        client.get(
            "/v1/towns/testtown/comparisons",
            params={**PERIOD, "table": "shifts"},
            headers={"Accept": "text/csv"},
        ).text
    )
    assert {r["location"] for r in shifts} == set(PLACES.values())
    assert {"shift_pp", "low_pp", "high_pp", "significant"} <= set(shifts[0])


def test_comparison_refusals(client: TestClient, loaded: object) -> None:
    assert client.get("/v1/towns/nowhere/comparisons").status_code == 404
    assert (
        client.get("/v1/towns/testtown/comparisons", params={"zone": "testtown-markt"}).status_code
        == 404
    )
    for params in (
        {"min_hours": "0"},
        {"table": "weeks"},
        {"from": "2026-01-05", "to": "2025-09-01"},
    ):
        assert client.get("/v1/towns/testtown/comparisons", params=params).status_code == 422
    quiet = _comparisons(client, **{"from": "2024-01-01", "to": "2024-02-01"})
    assert quiet["items"] == []
    assert "testtown-centrum" in quiet["skipped"]


# --- benchmarks ---------------------------------------------------------------------------


def test_each_town_against_its_own_baseline_side_by_side(
    client: TestClient, loaded: dict[str, dict[int, float]], make_key: KeyMaker
) -> None:
    response = client.get("/v1/benchmarks")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["basis"] == "published"
    assert body["baseline"] == {"from": "2025-09-01", "to": "2025-10-20", "index": 100}
    lines = {line["town"]: line for line in body["lines"]}
    assert set(lines) == {"testtown", "othertown"}
    test, other = lines["testtown"], lines["othertown"]
    assert test["methods"] == ["acme/counter"]
    assert test["baseline_weeks"] == 8
    assert not test["per_1000_comparable"]
    assert not other["per_1000_comparable"]
    assert len(test["weeks"]) == 26
    # Weekly noise is about 2.5 % (each day has its own level): single weeks stray, the
    # stretches before and after the planted 20 % rise do not.
    shown = test["weeks"][8:-1]
    assert all(w["coverage"] == 1.0 for w in shown)
    before = [w["index"] for w in shown if w["week"] < "2026-01-05"]
    after = [w["index"] for w in shown if w["week"] >= "2026-01-05"]
    assert all(abs(i - 100) < 10 for i in before)
    assert all(abs(i - 120) < 12 for i in after)
    assert sum(before) / len(before) == pytest.approx(100, abs=3)
    assert (sum(after) / len(after)) / (sum(before) / len(before)) == pytest.approx(RISE, abs=0.03)
    flat = [w["index"] for w in other["weeks"][:-1]]  # three times the counts, no rise
    assert all(abs(i - 100) < 10 for i in flat)
    assert sum(flat) / len(flat) == pytest.approx(100, abs=3)
    # small hours at night are suppressed and counted as 0; the larger town has fewer
    assert test["suppressed_hours_as_zero"] > other["suppressed_hours_as_zero"]
    # Per 1,000 inhabitants: the town's published week over its 12,345 inhabitants.
    monday = local(2025, 11, 17)
    cells = [
        published(s, sum(v[s] for v in loaded.values())).value
        for s in range(monday, monday + 7 * 86400, 3600)
    ]
    week = next(w for w in test["weeks"] if w["week"] == "2025-11-17")
    assert week["per_1000"] == pytest.approx(1000 * sum(c or 0 for c in cells) / 12345, abs=0.1)
    # The town's own key sees the same public lines: they must rest on one basis.
    keyed = client.get("/v1/benchmarks", headers=bearer(make_key(tier="internal"))).json()
    assert keyed["lines"] == body["lines"]


def test_benchmarks_as_csv_and_a_chosen_baseline(client: TestClient, loaded: object) -> None:
    rows = _csv_rows(
        client.get(
            "/v1/benchmarks",
            params={"baseline_from": "2026-01-05", "baseline_to": "2026-02-16", "format": "csv"},
        ).text
    )
    assert {"town", "metric", "week", "index", "per_1000", "coverage", "methods"} <= set(rows[0])
    early = [
        r for r in rows if r["town"] == "testtown" and "2025-11-03" <= r["week"] < "2025-12-22"
    ]
    assert early
    indices = [float(r["index"]) for r in early]  # before the rise, against the risen baseline
    assert sum(indices) / len(indices) == pytest.approx(100 / RISE, abs=3)
    assert all(abs(i - 100 / RISE) < 10 for i in indices)


def test_benchmark_refusals_and_towns_without_a_baseline(
    client: TestClient, loaded: object
) -> None:
    for params in (
        {"baseline_from": "2025-09-02"},
        {"baseline_from": "2025-10-20", "baseline_to": "2025-09-01"},
        {"metric": "footsteps"},
        {"format": "xml"},
    ):
        response = client.get("/v1/benchmarks", params=params)
        assert response.status_code == (406 if "format" in params else 422), params
    body = client.get("/v1/benchmarks", params={"baseline_from": "2024-01-01"}).json()
    assert body["lines"] == []
    assert set(body["skipped"]) == {"testtown/pedestrians", "othertown/pedestrians"}
