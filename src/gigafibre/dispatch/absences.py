"""A technician is away: their jobs in that period go back to the board, customers are told.

Only jobs still to be driven to move; one already under way is left for the dispatcher to
handle by hand (the technician is on site). Each affected customer gets one SMS in their
language, through the outbox, in the same transaction as the absence.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.core.errors import ValidationFailedError
from gigafibre.core.events import emit
from gigafibre.core.i18n import N_
from gigafibre.dispatch import notifications, routing, service
from gigafibre.dispatch.models import DispatchJob, JobStatus, Technician, TechnicianAbsence
from gigafibre.dispatch.travel import TravelProvider
from gigafibre.live.topics import technician_topic
from gigafibre.settings import Settings

BAD_PERIOD = N_("The absence must end after it starts.")
TOO_LONG = N_("An absence is at most 366 days; record a longer one in several parts.")
MAX_ABSENCE = dt.timedelta(days=366)


@dataclass(frozen=True, slots=True)
class AbsenceResult:
    absence: TechnicianAbsence
    unassigned: list[str]
    customers_notified: int


async def affected_jobs(
    session: AsyncSession, tech: Technician, start: dt.datetime, end: dt.datetime
) -> list[DispatchJob]:
    """The technician's assigned jobs whose window (or, without one, whose day) meets the period."""
    first_day = start.astimezone(routing.LOCAL_TZ).date()
    last_day = (end - dt.timedelta(microseconds=1)).astimezone(routing.LOCAL_TZ).date()
    windowed = and_(
        DispatchJob.window_start.is_not(None),
        DispatchJob.window_start < end,
        DispatchJob.window_end > start,
    )
    whole_day = and_(
        DispatchJob.window_start.is_(None),
        DispatchJob.scheduled_date >= first_day,
        DispatchJob.scheduled_date <= last_day,
    )
    return list(
        (
            await session.scalars(
                select(DispatchJob)
                .where(
                    DispatchJob.technician_id == tech.id,
                    DispatchJob.status == JobStatus.assigned,
                    or_(windowed, whole_day),
                )
                .order_by(DispatchJob.window_start, DispatchJob.id)
            )
        ).all()
    )


async def mark_absent(
    session: AsyncSession,
    *,
    tech: Technician,
    start: dt.datetime,
    end: dt.datetime,
    reason: str,
    actor: str,
    settings: Settings,
    travel: TravelProvider,
) -> AbsenceResult:
    if end <= start:
        raise ValidationFailedError(BAD_PERIOD, fields={"end": BAD_PERIOD})
    if end - start > MAX_ABSENCE:
        raise ValidationFailedError(TOO_LONG, fields={"end": TOO_LONG})
    absence = TechnicianAbsence(
        technician_id=tech.id, start=start, end=end, reason=reason[:200], created_by=actor
    )
    session.add(absence)
    jobs = await affected_jobs(session, tech, start, end)
    days = {job.scheduled_date for job in jobs if job.scheduled_date is not None}
    for job in jobs:
        job.technician_id = None
        job.route_position = None
        job.planned_arrival = None
        job.status = JobStatus.open
        job.sequence += 1
    await session.flush()
    notified = 0
    for job in jobs:
        notified += await notifications.notify_technician_absent(
            session, job=job, settings=settings
        )
    for day in sorted(days):
        await service.refresh_etas(session, tech, day, travel)
    await emit(
        session,
        "technician.absent",
        {
            "technician": tech.name,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "unassigned": [job.name for job in jobs],
            "actor": actor,
        },
        topics=[service.DISPATCH_TOPIC, technician_topic(tech.name)],
    )
    return AbsenceResult(absence, [job.name for job in jobs], notified)


async def absent_technicians(session: AsyncSession, day: dt.date) -> dict[int, TechnicianAbsence]:
    """Technician id -> an absence overlapping `day`."""
    start, end = routing.day_bounds(day)
    rows = await session.scalars(
        select(TechnicianAbsence).where(
            TechnicianAbsence.start < end, TechnicianAbsence.end > start
        )
    )
    return {absence.technician_id: absence for absence in rows}
