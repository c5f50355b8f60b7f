"""What the release builder relates and publishes, beyond the worked examples: only
equations the exact figures obey, only public metrics, and a release whose months together
would pin a cell is repaired rather than refused."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from daks.anonymisation.policy import PolicyTable
from daks.domain.codes import Granularity, Level, PlaceKind, Status
from daks.ingest.formats import detect
from daks.ingest.model import ParseContext, Reading
from daks.publishers.release import ExactReading, Hierarchy, PlaceInfo, build_release

BRUSSELS = ZoneInfo("Europe/Brussels")
HIERARCHY = Hierarchy({"t": "Europe/Brussels"}, {"L": PlaceInfo("t", PlaceKind.LOCATION)}, {})


def _at(day: int, hour: int, month: int = 3) -> int:
    return int(datetime(2025, month, day, hour, tzinfo=BRUSSELS).timestamp())


def test_internal_metrics_are_not_published() -> None:
    readings = [
        ExactReading("L", "pedestrians", "both", "", _at(12, 10), 3600, 40),
        ExactReading("L", "car_speed_share", "both", "kmh=30-40", _at(12, 10), 3600, 25.0),
    ]
    built = build_release(readings, HIERARCHY, PolicyTable())
    assert {c.key.metric.value for c in built.cells} == {"pedestrians"}


def test_a_direction_split_that_holds_in_some_hours_only_is_no_equation_for_the_day() -> None:
    """Hour 10: both = forward + backward; hour 11: the vendor's total is not the sum. The day
    therefore obeys no direction equation, and building must not treat it as one (an
    attacker's contradiction used to crash the audit)."""
    readings = [
        ExactReading("L", "pedestrians", "both", "", _at(12, 10), 3600, 100),
        ExactReading("L", "pedestrians", "forward", "", _at(12, 10), 3600, 60),
        ExactReading("L", "pedestrians", "backward", "", _at(12, 10), 3600, 40),
        ExactReading("L", "pedestrians", "both", "", _at(12, 11), 3600, 500),
        ExactReading("L", "pedestrians", "forward", "", _at(12, 11), 3600, 60),
        ExactReading("L", "pedestrians", "backward", "", _at(12, 11), 3600, 40),
    ]
    built = build_release(readings, HIERARCHY, PolicyTable())
    days = {
        c.key.direction.value: c.value
        for c in built.cells
        if c.key.level is Level.LOCATION and c.key.granularity is Granularity.DAY
    }
    assert days == {"both": 600, "forward": 120, "backward": 80}


def test_the_moers_month_is_published_where_its_months_together_pinned_days(
    shared_data: Path,
) -> None:
    """The real hystreet month (May 2022) once failed the final audit: each month passed on
    its own, but May's days and the week that straddles into June pinned the last days'
    rounded counts. The builder now hides more cells instead of refusing the release."""
    path = shared_data / "moers_steinstrasse_hystreet_2022-05_hourly.csv"
    ctx = ParseContext(file=str(path), timezone=ZoneInfo("Europe/Berlin"))
    readings = [
        ExactReading(
            "L",
            r.metric.value,
            r.direction.value,
            r.breakdown,
            int(r.start.timestamp()),
            r.seconds,
            r.value,
        )
        for r in detect(path).parse(path, ctx)
        if isinstance(r, Reading)
    ]
    hierarchy = Hierarchy({"t": "Europe/Berlin"}, {"L": PlaceInfo("t", PlaceKind.LOCATION)}, {})
    built = build_release(readings, hierarchy, PolicyTable())  # raised DisclosureError before
    last_days = [
        c
        for c in built.cells
        if c.key.granularity is Granularity.DAY
        and c.key.level is Level.LOCATION
        and c.key.breakdown == ""
        and c.key.start.day in (30, 31)
    ]
    assert len(last_days) == 6  # both directions and their sum, on each of the two days
    assert any(
        c.status is Status.SUPPRESSED for c in built.cells if c.key.granularity is Granularity.DAY
    )
    published = [c.value for c in built.cells if c.value is not None]
    assert not [v for v in published if 0 < v < 10]


def test_judging_in_several_processes_gives_the_same_release() -> None:
    hierarchy = Hierarchy(
        {"t": "Europe/Brussels", "u": "Europe/Brussels"},
        {"L": PlaceInfo("t", PlaceKind.LOCATION), "M": PlaceInfo("u", PlaceKind.LOCATION)},
        {},
    )
    readings = [
        ExactReading(place, metric, "both", "", _at(day, hour), 3600, (day * 7 + hour * 13) % 90)
        for place in ("L", "M")
        for metric in ("pedestrians", "bicycles")
        for day in range(10, 17)
        for hour in range(24)
    ]
    alone = build_release(readings, hierarchy, PolicyTable())
    shared = build_release(readings, hierarchy, PolicyTable(), workers=2)
    assert shared == alone
    assert {c.key.town for c in alone.cells} == {"t", "u"}


def test_the_final_gate_seeded_from_the_blocks_equals_a_cold_audit() -> None:
    """The gate starts from each block's bounds and queues only the relations of cells two
    blocks share; its bounds must be those of an attacker starting from scratch."""
    import numpy as np

    from daks.anonymisation.audit import Attacker
    from daks.anonymisation.buckets import Calendar
    from daks.anonymisation.policy import PUBLIC_V1
    from daks.domain.codes import Metric
    from daks.publishers.release import _Series, _union

    readings = [
        ExactReading("L", "pedestrians", "both", "", _at(day, hour), 3600, (day * 7 + hour) % 23)
        for day in range(24, 32)
        for hour in range(24)
    ] + [
        ExactReading("L", "pedestrians", "both", "", _at(day, hour, 4), 3600, (day + hour) % 17)
        for day in range(1, 6)
        for hour in range(24)
    ]
    series = _Series("t", Metric.PEDESTRIANS, PUBLIC_V1, Calendar("Europe/Brussels"), HIERARCHY)
    series.aggregate(readings)
    captured: list[tuple[object, object]] = []

    def spy(*args: object, **kwargs: object) -> None:
        judged = args[2]
        gate, _, seed = _union(judged)  # type: ignore[arg-type]
        # The week of 24 March, the week of 31 March (which closes March), and the week
        # of 30 April, which closes April: its total and, as context, its first days.
        assert len(judged) == 3  # type: ignore[arg-type]
        captured.append((Attacker(gate, seed=seed), Attacker(gate)))

    series._final_audit = spy  # type: ignore[method-assign]
    series.judge("", {}, 40)
    ((seeded, cold),) = captured
    assert isinstance(seeded, Attacker)
    assert isinstance(cold, Attacker)
    np.testing.assert_array_equal(seeded.lows, cold.lows)
    np.testing.assert_array_equal(seeded.highs, cold.highs)
    assert seeded.audit() == cold.audit() == []
