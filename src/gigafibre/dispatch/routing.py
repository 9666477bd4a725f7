"""A technician's day as a timeline: shifts in Québec time, travel legs, arrivals and windows.

One small simulator serves the ETAs written after a drag and drop, and the insertion test of the
scoring: leave home at the start of the shift, drive, wait for the arrival window to open, work,
drive on, and come home before the end of the shift. The day optimiser (`optimiser.plan_day`)
solves the same problem globally; this module only evaluates a given order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from gigafibre.dispatch.models import Technician
from gigafibre.dispatch.travel import Point, TravelProvider

LOCAL_TZ = ZoneInfo("America/Toronto")  # Québec keeps Eastern time
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def local_datetime(day: dt.date, clock: str) -> dt.datetime:
    """`"08:30"` on `day` in Québec, as an aware UTC datetime."""
    hour, minute = (int(part) for part in clock.split(":", 1))
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL_TZ).astimezone(
        dt.UTC
    )


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Midnight to midnight of a Québec day, in UTC."""
    start = dt.datetime(day.year, day.month, day.day, tzinfo=LOCAL_TZ)
    end = start + dt.timedelta(days=1)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def local_clock(moment: dt.datetime) -> str:
    return moment.astimezone(LOCAL_TZ).strftime("%H:%M")


def shift_bounds(tech: Technician, day: dt.date) -> tuple[dt.datetime, dt.datetime] | None:
    """The technician's shift on `day` (`shifts = {"mon": ["08:00", "16:30"], …}`), or None."""
    shift = (tech.shifts or {}).get(WEEKDAYS[day.weekday()])
    if not shift or len(shift) != 2:
        return None
    return local_datetime(day, shift[0]), local_datetime(day, shift[1])


def home_point(tech: Technician) -> Point | None:
    if tech.home_latitude is None or tech.home_longitude is None:
        return None
    return (tech.home_latitude, tech.home_longitude)


@dataclass(frozen=True, slots=True)
class Stop:
    """A job as the timeline sees it."""

    name: str
    point: Point | None
    duration_minutes: int
    window_start: dt.datetime | None
    window_end: dt.datetime | None


@dataclass(slots=True)
class Timeline:
    """Arrivals in the order driven; `late` jobs miss their window; `overtime` ends after shift."""

    arrivals: list[dt.datetime] = field(default_factory=list)
    late: list[str] = field(default_factory=list)
    travel_seconds: int = 0
    end: dt.datetime | None = None
    overtime: bool = False

    @property
    def feasible(self) -> bool:
        return not self.late and not self.overtime


def simulate(
    order: Sequence[int],
    stops: Sequence[Stop],
    seconds: Sequence[Sequence[int]],
    shift: tuple[dt.datetime, dt.datetime],
) -> Timeline:
    """Drive `stops` in `order`; `seconds[0]` is home, stop k is row k + 1."""
    clock, previous = shift[0], 0
    timeline = Timeline()
    for index in order:
        leg = seconds[previous][index + 1]
        timeline.travel_seconds += leg
        clock += dt.timedelta(seconds=leg)
        stop = stops[index]
        if stop.window_start is not None and clock < stop.window_start:
            clock = stop.window_start
        timeline.arrivals.append(clock)
        if stop.window_end is not None and clock > stop.window_end:
            timeline.late.append(stop.name)
        clock += dt.timedelta(minutes=stop.duration_minutes)
        previous = index + 1
    back = seconds[previous][0]
    timeline.travel_seconds += back
    timeline.end = clock + dt.timedelta(seconds=back)
    timeline.overtime = timeline.end > shift[1]
    return timeline


async def travel_seconds(
    travel: TravelProvider, home: Point | None, stops: Sequence[Stop]
) -> list[list[int]]:
    """Travel matrix over home and the stops; a point we do not know costs no travel."""
    known = [point for point in (home, *(stop.point for stop in stops)) if point is not None]
    if not known:
        size = len(stops) + 1
        return [[0] * size for _ in range(size)]
    origin = home or known[0]
    points = [origin, *(stop.point or origin for stop in stops)]
    matrix = await travel.matrix(points)
    missing = {0 if home is None else -1} | {
        index + 1 for index, stop in enumerate(stops) if stop.point is None
    }
    return [
        [0 if i in missing or j in missing else matrix.seconds[i][j] for j in range(len(points))]
        for i in range(len(points))
    ]
