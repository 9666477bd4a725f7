"""The "Optimise the day" button: propose a plan with `optimiser.plan_day`, preview, apply.

A proposal is stored (`DispatchPlan`) so the preview survives a page refresh and any dispatcher
can apply or drop it. Absent technicians and those not working that day are left out; locked
jobs and jobs already under way stay with their technician. Applying writes technicians, route
order and ETAs, and sends the usual messages to whoever changed hands.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.core.errors import NotFoundError
from gigafibre.core.events import emit
from gigafibre.core.i18n import N_
from gigafibre.dispatch import notifications, routing, service
from gigafibre.dispatch.models import DispatchJob, DispatchPlan, JobPriority, JobStatus, Technician
from gigafibre.dispatch.optimiser import JobToPlan, TechnicianDay, plan_day
from gigafibre.dispatch.travel import TravelProvider
from gigafibre.settings import Settings

PLAN_NOT_FOUND = N_("This proposed plan no longer exists.")
PRIORITY_RANK = {
    JobPriority.low: 0,
    JobPriority.normal: 1,
    JobPriority.high: 2,
    JobPriority.urgent: 3,
}
NO_LOCATION = "the job has no known location"


async def plannable(
    session: AsyncSession, day: dt.date
) -> tuple[list[Technician], list[DispatchJob]]:
    """Technicians working `day` and not absent, and the day's jobs still to be driven to."""
    start, end = routing.day_bounds(day)
    techs = [
        tech
        for tech in await service.active_technicians(session)
        if routing.shift_bounds(tech, day) is not None
        and await service.absence_during(session, tech.id, start, end) is None
    ]
    jobs = list(
        (
            await session.scalars(
                select(DispatchJob)
                .where(
                    DispatchJob.scheduled_date == day,
                    DispatchJob.status.in_(service.MOVABLE | service.IN_PROGRESS),
                )
                .order_by(DispatchJob.id)
            )
        ).all()
    )
    return techs, jobs


async def propose(
    session: AsyncSession,
    *,
    day: dt.date,
    travel: TravelProvider,
    actor: str,
    seconds: float = 2.0,
) -> DispatchPlan:
    techs, jobs = await plannable(session, day)
    by_id = {tech.id: tech for tech in techs}
    points = await service.job_points(session, jobs)
    days: list[TechnicianDay] = []
    for tech in techs:
        shift = routing.shift_bounds(tech, day)
        home = routing.home_point(tech) or next(iter(points.values()), None)
        if shift is None or home is None:
            continue
        days.append(TechnicianDay(tech.name, frozenset(tech.skills or ()), home, home, *shift))
    to_plan: list[JobToPlan] = []
    unplaceable: dict[str, str] = {}
    for job in jobs:
        point = points.get(job.id)
        if point is None:
            unplaceable[job.name] = NO_LOCATION
            continue
        keep = job.locked or job.status in service.IN_PROGRESS
        owner = by_id.get(job.technician_id) if keep and job.technician_id else None
        to_plan.append(
            JobToPlan(
                name=job.name,
                location=point,
                duration_minutes=job.duration_minutes,
                window_start=job.window_start,
                window_end=job.window_end,
                required_skills=frozenset(job.required_skills or ()),
                priority=PRIORITY_RANK.get(job.priority, 1),
                locked_technician=owner.name if owner else None,
            )
        )
    result = await plan_day(days, to_plan, travel=travel, seconds=seconds)
    await session.execute(delete(DispatchPlan).where(DispatchPlan.day == day))
    plan = DispatchPlan(
        day=day,
        routes={
            tech: [
                {
                    "job": stop.job,
                    "arrival": stop.arrival.isoformat(),
                    "departure": stop.departure.isoformat(),
                }
                for stop in stops
            ]
            for tech, stops in result.routes.items()
        },
        unassigned={**unplaceable, **result.unassigned},
        distance_m=result.distance_m,
        travel_seconds=result.travel_seconds,
        created_by=actor,
    )
    session.add(plan)
    await session.flush()
    await emit(
        session,
        "dispatch.plan_proposed",
        {"plan": plan.id, "date": day.isoformat(), "actor": actor},
        topics=[service.DISPATCH_TOPIC],
    )
    return plan


async def get_plan(session: AsyncSession, plan_id: int) -> DispatchPlan:
    plan = await session.get(DispatchPlan, plan_id)
    if plan is None:
        raise NotFoundError(PLAN_NOT_FOUND)
    return plan


async def latest_plan(session: AsyncSession, day: dt.date) -> DispatchPlan | None:
    return await session.scalar(
        select(DispatchPlan).where(DispatchPlan.day == day).order_by(DispatchPlan.id.desc())
    )


async def apply(
    session: AsyncSession, *, plan: DispatchPlan, actor: str, settings: Settings
) -> list[str]:
    """Write the plan; jobs it could not place go back to the unassigned lane.

    Returns the names of the jobs that changed technician. Jobs finished or started since the
    proposal are left as they are.
    """
    techs = {tech.name: tech for tech in await service.active_technicians(session)}
    jobs = {
        job.name: job
        for job in (
            await session.scalars(select(DispatchJob).where(DispatchJob.scheduled_date == plan.day))
        ).all()
    }
    moved: list[str] = []
    for tech_name, stops in plan.routes.items():
        tech = techs.get(tech_name)
        if tech is None:
            continue
        for position, stop in enumerate(stops):
            job = jobs.get(stop["job"])
            if job is None or job.status in service.CLOSED:
                continue
            if job.technician_id != tech.id:
                if job.status in service.IN_PROGRESS:
                    continue
                job.technician_id = tech.id
                job.sequence += 1
                moved.append(job.name)
                if job.status is JobStatus.open:
                    job.status = JobStatus.assigned
            job.route_position = position
            job.planned_arrival = dt.datetime.fromisoformat(stop["arrival"])
    for name in plan.unassigned:
        job = jobs.get(name)
        if job is None or job.status is not JobStatus.assigned or job.locked:
            continue
        job.technician_id = None
        job.route_position = None
        job.planned_arrival = None
        job.status = JobStatus.open
        job.sequence += 1
    await session.flush()
    by_id = {tech.id: tech for tech in techs.values()}
    for name in moved:
        job = jobs[name]
        assigned = by_id.get(job.technician_id or 0)
        if assigned is not None:
            await notifications.notify_assignment(
                session, job=job, tech=assigned, settings=settings
            )
    await session.delete(plan)
    await emit(
        session,
        "dispatch.plan_applied",
        {"date": plan.day.isoformat(), "moved": moved, "actor": actor},
        topics=[service.DISPATCH_TOPIC],
    )
    return moved


async def discard(session: AsyncSession, *, plan: DispatchPlan, actor: str) -> None:
    day = plan.day
    await session.delete(plan)
    await emit(
        session,
        "dispatch.plan_discarded",
        {"date": day.isoformat(), "actor": actor},
        topics=[service.DISPATCH_TOPIC],
    )
