"""The demo's GPS: technicians drive their day (today's jobs in route order) at road speed.

`position_at` is the pure part: leave home at the start of the shift, drive straight to each job
at the travel provider's speed, wait for its window to open, work, drive on, and go home. Devices
report only during the shift, like a phone app that tracks working hours.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.customers.models import ServiceLocation
from gigafibre.dispatch.models import DispatchJob, JobStatus, Technician
from gigafibre.dispatch.routing import LOCAL_TZ, home_point, shift_bounds
from gigafibre.dispatch.travel import HaversineTravel, Point
from gigafibre.gps.schemas import PositionReading


@dataclass(frozen=True, slots=True)
class SimulatedStop:
    point: Point
    duration_minutes: int
    window_start: dt.datetime | None = None


def _between(a: Point, b: Point, fraction: float) -> Point:
    return (a[0] + (b[0] - a[0]) * fraction, a[1] + (b[1] - a[1]) * fraction)


def position_at(
    home: Point,
    stops: Sequence[SimulatedStop],
    shift_start: dt.datetime,
    now: dt.datetime,
    travel: HaversineTravel,
) -> tuple[Point, float]:
    """Where the technician is at `now`, and the speed (km/h) there."""
    clock, here = shift_start, home
    if now <= clock:
        return home, 0.0
    legs: list[tuple[Point, SimulatedStop | None]] = [(stop.point, stop) for stop in stops]
    for target, stop in [*legs, (home, None)]:
        seconds, meters = travel.leg(here, target)
        arrival = clock + dt.timedelta(seconds=seconds)
        if now < arrival:
            fraction = (now - clock).total_seconds() / seconds
            return _between(here, target, fraction), round(meters / seconds * 3.6, 1)
        clock, here = arrival, target
        if stop is not None:
            if stop.window_start is not None and clock < stop.window_start:
                clock = stop.window_start
            clock += dt.timedelta(minutes=stop.duration_minutes)
            if now < clock:
                return here, 0.0
    return home, 0.0


async def _todays_stops(
    session: AsyncSession, technician_ids: Sequence[int], day: dt.date
) -> dict[int, list[SimulatedStop]]:
    rows = await session.execute(
        select(DispatchJob, ServiceLocation.latitude, ServiceLocation.longitude)
        .join(ServiceLocation, ServiceLocation.id == DispatchJob.service_location_id)
        .where(
            DispatchJob.technician_id.in_(technician_ids),
            DispatchJob.scheduled_date == day,
            DispatchJob.status != JobStatus.cancelled,
            ServiceLocation.latitude.is_not(None),
            ServiceLocation.longitude.is_not(None),
        )
        .order_by(
            DispatchJob.technician_id,
            DispatchJob.route_position.is_(None),
            DispatchJob.route_position,
            DispatchJob.planned_arrival,
            DispatchJob.window_start,
            DispatchJob.id,
        )
    )
    stops: dict[int, list[SimulatedStop]] = {}
    for job, latitude, longitude in rows:
        if job.technician_id is None or latitude is None or longitude is None:
            continue
        stops.setdefault(job.technician_id, []).append(
            SimulatedStop((latitude, longitude), job.duration_minutes, job.window_start)
        )
    return stops


class SimulatedGps:
    """The demo provider: one position per technician on shift, moved along the day."""

    def __init__(self, travel: HaversineTravel | None = None) -> None:
        self.travel = travel or HaversineTravel()

    async def read(self, session: AsyncSession, now: dt.datetime) -> list[PositionReading]:
        day = now.astimezone(LOCAL_TZ).date()
        technicians = (
            await session.scalars(select(Technician).where(Technician.active.is_(True)))
        ).all()
        working = []
        for tech in technicians:
            home, shift = home_point(tech), shift_bounds(tech, day)
            if home is not None and shift is not None and shift[0] <= now <= shift[1]:
                working.append((tech, home, shift[0]))
        if not working:
            return []
        stops = await _todays_stops(session, [tech.id for tech, _, _ in working], day)
        readings = []
        for tech, home, start in working:
            (latitude, longitude), speed = position_at(
                home, stops.get(tech.id, []), start, now, self.travel
            )
            readings.append(
                PositionReading(
                    technician=tech.name,
                    latitude=round(latitude, 6),
                    longitude=round(longitude, 6),
                    speed_kmh=speed,
                    recorded_at=now.replace(microsecond=0),
                )
            )
        return readings
