"""The synthetic data set: deterministic, labelled synthetic, complete for every DAKS town,
and carrying the effects docs/demo-data.md says are planted (recovered from the files)."""

from __future__ import annotations

import itertools
import re
import statistics
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from daks.demo import effects
from daks.demo.bundle import DAKS_TOWNS
from daks.demo.generate import SyntheticSet, generate, split
from daks.demo.towns import TOWNS, SyntheticTown
from daks.ingest.registry import read_places, read_towns
from tests.demo.files import read_csv, read_json, stamp

BRUSSELS = ZoneInfo("Europe/Brussels")
DAKS_TOWN_IDS = {t.id for t in read_towns(DAKS_TOWNS)}


def files_of(synthetic: SyntheticSet, town: str) -> dict[str, list[Path]]:
    out: dict[str, list[Path]] = defaultdict(list)
    for f in synthetic.files:
        if f.town == town:
            out[f.kind].append(f.path)
    return out


def footfall(synthetic: SyntheticSet, town: str) -> dict[str, dict[datetime, int]]:
    """Passers-by per location and local hour, read back from the town's footfall file."""
    (path,) = files_of(synthetic, town)["footfall"]
    out: dict[str, dict[datetime, int]] = defaultdict(dict)
    for row in read_csv(path):
        assert row["direction"] == "both"
        out[row["location"]][stamp(row["timestamp"])] = int(row["count"])
    return out


def rain(synthetic: SyntheticSet, town: str) -> dict[datetime, float]:
    (path,) = files_of(synthetic, town)["weather"]
    return {stamp(r["timestamp"]): float(r["precipitation_mm"]) for r in read_csv(path)}


def zone_total(
    counts: dict[str, dict[datetime, int]],
    rain_mm: dict[datetime, float] | None,
    day: date,
    hours: tuple[int, int],
) -> float:
    """The centre's passers-by in some local hours of a day; with `rain_mm`, the loss the
    documented rain effect explains is added back."""
    total = 0.0
    for series in counts.values():
        for when, n in series.items():
            if when.date() == day and hours[0] <= when.hour < hours[1]:
                total += n / (effects.rain_factor(rain_mm[when]) if rain_mm else 1.0)
    return total


def event_days(town: SyntheticTown) -> set[date]:
    return {e.start.date() for e in town.events}


# -- determinism and labels ----------------------------------------------------------------


def test_same_seed_gives_byte_identical_files(synthetic: SyntheticSet, tmp_path: Path) -> None:
    again = generate(tmp_path / "again")
    first = {p.path.relative_to(p.path.parents[1]): p.path.read_bytes() for p in synthetic.files}
    second = {p.path.relative_to(p.path.parents[1]): p.path.read_bytes() for p in again.files}
    assert first.keys() == second.keys()
    assert all(first[name] == second[name] for name in first)
    assert synthetic.places.read_bytes() == again.places.read_bytes()


def test_another_seed_gives_other_counts(synthetic: SyntheticSet, tmp_path: Path) -> None:
    other = generate(tmp_path / "other", seed=effects.SEED + 1)
    (mine,) = files_of(synthetic, "veurne")["footfall"]
    (theirs,) = files_of(other, "veurne")["footfall"]
    assert mine.read_bytes() != theirs.read_bytes()


def test_every_place_and_event_says_it_is_synthetic(synthetic: SyntheticSet) -> None:
    doc = read_json(synthetic.places)
    features = doc["features"]
    assert isinstance(features, list)
    assert features
    for feature in features:
        assert "(synthetic)" in feature["properties"]["name"]
        assert feature["properties"]["synthetic"] is True
    for f in synthetic.files:
        if f.kind == "events":
            assert all("(synthetic)" in row["name"] for row in read_csv(f.path))


def test_traffic_segments_are_not_real_telraam_ids(synthetic: SyntheticSet) -> None:
    for f in synthetic.files:
        if f.kind == "traffic":
            report = read_json(f.path)["report"]
            assert isinstance(report, list)
            assert all(str(row["segment_id"]).startswith("99") for row in report)


# -- coverage of the DAKS towns ------------------------------------------------------------


def test_the_seven_daks_towns_are_the_synthetic_towns() -> None:
    assert {t.id for t in TOWNS} == DAKS_TOWN_IDS
    assert len(DAKS_TOWN_IDS) == 7


@pytest.mark.parametrize("town", sorted(DAKS_TOWN_IDS))
def test_every_town_has_every_kind_of_file(synthetic: SyntheticSet, town: str) -> None:
    kinds = files_of(synthetic, town)
    for kind in ("footfall", "traffic", "shop-entries", "spending", "events", "weather"):
        assert kinds[kind], f"{town} has no {kind} file"
    assert 1 <= len(kinds["traffic"]) <= 2


def test_places_parse_as_a_registry_with_a_centre_roads_and_shops(
    synthetic: SyntheticSet,
) -> None:
    places = read_places(synthetic.places)
    by_town: dict[str, list[str]] = defaultdict(list)
    for p in places:
        by_town[p.town].append(p.kind.value)
    assert set(by_town) == DAKS_TOWN_IDS
    for town in TOWNS:
        zones = [p for p in places if p.town == town.id and p.kind.value == "zone"]
        assert len(zones) == 1
        assert 3 <= len(zones[0].members) <= 5
        shops = [p for p in places if p.town == town.id and p.kind.value == "shop"]
        assert len(shops) >= 5
        for shop in shops:
            assert shop.zone == zones[0].id
            assert shop.street in zones[0].members
        for p in places:
            if p.town == town.id and p.lat is not None and p.lon is not None:
                # inside the town: within about 1.5 km of its centre
                assert abs(p.lat - town.lat) < 0.014
                assert abs(p.lon - town.lon) < 0.02


@pytest.mark.parametrize("town", TOWNS, ids=lambda t: t.id)
def test_at_least_five_shops_with_hourly_entries_and_exits(
    synthetic: SyntheticSet, town: SyntheticTown
) -> None:
    (path,) = files_of(synthetic, town.id)["shop-entries"]
    rows = read_csv(path)
    assert list(rows[0]) == ["shop", "timestamp", "entries", "exits"]
    shops = {r["shop"] for r in rows}
    assert len(shops) >= 5
    hours = len(rows) // len(shops)
    days = (effects.LAST_DAY - effects.FIRST_DAY).days + 1
    assert hours == days * 24 + 1  # the clock goes back once in the period
    totals = defaultdict(lambda: [0, 0])
    for r in rows:
        totals[r["shop"]][0] += int(r["entries"])
        totals[r["shop"]][1] += int(r["exits"])
    for entries, exits in totals.values():
        assert entries > 1000
        assert abs(entries - exits) <= 0.01 * entries  # who goes in comes out


def test_visitor_profiles_only_where_shop_entries_were_bought(synthetic: SyntheticSet) -> None:
    bought = {t.id for t in read_towns(DAKS_TOWNS) if "shop_entries" in t.data_bought}
    assert bought == {t.id for t in TOWNS if t.shop_entries_bought}
    with_profiles = {f.town for f in synthetic.files if f.kind == "shop-profiles"}
    assert with_profiles == bought


def test_visitor_profiles_add_up_to_the_hour_per_margin(synthetic: SyntheticSet) -> None:
    town = next(t for t in TOWNS if t.id == "diksmuide")
    (entries_path,) = files_of(synthetic, town.id)["shop-entries"]
    (profile_path,) = files_of(synthetic, town.id)["shop-profiles"]
    open_hours: dict[tuple[str, str], int] = {}
    for r in read_csv(entries_path):
        opening = effects.shop_hours(town, stamp(r["timestamp"]).date())
        if opening is not None and opening[0] <= stamp(r["timestamp"]).hour < opening[1]:
            open_hours[(r["shop"], r["timestamp"])] = int(r["entries"])
    ages: dict[tuple[str, str], int] = defaultdict(int)
    genders: dict[tuple[str, str], int] = defaultdict(int)
    for r in read_csv(profile_path):
        key = (r["shop"], r["timestamp"])
        if r["age_band"]:
            assert not r["gender"]
            assert r["age_band"] in ("15-24", "25-34", "35-44", "45-54", "55-64", "65+")
            ages[key] += int(r["entries"])
        else:
            assert r["gender"] in ("f", "m")
            genders[key] += int(r["entries"])
    assert ages == open_hours
    assert genders == open_hours


def test_spending_per_sector_for_whole_iso_weeks_only(synthetic: SyntheticSet) -> None:
    for town in TOWNS:
        (path,) = files_of(synthetic, town.id)["spending"]
        rows = read_csv(path)
        assert list(rows[0]) == [
            "zone", "sector", "period", "transactions", "unique_buyers", "amount_eur",
        ]  # fmt: skip
        periods = sorted({r["period"] for r in rows})
        assert periods[0] == "2025-W35"
        assert periods[-1] == "2025-W43"
        assert len(periods) == 9
        assert {r["sector"] for r in rows} == set(effects.SECTORS)
        assert {r["zone"] for r in rows} == {town.zone_id}
        for r in rows:
            assert re.fullmatch(r"\d{4}-W\d{2}", r["period"])
            assert 0 < int(r["unique_buyers"]) <= int(r["transactions"])
            assert float(r["amount_eur"]) > 0


def test_weather_is_hourly_for_every_town(synthetic: SyntheticSet) -> None:
    for town in TOWNS:
        (path,) = files_of(synthetic, town.id)["weather"]
        rows = read_csv(path)
        starts = [stamp(r["timestamp"]) for r in rows]
        assert all(b - a == timedelta(hours=1) for a, b in itertools.pairwise(starts))
        assert {r["condition"] for r in rows} <= {"clear", "cloudy", "rain"}
        temps = [float(r["temperature_c"]) for r in rows]
        assert min(temps) > 0
        assert max(temps) < 35


# -- planted effects -----------------------------------------------------------------------


def test_markets_are_weekly_on_their_square(synthetic: SyntheticSet) -> None:
    markets = {}
    for town in TOWNS:
        (path,) = files_of(synthetic, town.id)["events"]
        for r in read_csv(path):
            if r["kind"] == "market":
                markets[town.id] = r
                assert r["rrule"] == f"FREQ=WEEKLY;BYDAY={town.market.byday}"  # type: ignore[union-attr]
                assert r["place"] == town.street_id(town.square)
                assert stamp(r["start"]).weekday() == town.market.weekday  # type: ignore[union-attr]
    assert set(markets) == {"harelbeke", "oostkamp", "veurne", "diksmuide"}


@pytest.mark.parametrize("town", [t for t in TOWNS if t.market], ids=lambda t: t.id)
def test_market_peak_on_the_square(synthetic: SyntheticSet, town: SyntheticTown) -> None:
    """The square's share of the centre rises on market mornings by the planted ratio."""
    assert town.market is not None
    counts = footfall(synthetic, town.id)
    square = town.street_id(town.square)
    market_hours = (town.market.start_hour, town.market.end_hour)

    def share(days: list[date]) -> float:
        on_square = sum(zone_total({square: counts[square]}, None, d, market_hours) for d in days)
        others = {k: v for k, v in counts.items() if k != square}
        elsewhere = sum(zone_total(others, None, d, market_hours) for d in days)
        return on_square / elsewhere

    span = (effects.LAST_DAY - effects.FIRST_DAY).days + 1
    days = [effects.FIRST_DAY + timedelta(n) for n in range(span)]
    weekdays = [d for d in days if d.weekday() < 5 and d not in event_days(town)]
    market_days = [d for d in weekdays if d.weekday() == town.market.weekday]
    other_days = [d for d in weekdays if d.weekday() != town.market.weekday]
    ratio = share(market_days) / share(other_days)
    planted = effects.MARKET_SQUARE_UPLIFT / effects.MARKET_STREET_UPLIFT
    assert ratio == pytest.approx(planted, rel=0.08)


@pytest.mark.parametrize(
    ("town", "event"),
    [(t, e) for t in TOWNS for e in t.events],
    ids=lambda x: getattr(x, "id", getattr(x, "slug", "")),
)
def test_event_uplift_in_the_centre(
    synthetic: SyntheticSet, town: SyntheticTown, event: object
) -> None:
    """The centre during an event against the same hours of the same weekday, one and two
    weeks away (in the same month at the seaside, whose season changes by the month), rain
    taken out with its documented effect."""
    e = next(x for x in town.events if x is event)
    counts = footfall(synthetic, town.id)
    rain_mm = rain(synthetic, town.id)
    hours = (e.start.hour, e.end.hour)
    day = e.start.date()
    others = [
        day + timedelta(weeks=k)
        for k in (-2, -1, 1, 2)
        if ((day + timedelta(weeks=k)).month == day.month or not town.coastal)
        and effects.FIRST_DAY <= day + timedelta(weeks=k) <= effects.LAST_DAY
        and day + timedelta(weeks=k) not in event_days(town)
    ]
    assert others
    baseline = statistics.mean(zone_total(counts, rain_mm, d, hours) for d in others)
    ratio = zone_total(counts, rain_mm, day, hours) / baseline
    assert ratio == pytest.approx(e.uplift, rel=0.1)


def test_events_are_listed_for_the_centre(synthetic: SyntheticSet) -> None:
    for town in TOWNS:
        (path,) = files_of(synthetic, town.id)["events"]
        events = [r for r in read_csv(path) if r["kind"] == "event"]
        assert len(events) == len(town.events) >= 2
        for r in events:
            assert r["place"] == town.zone_id
            assert stamp(r["start"]) < stamp(r["end"])
            assert stamp(r["start"]).utcoffset() is not None


def test_washout_saturday_takes_the_planted_share_off(synthetic: SyntheticSet) -> None:
    ratios = []
    for town in TOWNS:
        counts = footfall(synthetic, town.id)
        rain_mm = rain(synthetic, town.id)
        washout = effects.WASHOUT_DAY
        assert all(
            rain_mm[t] == effects.WASHOUT_MM
            for t in rain_mm
            if t.date() == washout and effects.WASHOUT_HOURS[0] <= t.hour < effects.WASHOUT_HOURS[1]
        )
        saturdays = [
            washout + timedelta(weeks=k)
            for k in (-2, -1, 1)
            if washout + timedelta(weeks=k) not in event_days(town)
        ]
        baseline = statistics.mean(
            zone_total(counts, rain_mm, d, effects.WASHOUT_HOURS) for d in saturdays
        )
        ratios.append(zone_total(counts, None, washout, effects.WASHOUT_HOURS) / baseline)
    assert statistics.mean(ratios) == pytest.approx(1 - effects.RAIN_LOSS, rel=0.08)


@pytest.mark.parametrize("town", TOWNS, ids=lambda t: t.id)
def test_shops_convert_the_planted_share_of_their_street(
    synthetic: SyntheticSet, town: SyntheticTown
) -> None:
    counts = footfall(synthetic, town.id)
    (path,) = files_of(synthetic, town.id)["shop-entries"]
    entries: dict[str, int] = defaultdict(int)
    passers: dict[str, int] = defaultdict(int)
    for r in read_csv(path):
        when = stamp(r["timestamp"])
        index = int(r["shop"].rsplit("-", 1)[1]) - 1
        street = town.street_id(town.streets[index % len(town.streets)])
        opening = effects.shop_hours(town, when.date())
        if opening is None or not opening[0] <= when.hour < opening[1]:
            assert int(r["entries"]) == 0  # a closed shop has no visitors
            continue
        entries[r["shop"]] += int(r["entries"])
        passers[r["shop"]] += counts[street][when]
    for shop, n in entries.items():
        index = int(shop.rsplit("-", 1)[1]) - 1
        assert n / passers[shop] == pytest.approx(effects.CONVERSION[index], rel=0.06)


def test_sensor_outage_is_uptime_zero_not_zero_traffic(synthetic: SyntheticSet) -> None:
    town = next(t for t in TOWNS if t.id == effects.OUTAGE_TOWN)
    path = next(
        f.path
        for f in synthetic.files
        if f.town == town.id and f.location == town.road_id(town.roads[0])
    )
    report = read_json(path)["report"]
    assert isinstance(report, list)
    down = [r for r in report if r["uptime"] == 0]
    start, end = effects.OUTAGE
    assert len(down) == int((end - start).total_seconds() // 3600)
    assert all(r["car"] == 0 and r["v85"] is None for r in down)
    assert all(r["uptime"] > 0.98 for r in report if r not in down)


def test_telraam_directions_add_up_and_follow_the_commute(synthetic: SyntheticSet) -> None:
    for f in synthetic.files:
        if f.kind != "traffic":
            continue
        report = read_json(f.path)["report"]
        assert isinstance(report, list)
        morning_lft = morning = 0
        for r in report:
            for mode in ("car", "heavy", "bike", "pedestrian"):
                assert r[f"{mode}_lft"] + r[f"{mode}_rgt"] == r[mode]
            hour = stamp(r["date"].replace("Z", "+00:00")).astimezone(BRUSSELS).hour
            if 7 <= hour < 9 and r["uptime"]:
                morning_lft += r["car_lft"]
                morning += r["car"]
        assert morning_lft / morning > 0.55  # towards the centre in the morning


def test_split_keeps_the_total() -> None:
    assert split(10, [1, 1, 1]) == [4, 3, 3]
    assert sum(split(97, [0.13, 0.18, 0.19, 0.18, 0.16, 0.16])) == 97
    assert split(0, [0.5, 0.5]) == [0, 0]
