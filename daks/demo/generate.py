"""Writes the synthetic data set of the DAKS towns as vendor-format files.

Deterministic: every series draws from its own `random.Random` seeded with the set's seed,
the town and the series' name (string seeds are hashed with SHA-512, not with Python's
randomised `hash`), so the same seed gives byte-identical files on any machine, and
changing one series leaves the others as they were.

Formats (what the importers read): footfall long CSV `location,timestamp,direction,count`;
traffic as Telraam `reports/traffic` JSON (`{"report": [...]}`, hourly); shop entries
`shop,timestamp,entries,exits`; visitor profiles per shop and open hour
`shop,timestamp,entries,age_band,gender`; spending
`zone,sector,period,transactions,unique_buyers,amount_eur` per ISO week; events and
markets `uid,name,kind,start,end,place,rrule`; weather
`timestamp,temperature_c,precipitation_mm,condition`. Times are ISO 8601 with their offset.
"""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from daks.demo import effects
from daks.demo.towns import SYNTHETIC, TOWNS, Road, SyntheticTown
from daks.demo.weather import Hour, town_weather

AGE_BANDS = ("15-24", "25-34", "35-44", "45-54", "55-64", "65+")
AGE_SHARES = (0.13, 0.18, 0.19, 0.18, 0.16, 0.16)
FEMALE_SHARE = (0.55, 0.68, 0.58, 0.52, 0.62, 0.70)  # by shop number
ZONE_PAD = 0.0008  # degrees around the centre's streets


@dataclass(frozen=True, slots=True)
class GeneratedFile:
    town: str
    path: Path
    kind: str  # footfall, traffic, shop-entries, shop-profiles, spending, events, weather
    location: str | None = None  # the place a single-place file measures


@dataclass(frozen=True, slots=True)
class SyntheticSet:
    places: Path  # GeoJSON FeatureCollection of every synthetic place
    files: tuple[GeneratedFile, ...]


def local_hours(first: date, last: date, tz: ZoneInfo) -> list[datetime]:
    """Every hour from local midnight of `first` to local midnight after `last`, as aware
    local times (a day with a clock change has 23 or 25 of them)."""
    start = datetime.combine(first, time(), tz).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(), tz).astimezone(UTC)
    hours = []
    while start < end:
        hours.append(start.astimezone(tz))
        start += timedelta(hours=1)
    return hours


def generate(out: Path, *, seed: int = effects.SEED) -> SyntheticSet:
    """Write the synthetic files of every DAKS town under `out` (created if needed)."""
    out.mkdir(parents=True, exist_ok=True)
    tz = ZoneInfo(effects.TIMEZONE)
    hours = local_hours(effects.FIRST_DAY, effects.LAST_DAY, tz)
    places = out / "places.geojson"
    _write_json(places, places_geojson(TOWNS))
    files: list[GeneratedFile] = []
    for town in TOWNS:
        files.extend(_TownWriter(town, hours, seed, out / town.id).write())
    return SyntheticSet(places, tuple(files))


class _TownWriter:
    def __init__(self, town: SyntheticTown, hours: list[datetime], seed: int, out: Path):
        self.town = town
        self.hours = hours
        self.seed = seed
        self.out = out
        self.weather: list[Hour] = town_weather(town.id, hours, seed)

    def rng(self, series: str) -> random.Random:
        return random.Random(f"{self.seed}:{self.town.id}:{series}")

    def write(self) -> list[GeneratedFile]:
        self.out.mkdir(parents=True, exist_ok=True)
        t = self.town
        footfall = self.footfall()
        files = [
            self._csv("weather", self.weather_rows()),
            self._csv("events", self.event_rows()),
            self._csv("footfall", self.footfall_rows(footfall)),
        ]
        for road in t.roads:
            path = self.out / f"telraam-{road.segment}.json"
            _write_json(path, self.traffic(road), indent=None)
            files.append(GeneratedFile(t.id, path, "traffic", t.road_id(road)))
        entries = self.shop_entries(footfall)
        files.append(self._csv("shop-entries", self.shop_rows(entries)))
        if t.shop_entries_bought:
            files.append(self._csv("shop-profiles", self.profile_rows(entries)))
        files.append(self._csv("spending", self.spending_rows(footfall)))
        return files

    def _csv(self, kind: str, rows: Iterable[Sequence[object]]) -> GeneratedFile:
        path = self.out / f"{kind}.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            csv.writer(f, lineterminator="\n").writerows(rows)
        return GeneratedFile(self.town.id, path, kind)

    # -- weather and events ------------------------------------------------------------------

    def weather_rows(self) -> Iterable[Sequence[object]]:
        yield ("timestamp", "temperature_c", "precipitation_mm", "condition")
        for w in self.weather:
            yield (w.local.isoformat(), f"{w.temperature_c:.1f}", f"{w.precipitation_mm:.1f}", w.condition)  # fmt: skip

    def event_rows(self) -> Iterable[Sequence[object]]:
        t = self.town
        tz = ZoneInfo(effects.TIMEZONE)
        yield ("uid", "name", "kind", "start", "end", "place", "rrule")
        if t.market is not None:
            m = t.market
            first = effects.FIRST_DAY + timedelta(
                days=(m.weekday - effects.FIRST_DAY.weekday()) % 7
            )
            yield (
                f"{t.id}-weekly-market",
                f"Weekly market, {t.name} {SYNTHETIC}",
                "market",
                datetime.combine(first, time(m.start_hour), tz).isoformat(),
                datetime.combine(first, time(m.end_hour), tz).isoformat(),
                t.street_id(t.square),
                f"FREQ=WEEKLY;BYDAY={m.byday}",
            )
        for e in t.events:
            yield (
                f"{t.id}-{e.slug}-{e.start.year}",
                e.name,
                "event",
                e.start.replace(tzinfo=tz).isoformat(),
                e.end.replace(tzinfo=tz).isoformat(),
                t.zone_id,
                "",
            )

    # -- footfall ----------------------------------------------------------------------------

    def footfall(self) -> dict[str, list[int]]:
        """Passers-by per centre street and hour (both directions)."""
        t = self.town
        counts = {}
        for street in t.streets:
            rng = self.rng(f"footfall:{street.slug}")
            counts[t.street_id(street)] = [
                effects.noisy(rng.gauss(0, 1), effects.footfall(t, street, h, w.precipitation_mm))
                for h, w in zip(self.hours, self.weather, strict=True)
            ]
        return counts

    def footfall_rows(self, counts: dict[str, list[int]]) -> Iterable[Sequence[object]]:
        yield ("location", "timestamp", "direction", "count")
        for location, series in counts.items():
            for h, n in zip(self.hours, series, strict=True):
                yield (location, h.isoformat(), "both", n)

    # -- traffic -----------------------------------------------------------------------------

    def traffic(self, road: Road) -> dict[str, object]:
        t = self.town
        rng = self.rng(f"traffic:{road.slug}")
        outage_from, outage_to = effects.OUTAGE
        outage_road = t.id == effects.OUTAGE_TOWN and road == t.roads[0]
        report = []
        for h in self.hours:
            cars_mu = effects.cars(t, road.peak_cars, h)
            weekend = h.weekday() >= 5
            heavy_share = effects.HEAVY_SHARE_WEEKEND if weekend else effects.HEAVY_SHARE_WEEKDAY
            totals = {
                "car": effects.noisy(rng.gauss(0, 1), cars_mu),
                "heavy": effects.noisy(rng.gauss(0, 1), cars_mu * heavy_share),
                "bike": effects.noisy(rng.gauss(0, 1), cars_mu * effects.BIKES_PER_CAR),
                "pedestrian": effects.noisy(rng.gauss(0, 1), cars_mu * effects.PEDESTRIANS_PER_CAR),
            }
            uptime = round(rng.uniform(0.985, 1.0), 4)
            speed: float | None = round(effects.v85(totals["car"], road.peak_cars) + rng.gauss(0, 2), 1)  # fmt: skip
            naive = h.replace(tzinfo=None)
            if outage_road and outage_from <= naive < outage_to:
                totals = dict.fromkeys(totals, 0)
                uptime, speed = 0.0, None
            if totals["car"] < 5:
                speed = None  # too few cars for an 85th percentile
            share = effects.inbound_share(h.hour)
            row: dict[str, object] = {
                "instance_id": -1,
                "segment_id": road.segment,
                "date": h.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                "interval": "hourly",
                "uptime": uptime,
                **totals,
            }
            for mode, total in totals.items():
                lft = min(total, max(0, round(total * share + rng.gauss(0, 0.5))))
                row[f"{mode}_lft"], row[f"{mode}_rgt"] = lft, total - lft
            row.update({"direction": 1, "timezone": effects.TIMEZONE, "v85": speed})
            report.append(row)
        return {"status_code": 200, "message": "ok", "report": report}

    # -- shops -------------------------------------------------------------------------------

    def shop_street(self, index: int) -> str:
        t = self.town
        return t.street_id(t.streets[index % len(t.streets)])

    def shop_entries(self, footfall: dict[str, list[int]]) -> dict[str, list[int]]:
        """Entries per shop and hour: a fixed share of its street's passers-by while open."""
        t = self.town
        entries = {}
        for index in range(len(t.shop_names)):
            rng = self.rng(f"shop:{index}")
            street = footfall[self.shop_street(index)]
            series = []
            for h, passers in zip(self.hours, street, strict=True):
                hours = effects.shop_hours(t, h.date())
                mu = 0.0
                if hours is not None and hours[0] <= h.hour < hours[1]:
                    mu = passers * effects.CONVERSION[index]
                series.append(effects.noisy(rng.gauss(0, 1), mu) if mu > 0 else 0)
            entries[t.shop_id(index)] = series
        return entries

    def shop_rows(self, entries: dict[str, list[int]]) -> Iterable[Sequence[object]]:
        yield ("shop", "timestamp", "entries", "exits")
        for shop, series in entries.items():
            previous = 0
            for h, n in zip(self.hours, series, strict=True):
                exits = round((1 - effects.EXIT_LAG) * n + effects.EXIT_LAG * previous)
                previous = n
                yield (shop, h.isoformat(), n, exits)

    def profile_rows(self, entries: dict[str, list[int]]) -> Iterable[Sequence[object]]:
        """Each shop's open hours split by age band and by gender: two margins, each adding
        up to the hour's entries. The shares are fixed per shop."""
        t = self.town
        yield ("shop", "timestamp", "entries", "age_band", "gender")
        for index, (shop, series) in enumerate(entries.items()):
            rng = self.rng(f"profile:{index}")
            ages = [share * rng.uniform(0.85, 1.15) for share in AGE_SHARES]
            female = FEMALE_SHARE[index % len(FEMALE_SHARE)]
            for h, n in zip(self.hours, series, strict=True):
                opening = effects.shop_hours(t, h.date())
                if opening is None or not opening[0] <= h.hour < opening[1]:
                    continue
                for band, part in zip(AGE_BANDS, split(n, ages), strict=True):
                    yield (shop, h.isoformat(), part, band, "")
                for gender, part in zip(("f", "m"), split(n, [female, 1 - female]), strict=True):
                    yield (shop, h.isoformat(), part, "", gender)

    # -- spending ----------------------------------------------------------------------------

    def spending_rows(self, footfall: dict[str, list[int]]) -> Iterable[Sequence[object]]:
        t = self.town
        rng = self.rng("spending")
        zone_streets = [t.street_id(s) for s in t.streets]
        weeks: dict[tuple[int, int], int] = {}
        days: dict[tuple[int, int], set[date]] = {}
        for i, h in enumerate(self.hours):
            year, week, _ = h.isocalendar()
            weeks[(year, week)] = weeks.get((year, week), 0) + sum(footfall[s][i] for s in zone_streets)  # fmt: skip
            days.setdefault((year, week), set()).add(h.date())
        event_weeks = {e.start.isocalendar()[:2] for e in t.events}
        yield ("zone", "sector", "period", "transactions", "unique_buyers", "amount_eur")
        for (year, week), passers in weeks.items():
            if len(days[(year, week)]) < 7:
                continue  # only whole weeks are sold
            for sector, (rate, ticket) in effects.SECTORS.items():
                uplift = 1.0
                if (year, week) in event_weeks and sector in ("horeca", "leisure"):
                    uplift = effects.EVENT_WEEK_HORECA_UPLIFT
                transactions = round(passers * rate * uplift * (1 + rng.gauss(0, 0.03)))
                buyers = round(transactions * effects.BUYERS_PER_TRANSACTION)
                amount = transactions * ticket * (1 + rng.gauss(0, 0.04))
                yield (t.zone_id, sector, f"{year}-W{week:02d}", transactions, buyers, f"{amount:.2f}")  # fmt: skip


def split(total: int, weights: Sequence[float]) -> list[int]:
    """`total` in whole parts proportional to `weights` (largest remainder), summing to it."""
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    parts = [int(x) for x in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: (parts[i] - exact[i], i))
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


# -- places ----------------------------------------------------------------------------------


def places_geojson(towns: Iterable[SyntheticTown]) -> dict[str, object]:
    """The synthetic towns' places in the registry's GeoJSON layout (CONTRACT "Registry")."""
    features: list[dict[str, object]] = []
    for t in towns:
        streets = [(t.street_id(s), s, t.lat + s.dlat, t.lon + s.dlon) for s in t.streets]
        features.append(
            _feature(
                t.zone_id,
                _zone_polygon([(lat, lon) for _, _, lat, lon in streets]),
                town=t.id,
                kind="zone",
                name=f"Centrum {t.name} {SYNTHETIC}",
                locations=[ident for ident, *_ in streets],
            )
        )
        for ident, s, lat, lon in streets:
            features.append(
                _feature(
                    ident,
                    _point(lat, lon),
                    town=t.id,
                    kind="location",
                    name=f"{s.name}, {t.name} {SYNTHETIC}",
                    category=s.category,
                    zone=t.zone_id,
                )
            )
        for road in t.roads:
            features.append(
                _feature(
                    t.road_id(road),
                    _point(t.lat + road.dlat, t.lon + road.dlon),
                    town=t.id,
                    kind="location",
                    name=f"{road.name}, {t.name} {SYNTHETIC}",
                    category="road",
                    vendor_ids={"telraam": [str(road.segment)]},
                )
            )
        for index, shop in enumerate(t.shop_names):
            street = t.streets[index % len(t.streets)]
            features.append(
                _feature(
                    t.shop_id(index),
                    _point(
                        t.lat + street.dlat + 0.00015 * (index + 1),
                        t.lon + street.dlon - 0.0001 * (index + 1),
                    ),
                    town=t.id,
                    kind="shop",
                    name=f"{shop} {index + 1}, {t.name} {SYNTHETIC}",
                    zone=t.zone_id,
                    location=t.street_id(street),
                )
            )
    return {"type": "FeatureCollection", "features": features}


def _feature(ident: str, geometry: dict[str, object], **properties: object) -> dict[str, object]:
    return {
        "type": "Feature",
        "id": ident,
        "geometry": geometry,
        "properties": {**properties, "synthetic": True},
    }


def _point(lat: float, lon: float) -> dict[str, object]:
    return {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]}


def _zone_polygon(points: list[tuple[float, float]]) -> dict[str, object]:
    south = min(p[0] for p in points) - ZONE_PAD
    north = max(p[0] for p in points) + ZONE_PAD
    west = min(p[1] for p in points) - ZONE_PAD
    east = max(p[1] for p in points) + ZONE_PAD
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [[[round(x, 6), round(y, 6)] for x, y in ring]]}


def _write_json(path: Path, doc: object, indent: int | None = 1) -> None:
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=indent) + "\n", encoding="utf-8")
