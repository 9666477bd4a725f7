"""Dispatch rules: jobs and templates, assigning and ordering a technician's day, their ETAs.

Every change a dispatcher makes is announced on the `dispatch` topic (and the technician's own
topic) so every open board refreshes; messages to technicians and customers leave through the
outbox in the same transaction (see `notifications`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.core.errors import ConflictError, NotFoundError, ValidationFailedError
from gigafibre.core.events import emit
from gigafibre.core.i18n import N_
from gigafibre.core.naming import assign_name
from gigafibre.customers.models import ServiceLocation
from gigafibre.dispatch import routing
from gigafibre.dispatch.models import (
    DispatchJob,
    JobPriority,
    JobStatus,
    JobTemplate,
    Technician,
    TechnicianAbsence,
)
from gigafibre.dispatch.travel import Point, TravelProvider
from gigafibre.live.topics import technician_topic

DISPATCH_TOPIC = "dispatch"
# A job still to be driven to: the dispatcher may move it. Jobs under way stay with their tech.
MOVABLE = frozenset({JobStatus.open, JobStatus.assigned})
IN_PROGRESS = frozenset({JobStatus.en_route, JobStatus.on_site})
CLOSED = frozenset({JobStatus.completed, JobStatus.cancelled})
JOB_NOT_FOUND = N_("Dispatch job {name} does not exist.")
TECH_NOT_FOUND = N_("Technician {name} does not exist.")
JOB_CLOSED = N_("Job {name} is closed and can no longer be assigned.")
JOB_UNDER_WAY = N_("Job {name} is under way; only its technician can finish it.")
JOB_NEEDS_DATE = N_("Job {name} has no date; pick a day on the board first.")
TECH_INACTIVE = N_("Technician {name} is not active.")
TECH_ABSENT = N_("{technician} is absent that day.")


async def jobs_for_customer(
    session: AsyncSession, *, customer_id: int, limit: int = 20
) -> Sequence[Row[DispatchJob, str]]:
    return (
        await session.execute(
            select(DispatchJob, Technician.full_name)
            .outerjoin(Technician, Technician.id == DispatchJob.technician_id)
            .where(DispatchJob.customer_id == customer_id)
            .order_by(DispatchJob.scheduled_date.desc().nulls_last(), DispatchJob.id.desc())
            .limit(limit)
        )
    ).all()


def checklist_from(template: JobTemplate | None) -> list[dict[str, Any]]:
    if template is None:
        return []
    return [
        {"fr": item.get("fr", ""), "en": item.get("en", ""), "done": False}
        for item in template.default_checklist
    ]


async def create_job(
    session: AsyncSession,
    *,
    job_type: str,
    subject: str = "",
    customer_id: int | None = None,
    service_location_id: int | None = None,
    priority: JobPriority = JobPriority.normal,
    duration_minutes: int | None = None,
    required_skills: Sequence[str] | None = None,
    notes: str = "",
    scheduled_date: dt.date | None = None,
    window_start: dt.datetime | None = None,
    window_end: dt.datetime | None = None,
    tags: Sequence[str] = (),
) -> DispatchJob:
    """An open job waiting for the dispatcher; the template of `job_type` fills the blanks.

    Flushes; the caller commits.
    """
    template = await session.scalar(select(JobTemplate).where(JobTemplate.code == job_type))
    if duration_minutes is None:
        duration_minutes = template.default_duration_minutes if template else 60
    if required_skills is None:
        required_skills = template.required_skills if template else ()
    job = DispatchJob(
        job_type=job_type,
        subject=subject[:200],
        customer_id=customer_id,
        service_location_id=service_location_id,
        priority=priority,
        duration_minutes=duration_minutes,
        required_skills=list(required_skills),
        notes=notes,
        template_id=template.id if template else None,
        checklist=checklist_from(template),
        tags=list(tags),
        scheduled_date=scheduled_date,
        window_start=window_start,
        window_end=window_end,
    )
    await assign_name(session, job)
    session.add(job)
    await session.flush()
    await emit(session, "job.created", {"job": job.name}, topics=[DISPATCH_TOPIC])
    return job


async def get_job(session: AsyncSession, name: str) -> DispatchJob:
    job = await session.scalar(select(DispatchJob).where(DispatchJob.name == name))
    if job is None:
        raise NotFoundError(JOB_NOT_FOUND, name=name)
    return job


async def get_technician(session: AsyncSession, name: str) -> Technician:
    tech = await session.scalar(select(Technician).where(Technician.name == name))
    if tech is None:
        raise NotFoundError(TECH_NOT_FOUND, name=name)
    return tech


async def active_technicians(session: AsyncSession) -> list[Technician]:
    return list(
        (
            await session.scalars(
                select(Technician).where(Technician.active.is_(True)).order_by(Technician.name)
            )
        ).all()
    )


async def technician_by_id(session: AsyncSession, tech_id: int | None) -> Technician | None:
    return None if tech_id is None else await session.get(Technician, tech_id)


async def absence_during(
    session: AsyncSession, technician_id: int, start: dt.datetime, end: dt.datetime
) -> TechnicianAbsence | None:
    """An absence of the technician overlapping [start, end), if any."""
    return await session.scalar(
        select(TechnicianAbsence)
        .where(
            TechnicianAbsence.technician_id == technician_id,
            TechnicianAbsence.start < end,
            TechnicianAbsence.end > start,
        )
        .limit(1)
    )


def job_span(job: DispatchJob) -> tuple[dt.datetime, dt.datetime]:
    """When the job happens: its window, else its whole Québec day."""
    if job.window_start is not None and job.window_end is not None:
        return job.window_start, job.window_end
    if job.scheduled_date is None:
        raise ValueError("a job without a date has no span")
    return routing.day_bounds(job.scheduled_date)


async def lane_jobs(
    session: AsyncSession, technician_id: int, day: dt.date, *, exclude: int | None = None
) -> list[DispatchJob]:
    """A technician's jobs of one day in driving order (route position, then window)."""
    query = (
        select(DispatchJob)
        .where(
            DispatchJob.technician_id == technician_id,
            DispatchJob.scheduled_date == day,
            DispatchJob.status != JobStatus.cancelled,
        )
        .order_by(
            DispatchJob.route_position.asc().nulls_last(),
            DispatchJob.window_start.asc().nulls_last(),
            DispatchJob.id,
        )
    )
    if exclude is not None:
        query = query.where(DispatchJob.id != exclude)
    return list((await session.scalars(query)).all())


async def unassigned_jobs(session: AsyncSession, day: dt.date) -> list[DispatchJob]:
    """Open jobs of the day, and open jobs with no day yet (the dispatcher picks one)."""
    return list(
        (
            await session.scalars(
                select(DispatchJob)
                .where(
                    DispatchJob.technician_id.is_(None),
                    DispatchJob.status == JobStatus.open,
                    or_(DispatchJob.scheduled_date == day, DispatchJob.scheduled_date.is_(None)),
                )
                .order_by(
                    DispatchJob.scheduled_date.asc().nulls_last(),
                    DispatchJob.window_start.asc().nulls_last(),
                    DispatchJob.id,
                )
            )
        ).all()
    )


async def job_points(session: AsyncSession, jobs: Sequence[DispatchJob]) -> dict[int, Point]:
    """Job id -> (lat, lon) of its service location, for the jobs whose location is known."""
    ids = {job.service_location_id for job in jobs if job.service_location_id is not None}
    if not ids:
        return {}
    rows = await session.execute(
        select(ServiceLocation.id, ServiceLocation.latitude, ServiceLocation.longitude).where(
            ServiceLocation.id.in_(ids)
        )
    )
    points = {row.id: (row.latitude, row.longitude) for row in rows if row.latitude is not None}
    return {
        job.id: points[job.service_location_id] for job in jobs if job.service_location_id in points
    }


def as_stop(job: DispatchJob, point: Point | None) -> routing.Stop:
    return routing.Stop(job.name, point, job.duration_minutes, job.window_start, job.window_end)


async def refresh_etas(
    session: AsyncSession, tech: Technician, day: dt.date, travel: TravelProvider
) -> None:
    """Number the technician's day 0..n-1 and write each job's planned arrival."""
    jobs = await lane_jobs(session, tech.id, day)
    for position, job in enumerate(jobs):
        job.route_position = position
    shift = routing.shift_bounds(tech, day)
    if not jobs:
        return
    if shift is None:
        for job in jobs:
            job.planned_arrival = job.window_start
        return
    points = await job_points(session, jobs)
    stops = [as_stop(job, points.get(job.id)) for job in jobs]
    seconds = await routing.travel_seconds(travel, routing.home_point(tech), stops)
    timeline = routing.simulate(range(len(stops)), stops, seconds, shift)
    for job, arrival in zip(jobs, timeline.arrivals, strict=True):
        job.planned_arrival = arrival


async def check_assignable(
    session: AsyncSession, job: DispatchJob, tech: Technician, day: dt.date
) -> None:
    if not tech.active:
        raise ConflictError(TECH_INACTIVE, name=tech.name)
    start, end = job_span(job) if job.scheduled_date == day else routing.day_bounds(day)
    if await absence_during(session, tech.id, start, end) is not None:
        raise ConflictError(TECH_ABSENT, technician=tech.full_name)


async def assign_job(
    session: AsyncSession,
    *,
    job: DispatchJob,
    tech: Technician | None,
    position: int,
    actor: str,
    travel: TravelProvider,
    day: dt.date | None = None,
) -> tuple[DispatchJob, bool]:
    """Put `job` at `position` in `tech`'s day (None: back to the unassigned lane).

    Returns the job and whether it has a new appointment, another technician or another day
    (then the caller notifies the people).
    """
    if job.status in CLOSED:
        raise ConflictError(JOB_CLOSED, name=job.name)
    previous = await technician_by_id(session, job.technician_id)
    original_day = job.scheduled_date
    target_day = day or original_day
    if target_day is None:
        raise ValidationFailedError(
            JOB_NEEDS_DATE, fields={"date": N_("Pick a day.")}, name=job.name
        )
    moving = (tech.id if tech else None) != job.technician_id or target_day != original_day
    if job.status in IN_PROGRESS and moving:
        raise ConflictError(JOB_UNDER_WAY, name=job.name)
    if target_day != job.scheduled_date and job.window_start is not None:
        shift = target_day - job.scheduled_date if job.scheduled_date else None
        if shift is not None and job.window_end is not None:
            job.window_start += shift
            job.window_end += shift
        else:
            job.window_start = job.window_end = None
    job.scheduled_date = target_day
    if tech is None:
        job.technician_id = None
        job.route_position = None
        job.planned_arrival = None
        if job.status is JobStatus.assigned:
            job.status = JobStatus.open
    else:
        if moving:
            await check_assignable(session, job, tech, target_day)
        lane = await lane_jobs(session, tech.id, target_day, exclude=job.id)
        lane.insert(max(0, min(position, len(lane))), job)
        for index, item in enumerate(lane):
            item.route_position = index
        job.technician_id = tech.id
        if job.status is JobStatus.open:
            job.status = JobStatus.assigned
    if moving:
        job.sequence += 1
    await session.flush()
    lanes = {(t.id, d): t for t, d in ((previous, original_day), (tech, target_day)) if t and d}
    for (_id, lane_day), lane_tech in lanes.items():
        await refresh_etas(session, lane_tech, lane_day, travel)
    await session.flush()
    topics = [DISPATCH_TOPIC, *(technician_topic(t.name) for t in (previous, tech) if t)]
    event = "job.reordered" if not moving else "job.assigned" if tech else "job.unassigned"
    await emit(
        session,
        event,
        {
            "job": job.name,
            "technician": tech.name if tech else None,
            "previous_technician": previous.name if previous else None,
            "position": job.route_position,
            "date": target_day.isoformat(),
            "actor": actor,
        },
        topics=list(dict.fromkeys(topics)),
    )
    return job, moving and tech is not None


async def set_locked(session: AsyncSession, *, name: str, locked: bool, actor: str) -> DispatchJob:
    """A locked job keeps its technician when the day is optimised."""
    job = await get_job(session, name)
    if job.locked != locked:
        job.locked = locked
        await session.flush()
        await emit(
            session,
            "job.updated",
            {"job": job.name, "locked": locked, "actor": actor},
            topics=[DISPATCH_TOPIC],
        )
    return job
