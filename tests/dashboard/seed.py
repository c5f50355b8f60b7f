"""A small town with a real release, for the dashboard's tests: `dashdorp`, three centre
streets in a zone, three shops on the Markt, five weeks of hourly footfall (nights below the
publication threshold, so suppressed; the Stationsstraat counter down for one whole day),
shop entries, and a braderie on the last Saturday that doubles the footfall.

Everything goes through the real pipeline: the registry, `import_file` with the vendor
formats, the release builder and the key store.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from daks.cli import release as release_cli
from daks.ingest.registry import read_places, read_towns
from daks.store import keys, registry
from daks.store.db import session_scope
from daks.store.imports import import_file

DATA = Path(__file__).parent / "data"
TOWN = "dashdorp"
ZONE = ZoneInfo("Europe/Brussels")
FIRST = date(2025, 9, 1)  # a Monday
DAYS = 35
STREETS = {"dashdorp-markt": 600, "dashdorp-stationsstraat": 350, "dashdorp-kerkstraat": 200}
SHOPS = {"dashdorp-bakkerij": 0.05, "dashdorp-slagerij": 0.07, "dashdorp-boekhandel": 0.03}
OUTAGE = (date(2025, 10, 1), "dashdorp-stationsstraat")  # no counts at all that day
FAIR = (date(2025, 10, 4), 10, 18)  # Saturday, 10:00-18:00, footfall doubled
HOUR_SHARE = [0.004] * 7 + [0.2, 0.4, 0.6, 0.8, 0.9, 1.0, 0.9, 0.8, 0.85, 0.9, 0.8, 0.5, 0.3]
HOUR_SHARE += [0.2, 0.1, 0.05, 0.004]
DAY_FACTOR = [0.85, 1.0, 1.0, 1.0, 1.1, 1.45, 0.5]


@dataclass(frozen=True)
class Seeded:
    database_url: str
    retailer_key: str  # for dashdorp-bakkerij only
    internal_key: str
    last_day: date


def _hours() -> list[datetime]:
    out = []
    for d in range(DAYS):
        day = FIRST + timedelta(days=d)
        out.extend(datetime(day.year, day.month, day.day, h, tzinfo=ZONE) for h in range(24))
    return out


def _footfall(rng: random.Random, street: str, moment: datetime) -> int:
    share = HOUR_SHARE[moment.hour]
    if share < 0.01:
        return rng.randint(1, 8)  # below k = 10: published as suppressed
    mu = STREETS[street] * share * DAY_FACTOR[moment.weekday()]
    day, first, last = FAIR
    if moment.date() == day and first <= moment.hour < last:
        mu *= 2.0
    return max(0, round(mu + rng.gauss(0, 1) * mu**0.5))


def write_files(folder: Path) -> tuple[Path, Path, Path]:
    rng = random.Random("dashdorp")
    footfall = folder / "footfall.csv"
    entries = folder / "shop-entries.csv"
    events = folder / "events.csv"
    markt: dict[datetime, int] = {}
    with footfall.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["location", "timestamp", "direction", "count"])
        for moment in _hours():
            for street in STREETS:
                if (moment.date(), street) == OUTAGE:
                    continue
                count = _footfall(rng, street, moment)
                if street == "dashdorp-markt":
                    markt[moment] = count
                writer.writerow([street, moment.isoformat(), "both", count])
    with entries.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["shop", "timestamp", "entries", "exits"])
        for moment, passing in markt.items():
            open_now = moment.weekday() < 6 and 9 <= moment.hour < 18
            for shop, rate in SHOPS.items():
                value = round(passing * rate) if open_now else 0
                writer.writerow([shop, moment.isoformat(), value, value])
    day, first, last = FAIR
    with events.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["uid", "name", "kind", "start", "end", "place", "rrule"])
        start = datetime(day.year, day.month, day.day, first, tzinfo=ZONE)
        end = datetime(day.year, day.month, day.day, last, tzinfo=ZONE)
        writer.writerow(
            ["dashdorp-braderie", "Braderie Dashdorp", "event", start.isoformat(),
             end.isoformat(), "dashdorp-centrum", ""]
        )  # fmt: skip
    return footfall, entries, events


def seed(engine: Engine, folder: Path, database_url: str) -> Seeded:
    with session_scope(engine) as session:
        registry.upsert_towns(session, read_towns(DATA / "towns.csv"))
        session.flush()
        registry.set_town_publication(
            session,
            TOWN,
            licence="http://creativecommons.org/publicdomain/zero/1.0/",
            attribution="Synthetic test data: not measured in Dashdorp",
            synthetic=True,
        )
        registry.upsert_places(session, read_places(DATA / "places.geojson"), synthetic=True)
    for path in write_files(folder):
        import_file(engine, TOWN, path)
    record = release_cli.build(engine, release_cli.load_policies(None), workers=1)
    assert record is not None
    with session_scope(engine) as session:
        _, retailer = keys.create_key(
            session, tier="retailer", town=TOWN, shops=["dashdorp-bakkerij"], expires_at=None
        )
        _, internal = keys.create_key(
            session, tier="internal", town=TOWN, shops=[], expires_at=None
        )
    return Seeded(database_url, retailer, internal, FIRST + timedelta(days=DAYS - 1))
