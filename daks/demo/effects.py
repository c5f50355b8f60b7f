"""The patterns of the synthetic data and the effects planted in it.

Every expected value is a product of named factors, so that an analysis can be checked
against a known answer: the weekly market multiplies the footfall on its square by
`MARKET_SQUARE_UPLIFT` while it stands, an event multiplies every street of the centre by
its own uplift, rain of `RAIN_FULL_MM` or more in an hour takes `RAIN_LOSS` off, and a shop
converts a fixed share of its street's passers-by into entries. docs/demo-data.md lists the
same numbers; the tests recover them from the generated files.
"""

from __future__ import annotations

import math
from datetime import date, datetime

from daks.demo.towns import Event, Street, SyntheticTown

# The period: nine full ISO weeks and a bit, ending on a fixed date (2025-W35 .. 2025-W44),
# with the end of summer time (2025-10-26) inside it.
FIRST_DAY = date(2025, 8, 25)
LAST_DAY = date(2025, 10, 31)
TIMEZONE = "Europe/Brussels"
SEED = 20251031

# Share of the weekday peak per local hour (a shopping street).
WEEKDAY_PROFILE = (
    0.02, 0.01, 0.01, 0.01, 0.01, 0.02, 0.05, 0.12, 0.30, 0.55, 0.80, 0.95,
    1.00, 0.95, 0.90, 0.95, 0.95, 0.85, 0.60, 0.40, 0.25, 0.15, 0.08, 0.04,
)  # fmt: skip
SUNDAY_PROFILE = (
    0.03, 0.02, 0.01, 0.01, 0.01, 0.01, 0.02, 0.04, 0.10, 0.25, 0.50, 0.75,
    0.90, 1.00, 1.00, 0.95, 0.85, 0.65, 0.45, 0.30, 0.20, 0.12, 0.06, 0.04,
)  # fmt: skip
# Monday .. Sunday. Many shops in Flanders open late on Monday; Saturday is the big day.
WEEKDAY_FACTOR = (0.85, 1.0, 1.0, 1.0, 1.1, 1.45, 0.5)
COASTAL_SUNDAY_FACTOR = 1.2
COASTAL_SEASON = {8: 1.6, 9: 1.3, 10: 0.9}  # by month

MARKET_SQUARE_UPLIFT = 2.5  # on the market square while the weekly market stands
MARKET_STREET_UPLIFT = 1.3  # on the other streets of the centre
MARKET_ROAD_UPLIFT = 1.1  # cars on the access roads
EVENT_ROAD_UPLIFT = 1.25
EVENT_SHOP_UPLIFT = 1.0  # shops gain through their street's footfall only

RAIN_LOSS = 0.35  # share of footfall lost in an hour with RAIN_FULL_MM of rain or more
RAIN_FULL_MM = 2.0
# A planted washout: every town gets WASHOUT_MM of rain each hour of this Saturday window.
WASHOUT_DAY = date(2025, 10, 18)
WASHOUT_HOURS = (9, 17)  # local, end excluded
WASHOUT_MM = 3.0

# Share of the street's passers-by who step into the shop, by the shop's number.
CONVERSION = (0.03, 0.05, 0.07, 0.09, 0.12, 0.04)
OPENING_HOURS = {  # weekday -> (open, close), local hours, close excluded; missing = closed
    0: (13, 18),
    1: (9, 18),
    2: (9, 18),
    3: (9, 18),
    4: (9, 18),
    5: (9, 18),
}
SUNDAY_OPENING = (10, 18)  # coastal towns only
EXIT_LAG = 0.6  # share of an hour's visitors who leave in the next hour

# Spending per ISO week and zone, by sector: transactions per passer-by and average ticket.
SECTORS = {
    "food": (0.020, 27.0),
    "fashion": (0.008, 64.0),
    "horeca": (0.016, 23.0),
    "personal_care": (0.005, 34.0),
    "leisure": (0.004, 46.0),
}
BUYERS_PER_TRANSACTION = 0.72
EVENT_WEEK_HORECA_UPLIFT = 1.10  # horeca and leisure in a week with an event, on top

# Traffic on the access roads: share of the weekday peak per hour, weekdays and weekends.
ROAD_WEEKDAY_PROFILE = (
    0.05, 0.03, 0.02, 0.02, 0.04, 0.15, 0.50, 0.95, 1.00, 0.70, 0.60, 0.62,
    0.65, 0.62, 0.62, 0.70, 0.85, 1.00, 0.80, 0.55, 0.40, 0.30, 0.18, 0.10,
)  # fmt: skip
ROAD_WEEKEND_PROFILE = (
    0.08, 0.05, 0.03, 0.02, 0.02, 0.04, 0.08, 0.15, 0.30, 0.45, 0.55, 0.60,
    0.60, 0.58, 0.55, 0.55, 0.55, 0.50, 0.45, 0.35, 0.28, 0.22, 0.15, 0.10,
)  # fmt: skip
HEAVY_SHARE_WEEKDAY = 0.07
HEAVY_SHARE_WEEKEND = 0.02
BIKES_PER_CAR = 0.12
PEDESTRIANS_PER_CAR = 0.04
# Telraam's lft is the main direction: towards the centre in the morning, out in the evening.
INBOUND_MORNING = (6, 11, 0.62)
OUTBOUND_EVENING = (15, 20, 0.38)
FREE_FLOW_V85 = 58.0
# A planted sensor outage: uptime 0 on the first road of this town for this local window.
OUTAGE_TOWN = "menen"
OUTAGE = (datetime(2025, 9, 23, 10), datetime(2025, 9, 23, 16))


def season(town: SyntheticTown, day: date) -> float:
    """The seaside is full in August, busy in September and quiet in October (a step per
    month, so that an analysis can compare within a month); inland towns do not change."""
    if town.coastal:
        return COASTAL_SEASON.get(day.month, 1.0)
    return 1.0


def market_open(town: SyntheticTown, local: datetime) -> bool:
    market = town.market
    return (
        market is not None
        and local.weekday() == market.weekday
        and market.start_hour <= local.hour < market.end_hour
    )


def running_event(town: SyntheticTown, local: datetime) -> Event | None:
    naive = local.replace(tzinfo=None)
    for event in town.events:
        if event.start <= naive < event.end:
            return event
    return None


def rain_factor(rain_mm: float) -> float:
    return 1.0 - RAIN_LOSS * min(1.0, max(0.0, rain_mm) / RAIN_FULL_MM)


def footfall(town: SyntheticTown, street: Street, local: datetime, rain_mm: float) -> float:
    """The expected passers-by of a centre street in one local hour."""
    weekday = local.weekday()
    profile = SUNDAY_PROFILE if weekday == 6 else WEEKDAY_PROFILE
    day_factor = WEEKDAY_FACTOR[weekday]
    if weekday == 6 and town.coastal:
        day_factor = COASTAL_SUNDAY_FACTOR
    mu = street.peak * profile[local.hour] * day_factor * season(town, local.date())
    if market_open(town, local):
        square = street.slug == town.square.slug
        mu *= MARKET_SQUARE_UPLIFT if square else MARKET_STREET_UPLIFT
    event = running_event(town, local)
    if event is not None:
        mu *= event.uplift
    return mu * rain_factor(rain_mm)


def shop_hours(town: SyntheticTown, day: date) -> tuple[int, int] | None:
    if day.weekday() == 6:
        return SUNDAY_OPENING if town.sunday_shopping else None
    return OPENING_HOURS.get(day.weekday())


def cars(town: SyntheticTown, peak: float, local: datetime) -> float:
    """Expected cars (both directions) on an access road in one local hour."""
    weekend = local.weekday() >= 5
    profile = ROAD_WEEKEND_PROFILE if weekend else ROAD_WEEKDAY_PROFILE
    mu = peak * profile[local.hour] * math.sqrt(season(town, local.date()))
    if market_open(town, local):
        mu *= MARKET_ROAD_UPLIFT
    if running_event(town, local) is not None:
        mu *= EVENT_ROAD_UPLIFT
    return mu


def inbound_share(hour: int) -> float:
    """Share of the traffic in Telraam's lft (towards the centre)."""
    if INBOUND_MORNING[0] <= hour < INBOUND_MORNING[1]:
        return INBOUND_MORNING[2]
    if OUTBOUND_EVENING[0] <= hour < OUTBOUND_EVENING[1]:
        return OUTBOUND_EVENING[2]
    return 0.5


def v85(cars_per_hour: float, peak: float) -> float:
    """Speeds drop as the road fills up."""
    load = min(1.0, cars_per_hour / peak)
    return FREE_FLOW_V85 - 14.0 * load * load


def noisy(rng_gauss: float, mu: float) -> int:
    """A count around `mu` with Poisson-like spread, from one standard normal draw."""
    return max(0, round(mu + rng_gauss * math.sqrt(mu)))
