"""Analytics speed: the impact of one event and a year's typical week of one zone, each on a
year of hourly data (the synthetic town of tests/analytics/synthetic.py: three streets).

    .venv/bin/python bench/analytics.py            # 20 runs each, prints min/median/max ms
    .venv/bin/python bench/analytics.py --runs 50

The target (issue 7) is under 200 ms each. Every run builds a fresh calendar, so the
holiday and occurrence caches of a calendar are paid for in each figure.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from daks.domain.series import Basis, total  # noqa: E402
from daks.publishers.analytics.calendars import TownCalendar  # noqa: E402
from daks.publishers.analytics.impact import impact  # noqa: E402
from daks.publishers.analytics.profiles import typical_week  # noqa: E402
from daks.publishers.analytics.weather import join  # noqa: E402
from tests.analytics.synthetic import STREETS, TZ, PlantedEvent, build, local  # noqa: E402


def timed(runs: int, work: Callable[[], object]) -> list[float]:
    times = []
    for _ in range(runs):
        begin = time.perf_counter()
        work()
        times.append((time.perf_counter() - begin) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    fair = PlantedEvent("braderie", local(2025, 10, 11, 14), local(2025, 10, 11, 20), 0.5)
    town = build(events=[fair], rain_share=0.08)
    zone = total([town.series(name) for name in STREETS], Basis.EXACT)
    weather = join(zone.points, 3600, town.weather())
    year = (local(2025, 1, 1), local(2026, 1, 1))
    print(f"zone series: {len(zone)} hourly buckets, {len(town.events)} events and markets")

    figures = {
        "event impact": timed(
            runs,
            lambda: impact(
                zone, fair.start, fair.end, TownCalendar(TZ, town.events), event_uid="braderie"
            ),
        ),
        "event impact, rain-adjusted": timed(
            runs,
            lambda: impact(
                zone,
                fair.start,
                fair.end,
                TownCalendar(TZ, town.events),
                event_uid="braderie",
                weather=weather,
            ),
        ),
        "market impact (other days)": timed(
            runs,
            lambda: impact(
                zone,
                local(2025, 10, 8, 8),
                local(2025, 10, 8, 13),
                TownCalendar(TZ, town.events),
                event_uid="markt-wo",
            ),
        ),
        "typical week, a year": timed(
            runs, lambda: typical_week(zone, TownCalendar(TZ, town.events), *year)
        ),
    }
    for name, times in figures.items():
        print(
            f"{name:30} min {min(times):7.1f} ms  median {statistics.median(times):7.1f} ms  "
            f"max {max(times):7.1f} ms  (target < 200 ms)"
        )


if __name__ == "__main__":
    main()
