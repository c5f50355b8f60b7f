"""Retailer tier: a key sees its own shops and nothing of any other shop, not even by
subtraction; entries per hour exactly, profiles per day under k = 5 with the singleton rule;
conversion against the street's *published* footfall; the street median under its own rule
(docs/privacy.md, "Retailers")."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as settings_
from schemathesis.config import SchemathesisConfig
from sqlalchemy import Engine

from daks.api.app import create_app
from daks.domain.codes import PlaceKind
from daks.ingest.registry import PlaceRecord, TownRecord
from daks.settings import Settings
from daks.store import keys, registry, releases
from daks.store.db import session_scope
from daks.store.imports import import_file
from tests.api.conftest import MONDAY, KeyMaker, bearer, published_row

OWN = "testtown-bakkerij"  # faces testtown-markt
STREET = "testtown-markt"
DAY = {"from": "2025-03-03T00:00:00+01:00", "to": "2025-03-04T00:00:00+01:00"}


def _at(hour: int) -> str:
    return datetime.fromtimestamp(MONDAY + hour * 3600, UTC).isoformat()


def _shops(engine: Engine, ids: list[str], street: str = STREET, town: str = "testtown") -> None:
    with session_scope(engine) as session:
        registry.upsert_places(
            session,
            [
                PlaceRecord(id=i, town=town, kind=PlaceKind.SHOP, name=i.title(), street=street)
                for i in ids
            ],
        )


def _entries(
    engine: Engine, tmp_path: Path, rows: list[tuple[Any, ...]], town: str = "testtown"
) -> None:
    """Import shop-entry rows (shop, hour of MONDAY, entries[, age_band, gender])."""
    path = tmp_path / f"entries-{len(list(tmp_path.iterdir()))}.csv"
    lines = ["shop,timestamp,entries,age_band,gender"]
    for shop, hour, value, *profile in rows:
        age, gender = ([*profile, "", ""])[:2]
        lines.append(f"{shop},{_at(hour)},{value},{age},{gender}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    import_file(engine, town, path)


def _footfall(engine: Engine, values: dict[int, float | None], day: float | None = None) -> int:
    """A release with the market's published pedestrians at these hours of MONDAY."""
    rows = [
        published_row(STREET, MONDAY + h * 3600, v, status="ok" if v is not None else "suppressed")
        for h, v in values.items()
    ]
    if day is not None:
        rows.append(published_row(STREET, MONDAY, day, granularity="day", seconds=86400))
    record = releases.write_release(
        engine, rows, kind="full", policies={"pedestrians": "public-v1"}, batch_ids=[], scope=None
    )
    return record.id


@pytest.fixture
def retailer(make_key: KeyMaker) -> dict[str, str]:
    return bearer(make_key("retailer", (OWN,)))


# -- the key's own shops ------------------------------------------------------------------


def test_shops_lists_only_the_keys_own_shops_with_release_and_policy(
    client: TestClient, engine: Engine, retailer: dict[str, str], release: int
) -> None:
    _shops(engine, ["testtown-slager", "testtown-apotheek"])
    body = client.get("/v1/retailer/shops", headers=retailer).json()
    assert (body["release"], body["policy"], body["town"]) == (release, "retailer-v1", "testtown")
    assert body["items"] == [
        {
            "id": OWN,
            "iri": f"https://daks.example/id/shop/{OWN}",
            "name": "Bakkerij",
            "street": STREET,
            "street_name": "Markt",
            "zone": "testtown-centrum",
            "lat": 51.1536,
            "lon": 3.2603,
        }
    ]
    response = client.get("/v1/retailer/shops", headers={**retailer, "Accept": "text/csv"})
    assert response.headers["content-type"].startswith("text/csv")
    (row,) = csv.DictReader(io.StringIO(response.text))
    assert (row["id"], row["street"], row["release"], row["policy"]) == (
        OWN, STREET, str(release), "retailer-v1",
    )  # fmt: skip


def test_keyed_answers_are_private(client: TestClient, retailer: dict[str, str], town: str) -> None:
    response = client.get("/v1/retailer/shops", headers=retailer)
    assert response.headers["Cache-Control"] == "private, no-store"


# -- key misuse ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/v1/retailer/shops",
        f"/v1/retailer/shops/{OWN}/entries",
        f"/v1/retailer/shops/{OWN}/conversion",
    ],
)
def test_without_a_retailer_key_nothing_is_shown(
    client: TestClient, engine: Engine, make_key: KeyMaker, path: str
) -> None:
    assert client.get(path, params=DAY).status_code == 401
    staff = client.get(path, params=DAY, headers=bearer(make_key("internal")))
    assert staff.status_code == 403
    assert staff.headers["content-type"] == "application/problem+json"
    revoked = make_key("retailer", (OWN,))
    with session_scope(engine) as session:
        keys.revoke(session, revoked)
    assert client.get(path, params=DAY, headers=bearer(revoked)).status_code == 401
    in_url = client.get(path, params={**DAY, "api_key": make_key("retailer", (OWN,))})
    assert in_url.status_code == 400


def test_another_shop_or_town_is_the_same_404_as_no_shop(
    client: TestClient, engine: Engine, make_key: KeyMaker, tmp_path: Path
) -> None:
    _shops(engine, ["testtown-slager"])
    with session_scope(engine) as session:
        registry.upsert_towns(session, [TownRecord(id="elders", name="Elders")])
    with session_scope(engine) as session:
        registry.upsert_places(
            session,
            [
                PlaceRecord(id="elders-markt", town="elders", kind=PlaceKind.LOCATION, name="M"),
                PlaceRecord(
                    id="elders-winkel", town="elders", kind=PlaceKind.SHOP, name="W",
                    street="elders-markt",
                ),
            ],
        )  # fmt: skip
    _entries(engine, tmp_path, [("testtown-slager", 10, 40)])
    _entries(engine, tmp_path, [("elders-winkel", 10, 40)], town="elders")
    ours = bearer(make_key("retailer", (OWN,)))
    theirs = bearer(make_key("retailer", ("elders-winkel",), town_id="elders"))
    for kind in ("entries", "conversion"):
        asked = [
            (ours, "testtown-slager"),  # same town, not granted
            (ours, "elders-winkel"),  # another town
            (theirs, OWN),
            (ours, "testtown-nowhere"),  # does not exist
            (ours, "testtown-markt"),  # a place, but not a shop
        ]
        for headers, shop in asked:
            response = client.get(f"/v1/retailer/shops/{shop}/{kind}", params=DAY, headers=headers)
            assert response.status_code == 404, (kind, shop)
            assert response.json() == {
                "type": "about:blank",
                "title": "Not Found",
                "status": 404,
                "detail": f"no shop {shop!r}",
            }
    listed = client.get("/v1/retailer/shops", headers=theirs).json()
    assert [s["id"] for s in listed["items"]] == ["elders-winkel"]


# -- own entries ---------------------------------------------------------------------------


def test_hourly_entries_are_exact_own_and_name_release_and_policy(
    client: TestClient, engine: Engine, retailer: dict[str, str], release: int, tmp_path: Path
) -> None:
    _shops(engine, ["testtown-slager"])
    _entries(
        engine,
        tmp_path,
        [
            (OWN, 7, 3),
            (OWN, 8, 7),
            (OWN, 9, 14),
            ("testtown-slager", 8, 55),
            ("testtown-slager", 9, 2),
        ],
    )
    body = client.get(f"/v1/retailer/shops/{OWN}/entries", params=DAY, headers=retailer).json()
    assert (body["release"], body["policy"], body["shop"], body["next"]) == (
        release, "retailer-v1", OWN, None,
    )  # fmt: skip
    items = body["items"]
    # Exactly: 3 and 7 are neither suppressed nor rounded for the shop's own retailer.
    assert [(i["start"], i["value"], i["status"]) for i in items] == [
        ("2025-03-03T07:00:00+01:00", 3, "ok"),
        ("2025-03-03T08:00:00+01:00", 7, "ok"),
        ("2025-03-03T09:00:00+01:00", 14, "ok"),
    ]
    assert {(i["shop"], i["metric"], i["direction"], i["breakdown"]) for i in items} == {
        (OWN, "shop_entries", "forward", "")
    }
    assert "slager" not in str(body)
    assert 55 not in [i["value"] for i in items]


def test_day_profiles_hide_groups_below_5_and_the_singleton_partner(
    client: TestClient, engine: Engine, retailer: dict[str, str], release: int, tmp_path: Path
) -> None:
    # The counter reports every hour (closed: 0), so the day is complete. In three hours:
    # totals 6, 7, 7; age 25-34 = 5, 6, 6 and 65+ = 1, 1, 1; f and m.
    rows: list[tuple[Any, ...]] = [(OWN, h, 0) for h in range(24) if h not in (9, 10, 11)]
    for hour, total, young, old, women in ((9, 6, 5, 1, 3), (10, 7, 6, 1, 3), (11, 7, 6, 1, 4)):
        rows += [
            (OWN, hour, total),
            (OWN, hour, young, "25-34"),
            (OWN, hour, old, "65+"),
            (OWN, hour, women, "", "f"),
            (OWN, hour, total - women, "", "m"),
        ]
    _entries(engine, tmp_path, rows)
    day = client.get(
        f"/v1/retailer/shops/{OWN}/entries", params={**DAY, "granularity": "day"}, headers=retailer
    ).json()
    cells = {i["breakdown"]: (i["value"], i["status"]) for i in day["items"]}
    assert cells == {
        "": (20, "ok"),
        "age=65+": (None, "suppressed"),  # 3 < k = 5
        "age=25-34": (None, "suppressed"),  # else 20 - 17 gives the 3 back
        "gender=f": (10, "ok"),
        "gender=m": (10, "ok"),
    }
    assert {i["start"] for i in day["items"]} == {"2025-03-03T00:00:00+01:00"}
    hours = client.get(f"/v1/retailer/shops/{OWN}/entries", params=DAY, headers=retailer).json()
    assert {i["breakdown"] for i in hours["items"]} == {""}  # profiles per day only
    assert [i["value"] for i in hours["items"]][9:12] == [6, 7, 7]


def test_the_same_day_gets_the_same_answer_whatever_period_is_asked(
    client: TestClient, engine: Engine, retailer: dict[str, str], release: int, tmp_path: Path
) -> None:
    _entries(engine, tmp_path, [(OWN, 10, 9), (OWN, 10, 4, "25-34"), (OWN, 10, 5, "65+")])
    url = f"/v1/retailer/shops/{OWN}/entries"
    one = client.get(url, params={**DAY, "granularity": "day"}, headers=retailer).json()
    month = {"from": "2025-03-01T00:00:00+01:00", "to": "2025-04-01T00:00:00+02:00"}
    whole = client.get(url, params={**month, "granularity": "day"}, headers=retailer).json()
    assert one["items"] == whole["items"]


def test_entries_page_with_a_cursor_and_a_link(
    client: TestClient, engine: Engine, retailer: dict[str, str], release: int, tmp_path: Path
) -> None:
    _entries(engine, tmp_path, [(OWN, h, 10 + h) for h in range(7, 12)])
    query = urlencode({**DAY, "limit": 2})
    url: str | None = f"/v1/retailer/shops/{OWN}/entries?{query}"
    seen: list[int] = []
    pages = 0
    while url:
        response = client.get(url.replace("https://daks.example", ""), headers=retailer)
        assert response.status_code == 200
        body = response.json()
        seen += [i["value"] for i in body["items"]]
        url = body["next"]
        if url:
            assert response.headers["Link"] == f'<{url}>; rel="next"'
        pages += 1
    assert (seen, pages) == ([17, 18, 19, 20, 21], 3)


def test_entries_as_csv_and_406(
    client: TestClient, engine: Engine, retailer: dict[str, str], release: int, tmp_path: Path
) -> None:
    _entries(engine, tmp_path, [(OWN, 8, 12)])
    url = f"/v1/retailer/shops/{OWN}/entries"
    response = client.get(url, params={**DAY, "format": "csv"}, headers=retailer)
    assert response.headers["content-type"].startswith("text/csv")
    (row,) = csv.DictReader(io.StringIO(response.text))
    assert (row["start"], row["value"], row["status"], row["policy"]) == (
        "2025-03-03T08:00:00+01:00", "12", "ok", "retailer-v1",
    )  # fmt: skip
    refused = client.get(url, params=DAY, headers={**retailer, "Accept": "application/ld+json"})
    assert refused.status_code == 406
    assert refused.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"from": "2025-03-03T00:30:00+01:00", "to": DAY["to"]}, "from"),
        ({"from": DAY["from"], "to": "2025-03-03T12:00:00+01:00", "granularity": "day"}, "to"),
        ({"from": DAY["from"], "to": "2025-04-04T00:00:00+02:00"}, "to"),  # > 31 days of hours
        ({"from": DAY["to"], "to": DAY["from"]}, "to"),
        ({"to": DAY["to"]}, "from"),
        ({**DAY, "cursor": "not-a-cursor"}, "cursor"),
        ({**DAY, "granularity": "week"}, "granularity"),
    ],
)
def test_bad_ranges_and_cursors_are_422_naming_the_parameter(
    client: TestClient,
    retailer: dict[str, str],
    release: int,
    params: dict[str, str],
    parameter: str,
) -> None:
    for kind in ("entries", "conversion"):
        response = client.get(f"/v1/retailer/shops/{OWN}/{kind}", params=params, headers=retailer)
        assert response.status_code == 422, (kind, params)
        assert parameter in {e["parameter"] for e in response.json()["errors"]}


# -- conversion ----------------------------------------------------------------------------


def _conversion(client: TestClient, headers: dict[str, str], **params: str) -> dict[str, Any]:
    response = client.get(
        f"/v1/retailer/shops/{OWN}/conversion", params={**DAY, **params}, headers=headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_conversion_divides_by_the_published_rounded_footfall_never_the_exact(
    client: TestClient, engine: Engine, retailer: dict[str, str], tmp_path: Path
) -> None:
    # The market's exact pedestrians are 57 and 103; the release published 55 and 105.
    path = tmp_path / "pedestrians.csv"
    path.write_text(
        f"location,timestamp,direction,count\nC1,{_at(8)},both,57\nC1,{_at(9)},both,103\n",
        encoding="utf-8",
    )
    import_file(engine, "testtown", path)
    release = _footfall(engine, {8: 55.0, 9: 105.0, 10: None})
    _entries(engine, tmp_path, [(OWN, 8, 11), (OWN, 9, 21), (OWN, 10, 4), (OWN, 11, 6)])
    body = _conversion(client, retailer)
    assert (body["release"], body["policy"], body["footfall_policy"]) == (
        release, "retailer-v1", "public-v1",
    )  # fmt: skip
    assert (body["shop"], body["street"]) == (OWN, STREET)
    rows = [
        (r["start"][11:16], r["entries"], r["footfall"], r["footfall_status"], r["conversion"])
        for r in body["items"]
    ]
    assert rows == [
        ("08:00", 11, 55, "ok", 0.2),  # 11 / 55, not 11 / 57
        ("09:00", 21, 105, "ok", 0.2),
        ("10:00", 4, None, "suppressed", None),  # the street cell is suppressed
        ("11:00", 6, None, "missing", None),  # nothing published for that hour
    ]


def test_day_conversion_uses_the_published_day(
    client: TestClient, engine: Engine, retailer: dict[str, str], tmp_path: Path
) -> None:
    _footfall(engine, {8: 55.0}, day=400.0)
    _entries(engine, tmp_path, [(OWN, 8, 30), (OWN, 15, 50)])
    (row,) = _conversion(client, retailer, granularity="day")["items"]
    assert (row["start"], row["end"], row["entries"], row["conversion"]) == (
        "2025-03-03T00:00:00+01:00", "2025-03-04T00:00:00+01:00", 80, 0.2,
    )  # fmt: skip


def test_conversion_as_csv(
    client: TestClient, engine: Engine, retailer: dict[str, str], tmp_path: Path
) -> None:
    _footfall(engine, {8: 50.0})
    _entries(engine, tmp_path, [(OWN, 8, 10)])
    response = client.get(
        f"/v1/retailer/shops/{OWN}/conversion",
        params=DAY,
        headers={**retailer, "Accept": "text/csv"},
    )
    (row,) = csv.DictReader(io.StringIO(response.text))
    assert (row["entries"], row["footfall"], row["conversion"], row["street_median"]) == (
        "10.0",
        "50.0",
        "0.2",
        "",
    )
    assert (row["release"], row["policy"], row["footfall_policy"]) == (
        row["release"], "retailer-v1", "public-v1",
    )  # fmt: skip


# -- the street median: never one other shop's figure ---------------------------------------


OTHERS = ["testtown-a", "testtown-b", "testtown-c", "testtown-d", "testtown-e", "testtown-f"]


@pytest.mark.parametrize("others", [0, 1, 2, 3, 4])
def test_too_few_other_shops_give_no_street_median(
    client: TestClient,
    engine: Engine,
    retailer: dict[str, str],
    tmp_path: Path,
    others: int,
) -> None:
    """With the caller and two others (the issue's "3 shops") a plain median would be one
    of the two others' exact entries: nothing is published until 5 others counted."""
    _shops(engine, OTHERS[:others])
    _footfall(engine, {10: 200.0})
    _entries(
        engine,
        tmp_path,
        [(OWN, 10, 30)] + [(shop, 10, 20 + 7 * n) for n, shop in enumerate(OTHERS[:others])],
    )
    (row,) = _conversion(client, retailer)["items"]
    assert row["conversion"] == 0.15
    assert row["street_median"] is None


def test_the_street_median_is_no_single_shops_figure(
    client: TestClient, engine: Engine, retailer: dict[str, str], tmp_path: Path
) -> None:
    values = [12, 20, 31, 47, 90]  # the plain median, 31, is shop c's exact entries
    _shops(engine, OTHERS[:5])
    _footfall(engine, {10: 200.0})
    _entries(engine, tmp_path, [(OWN, 10, 30), *list(zip(OTHERS, [10] * 5, values, strict=False))])
    (row,) = _conversion(client, retailer)["items"]
    learned = round(row["street_median"] * row["footfall"], 6)
    # The mean of the central three (20, 31, 47) = 32.67, rounded to 5 as public counts are.
    assert learned == 35
    assert learned not in values
    # What the caller can compute from the answer: its own entries and published numbers.
    known = {row["entries"], row["footfall"], learned}
    assert round(row["conversion"] * row["footfall"], 6) == row["entries"]
    assert not known & set(values)


def test_the_callers_own_shops_never_count_towards_the_median(
    client: TestClient, engine: Engine, make_key: KeyMaker, tmp_path: Path
) -> None:
    """A key for two shops of the street: were the second in the central three, the caller
    could subtract it; the median is over the shops it does not hold."""
    _shops(engine, OTHERS)
    _footfall(engine, {10: 200.0})
    values = [12, 20, 31, 47, 90, 60]
    _entries(engine, tmp_path, [(OWN, 10, 30), *list(zip(OTHERS, [10] * 6, values, strict=True))])
    both = bearer(make_key("retailer", (OWN, "testtown-f")))
    (row,) = _conversion(client, both)["items"]
    assert row["street_median"] * 200 == pytest.approx(35)  # a..e only, as above
    alone = bearer(make_key("retailer", (OWN,)))
    (row,) = _conversion(client, alone)["items"]
    # For a key without f, six others: the central four (20, 31, 47, 60) average 39.5.
    assert row["street_median"] * 200 == pytest.approx(40)


def test_no_median_where_the_street_footfall_is_suppressed(
    client: TestClient, engine: Engine, retailer: dict[str, str], tmp_path: Path
) -> None:
    _shops(engine, OTHERS[:5])
    _footfall(engine, {10: None})
    _entries(engine, tmp_path, [(OWN, 10, 30)] + [(s, 10, 40) for s in OTHERS[:5]])
    (row,) = _conversion(client, retailer)["items"]
    assert (row["footfall"], row["conversion"], row["street_median"]) == (None, None, None)


def test_the_retailer_routes_keep_their_schema_with_a_key(
    settings: Settings, engine: Engine, make_key: KeyMaker, tmp_path: Path, release: int
) -> None:
    """schemathesis on the retailer operations with a valid retailer key (the suite-wide
    run has none, so it only ever sees their 401)."""
    _entries(engine, tmp_path, [(OWN, h, 3 * h) for h in range(24)])
    app = create_app(settings.model_copy(update={"rate_limit_retailer": "100000/minute"}))
    config = SchemathesisConfig.from_dict(
        {
            "checks": {
                "positive_data_acceptance": {"expected-statuses": ["2xx", "404", "406", "422"]}
            }
        }
    )
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config)
    key = make_key("retailer", (OWN,))
    failures: list[str] = []
    operations = [
        r.ok() for r in schema.get_all_operations() if r.ok().path.startswith("/v1/retailer")
    ]
    assert len(operations) == 3
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings_(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck),
                   derandomize=True)  # fmt: skip
        def run(case: schemathesis.Case) -> None:
            case.call_and_validate(headers={"X-API-Key": key, "Authorization": f"Bearer {key}"})

        try:
            run()
        except Exception as exc:
            failures.append(f"{operation.label}: {exc}")
    app.state.engine.dispose()
    assert not failures, "\n\n".join(failures)
