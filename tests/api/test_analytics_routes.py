"""Analytics routes on a real database: a town's events, and an event's impact on exact
readings for the town's own internal key (the public tier has no cells here, and says so)."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from daks.store.tables.context import Event
from daks.store.tables.imports import ImportBatch
from daks.store.tables.readings import Reading, Sensor
from tests.analytics.synthetic import PlantedEvent, build, local
from tests.api.conftest import KeyMaker, bearer

FAIR = PlantedEvent("braderie", local(2025, 10, 11, 14), local(2025, 10, 11, 20), 0.5)


def _load(engine: Engine) -> int:
    town = build(market=False, events=[FAIR], first=datetime(2025, 7, 1, tzinfo=UTC), days=120)
    with Session(engine) as session:
        batch = ImportBatch(
            town_id="testtown", file_name="x", sha256="0" * 64, format="f", vendor="v",
            method="m", imported_at=0,
        )  # fmt: skip
        session.add(batch)
        session.flush()
        sensor = Sensor(place_id="testtown-markt", vendor="v", method="m")
        session.add(sensor)
        session.flush()
        assert batch.id is not None
        assert sensor.id is not None
        session.add_all(
            Reading(
                sensor_id=sensor.id, metric="pedestrians", direction="both", seconds=3600,
                start=start, place_id="testtown-markt", value=value, batch_id=batch.id,
            )
            for start, value in town.streets["main"].items()
        )  # fmt: skip
        event = Event(
            town_id="testtown", uid="braderie", name="Braderie", kind="event",
            start=FAIR.start, end=FAIR.end, place_id="testtown-markt", batch_id=batch.id,
        )  # fmt: skip
        session.add(event)
        session.commit()
        assert event.id is not None
        return event.id


def test_events_are_listed_as_json_and_csv(client: TestClient, engine: Engine, town: str) -> None:
    _load(engine)
    body = client.get(f"/v1/towns/{town}/events").json()
    assert [e["uid"] for e in body["items"]] == ["braderie"]
    text = client.get(f"/v1/towns/{town}/events", params={"format": "csv"}).text
    assert text.splitlines()[0].startswith("id,uid,name,kind")
    assert client.get("/v1/towns/nowhere/events").status_code == 404
    assert client.get(f"/v1/towns/{town}/events", params={"format": "xml"}).status_code == 406


def test_impact_on_exact_readings_for_the_towns_own_key(
    client: TestClient, engine: Engine, town: str, make_key: KeyMaker
) -> None:
    event_id = _load(engine)
    key = make_key(tier="internal")
    body = client.get(f"/v1/events/{event_id}/impact", headers=bearer(key)).json()
    assert body["basis"] == "exact"
    assert body["low_pct"] <= 50 <= body["high_pct"]
    assert body["significant"]
    csv_text = client.get(
        f"/v1/events/{event_id}/impact", params={"format": "csv"}, headers=bearer(key)
    ).text
    assert "uplift_pct" in csv_text.splitlines()[0]
    public = client.get(f"/v1/events/{event_id}/impact")
    assert public.status_code == 422  # no release has published these counts
    assert client.get("/v1/events/999/impact").status_code == 404
