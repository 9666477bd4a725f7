"""Installation slots a new customer may pick, from real availability.

A slot is a window of one installation's length that a technician with the `fibre_install` skill
can reach: inside their shift for that weekday, outside absences, and far enough (by the travel
provider, contract #1) from the jobs already planned and the slots other visitors hold that
day. A picked slot is held 15 minutes while the customer pays; payment turns it into the
installation job's appointment window (`confirm_hold`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.core.db import utcnow
from gigafibre.core.errors import ConflictError
from gigafibre.core.i18n import N_
from gigafibre.customers.models import ServiceLocation
from gigafibre.dispatch import service as dispatch
from gigafibre.dispatch.models import (
    DispatchJob,
    JobStatus,
    JobTemplate,
    Technician,
    TechnicianAbsence,
)
from gigafibre.dispatch.travel import Point, TravelProvider
from gigafibre.signup.models import SignupOrder, SlotHold

LOCAL_TZ = ZoneInfo("America/Toronto")
INSTALL_JOB = "fibre_install"
INSTALL_SKILL = "fibre_install"
DEFAULT_DURATION = 150
STEP = dt.timedelta(hours=1)
HOLD_LIFETIME = dt.timedelta(minutes=15)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
BOOKED = N_("The installation of this order is already booked.")
TAKEN = N_("This time slot was just taken. Please pick another one.")


@dataclass(frozen=True)
class Slot:
    start: dt.datetime  # aware UTC
    end: dt.datetime
    technician: str


@dataclass
class _Busy:
    start: dt.datetime
    end: dt.datetime
    point: int | None  # index in the travel matrix, None when travel does not apply


async def install_duration(session: AsyncSession) -> int:
    template = await session.scalar(select(JobTemplate).where(JobTemplate.code == INSTALL_JOB))
    return template.default_duration_minutes if template else DEFAULT_DURATION


def _local(day: dt.date, hhmm: str) -> dt.datetime:
    hour, minute = (int(part) for part in hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(hour, minute), LOCAL_TZ).astimezone(dt.UTC)


def _shift(tech: Technician, day: dt.date) -> tuple[dt.datetime, dt.datetime] | None:
    hours = (tech.shifts or {}).get(WEEKDAYS[day.weekday()])
    if not hours or len(hours) != 2:
        return None
    return _local(day, hours[0]), _local(day, hours[1])


class _Points:
    """The distinct places around the new address; travel is needed only to and from it.

    A full matrix over every planned job would grow with the square of the jobs; the new
    address's row and column are all a slot needs, so the provider is asked for small
    matrices of [address, chunk of places] (a few dozen points each, fine for OSRM too).
    """

    CHUNK = 40

    def __init__(self) -> None:
        self.points: list[Point] = []
        self._index: dict[Point, int] = {}

    def add(self, lat: float | None, lon: float | None) -> int | None:
        if lat is None or lon is None:
            return None
        point = (round(lat, 5), round(lon, 5))
        if point not in self._index:
            self._index[point] = len(self.points)
            self.points.append(point)
        return self._index[point]

    async def legs(self, location: Point, travel: TravelProvider) -> tuple[list[int], list[int]]:
        """Seconds from each place to the address, and from the address to each place."""
        to_here: list[int] = []
        from_here: list[int] = []
        for start in range(0, len(self.points), self.CHUNK):
            chunk = self.points[start : start + self.CHUNK]
            seconds = (await travel.matrix([location, *chunk])).seconds
            to_here += [seconds[i][0] for i in range(1, len(chunk) + 1)]
            from_here += [seconds[0][i] for i in range(1, len(chunk) + 1)]
        return to_here, from_here


async def _busy_by_tech_day(
    session: AsyncSession,
    techs: Sequence[Technician],
    first: dt.datetime,
    last: dt.datetime,
    points: _Points,
    *,
    now: dt.datetime,
    exclude_order_id: int | None,
) -> tuple[dict[tuple[int, dt.date], list[_Busy]], dict[tuple[int, dt.date], int]]:
    """Timed commitments per (technician, local day), and minutes of untimed jobs."""
    ids = [t.id for t in techs]
    busy: dict[tuple[int, dt.date], list[_Busy]] = {}
    untimed: dict[tuple[int, dt.date], int] = {}
    jobs = (
        await session.execute(
            select(  # columns, not entities: a fortnight holds thousands of jobs
                DispatchJob.technician_id,
                DispatchJob.scheduled_date,
                DispatchJob.window_start,
                DispatchJob.window_end,
                DispatchJob.planned_arrival,
                DispatchJob.duration_minutes,
                ServiceLocation.latitude,
                ServiceLocation.longitude,
            )
            .outerjoin(ServiceLocation, ServiceLocation.id == DispatchJob.service_location_id)
            .where(
                DispatchJob.technician_id.in_(ids),
                DispatchJob.scheduled_date >= first.astimezone(LOCAL_TZ).date(),
                DispatchJob.scheduled_date <= last.astimezone(LOCAL_TZ).date(),
                DispatchJob.status.not_in((JobStatus.cancelled, JobStatus.completed)),
            )
        )
    ).all()
    for tech_id, day, window_start, window_end, arrival, minutes, lat, lon in jobs:
        if tech_id is None or day is None:  # excluded by the query; narrows the types
            continue
        key = (tech_id, day)
        begins = window_start or arrival
        if begins is None:
            untimed[key] = untimed.get(key, 0) + minutes
            continue
        ends = window_end or begins + dt.timedelta(minutes=minutes)
        busy.setdefault(key, []).append(_Busy(begins, ends, points.add(lat, lon)))
    holds = select(SlotHold, SignupOrder.latitude, SignupOrder.longitude).join(
        SignupOrder, SignupOrder.id == SlotHold.order_id
    )
    holds = holds.where(
        SlotHold.technician_id.in_(ids),
        SlotHold.start < last,
        SlotHold.end > first,
        SlotHold.confirmed_at.is_(None),
        SlotHold.expires_at > now,
    )
    if exclude_order_id is not None:
        holds = holds.where(SlotHold.order_id != exclude_order_id)
    for hold, lat, lon in (await session.execute(holds)).all():
        key = (hold.technician_id, hold.start.astimezone(LOCAL_TZ).date())
        busy.setdefault(key, []).append(_Busy(hold.start, hold.end, points.add(lat, lon)))
    absences = await session.scalars(
        select(TechnicianAbsence).where(
            TechnicianAbsence.technician_id.in_(ids),
            TechnicianAbsence.start < last,
            TechnicianAbsence.end > first,
        )
    )
    for absence in absences:
        day = absence.start.astimezone(LOCAL_TZ).date()
        while day <= absence.end.astimezone(LOCAL_TZ).date():
            busy.setdefault((absence.technician_id, day), []).append(
                _Busy(absence.start, absence.end, None)
            )
            day += dt.timedelta(days=1)
    return busy, untimed


def _fits(
    start: dt.datetime,
    end: dt.datetime,
    busy: Sequence[_Busy],
    legs: tuple[list[int], list[int]],
) -> bool:
    """No overlap with any commitment, and time to drive between them and the new address."""
    to_here, from_here = legs
    for item in busy:
        before = after = dt.timedelta()
        if item.point is not None:
            before = dt.timedelta(seconds=to_here[item.point])
            after = dt.timedelta(seconds=from_here[item.point])
        if not (item.end + before <= start or end + after <= item.start):
            return False
    return True


async def available_slots(
    session: AsyncSession,
    location: Point,
    *,
    days: int,
    travel: TravelProvider,
    now: dt.datetime | None = None,
    duration_minutes: int | None = None,
    exclude_order_id: int | None = None,
) -> list[Slot]:
    """Free installation windows from tomorrow on for `days` days, earliest first.

    One slot per start time (the first technician by name who can take it).
    """
    now = now or utcnow()
    duration = dt.timedelta(minutes=duration_minutes or await install_duration(session))
    techs = [
        tech
        for tech in (
            await session.scalars(
                select(Technician).where(Technician.active.is_(True)).order_by(Technician.name)
            )
        ).all()
        if INSTALL_SKILL in (tech.skills or [])
    ]
    if not techs or days <= 0:
        return []
    today = now.astimezone(LOCAL_TZ).date()
    dates = [today + dt.timedelta(days=offset) for offset in range(1, days + 1)]
    first = _local(dates[0], "00:00")
    last = _local(dates[-1], "23:59")
    points = _Points()
    homes = {tech.id: points.add(tech.home_latitude, tech.home_longitude) for tech in techs}
    busy, untimed = await _busy_by_tech_day(
        session, techs, first, last, points, now=now, exclude_order_id=exclude_order_id
    )
    legs = await points.legs(location, travel)
    found: dict[dt.datetime, Slot] = {}
    for day in dates:
        for tech in techs:
            shift = _shift(tech, day)
            if shift is None:
                continue
            commitments = busy.get((tech.id, day), [])
            booked = untimed.get((tech.id, day), 0) * 60 + sum(
                (b.end - b.start).total_seconds() for b in commitments
            )
            if booked + duration.total_seconds() > (shift[1] - shift[0]).total_seconds():
                continue
            home = homes[tech.id]
            earliest = shift[0] + dt.timedelta(seconds=legs[0][home] if home is not None else 0)
            start = shift[0]
            while start + duration <= shift[1]:
                free = start >= earliest and start > now and start not in found
                if free and _fits(start, start + duration, commitments, legs):
                    found[start] = Slot(start, start + duration, tech.name)
                start += STEP
    return [found[start] for start in sorted(found)]


def order_point(order: SignupOrder) -> Point:
    if order.latitude is None or order.longitude is None:
        raise ConflictError(N_("This address has no map position; call us to book a visit."))
    return order.latitude, order.longitude


async def hold_slot(
    session: AsyncSession,
    *,
    order: SignupOrder,
    start: dt.datetime,
    days: int,
    travel: TravelProvider,
    now: dt.datetime | None = None,
) -> SlotHold:
    """Keep the slot starting at `start` for this order for 15 minutes (replacing its hold)."""
    now = now or utcnow()
    slots = await available_slots(
        session, order_point(order), days=days, travel=travel, now=now, exclude_order_id=order.id
    )
    slot = next((s for s in slots if s.start == start.astimezone(dt.UTC)), None)
    if slot is None:
        raise ConflictError(TAKEN, fields={"start": TAKEN})
    tech = await session.scalar(
        select(Technician).where(Technician.name == slot.technician).with_for_update()
    )
    assert tech is not None
    clash = await session.scalar(
        select(SlotHold.id).where(
            SlotHold.technician_id == tech.id,
            SlotHold.order_id != order.id,
            SlotHold.start < slot.end,
            SlotHold.end > slot.start,
            or_(SlotHold.expires_at > now, SlotHold.confirmed_at.is_not(None)),
        )
    )
    if clash is not None:
        raise ConflictError(TAKEN, fields={"start": TAKEN})
    hold = await session.scalar(select(SlotHold).where(SlotHold.order_id == order.id))
    if hold is None:
        hold = SlotHold(order_id=order.id)
        session.add(hold)
    elif hold.confirmed_at is not None:
        raise ConflictError(BOOKED)
    hold.technician_id = tech.id
    hold.start, hold.end = slot.start, slot.end
    hold.expires_at = now + HOLD_LIFETIME
    await session.flush()
    return hold


async def hold_of(session: AsyncSession, order: SignupOrder) -> SlotHold | None:
    return await session.scalar(select(SlotHold).where(SlotHold.order_id == order.id))


async def confirm_hold(
    session: AsyncSession,
    *,
    order: SignupOrder,
    job: DispatchJob,
    travel: TravelProvider,
    now: dt.datetime | None = None,
) -> SlotHold | None:
    """On payment: the held slot becomes the job's appointment; None if it was lost meanwhile.

    A hold that expired while the customer paid still counts if nobody took the time since.
    Idempotent: a confirmed hold is returned as is.
    """
    now = now or utcnow()
    hold = await hold_of(session, order)
    if hold is None:
        return None
    if hold.confirmed_at is not None:
        return hold
    if hold.expires_at <= now:
        slots = await available_slots(
            session,
            order_point(order),
            days=max(1, (hold.start.astimezone(LOCAL_TZ).date() - now.date()).days + 1),
            travel=travel,
            now=now,
            exclude_order_id=order.id,
        )
        if not any(s.start == hold.start for s in slots):
            return None
    tech = await session.get(Technician, hold.technician_id)
    assert tech is not None
    day = hold.start.astimezone(LOCAL_TZ).date()
    job.window_start, job.window_end = hold.start, hold.end
    job.scheduled_date = day
    lane = await dispatch.lane_jobs(session, tech.id, day, exclude=job.id)
    position = sum(1 for other in lane if (other.window_start or hold.start) < hold.start)
    await dispatch.assign_job(
        session, job=job, tech=tech, position=position, actor="signup", travel=travel, day=day
    )
    hold.confirmed_at = now
    await session.flush()
    return hold
