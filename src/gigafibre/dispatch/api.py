"""JSON API of the dispatch board: assign and order, candidates, the day plan, absences, iCal."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.responses import Response

from gigafibre.core.web import SessionDep
from gigafibre.dispatch import (
    absences,
    calendar,
    notifications,
    planning,
    schemas,
    scoring,
    service,
)
from gigafibre.dispatch.deps import TravelDep
from gigafibre.dispatch.models import DispatchJob, DispatchPlan
from gigafibre.dispatch.routing import LOCAL_TZ
from gigafibre.field import service as field_service
from gigafibre.settings import Settings
from gigafibre.staff.auth import require_staff
from gigafibre.staff.models import Role
from gigafibre.staff.service import StaffIdentity

router = APIRouter(prefix="/dispatch", tags=["dispatch"])
Dispatcher = Annotated[StaffIdentity, Depends(require_staff(Role.dispatch))]


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def _lane(session: SessionDep, job: DispatchJob) -> list[schemas.LaneStop]:
    if job.technician_id is None or job.scheduled_date is None:
        return []
    return [
        schemas.LaneStop(job=item.name, position=index, planned_arrival=item.planned_arrival)
        for index, item in enumerate(
            await service.lane_jobs(session, job.technician_id, job.scheduled_date)
        )
    ]


@router.post("/assign", response_model=schemas.AssignResult)
async def assign(
    request: Request,
    session: SessionDep,
    staff: Dispatcher,
    travel: TravelDep,
    data: schemas.AssignRequest,
) -> schemas.AssignResult:
    """Assign a job to a technician at a position in their day, reorder it, or unassign it.

    On a new assignment the technician gets an SMS with their `/j/<token>` link and the customer
    the appointment by SMS and email, through the outbox, once.
    """
    job = await service.get_job(session, data.job)
    tech = await service.get_technician(session, data.technician) if data.technician else None
    job, handed_over = await service.assign_job(
        session,
        job=job,
        tech=tech,
        position=data.position,
        actor=staff.username,
        travel=travel,
        day=data.date,
    )
    if handed_over and tech is not None:
        await notifications.notify_assignment(
            session, job=job, tech=tech, settings=_settings(request)
        )
    return schemas.AssignResult(
        job=job.name,
        technician=tech.name if tech else None,
        status=job.status,
        position=job.route_position,
        date=job.scheduled_date,
        planned_arrival=job.planned_arrival,
        notified=handed_over,
        lane=await _lane(session, job),
    )


@router.get("/jobs/{job}/candidates", response_model=schemas.Candidates)
async def candidates(
    session: SessionDep, _staff: Dispatcher, travel: TravelDep, job: str
) -> schemas.Candidates:
    """Technicians ranked for the job: skills, fit in the window, added travel, workload."""
    found = await service.get_job(session, job)
    ranked = await scoring.rank_technicians(session, found, travel)
    return schemas.Candidates(
        job=found.name,
        date=found.scheduled_date,
        candidates=[
            schemas.CandidateOut(
                technician=c.technician,
                full_name=c.full_name,
                score=c.score,
                eligible=c.eligible,
                position=c.position,
                arrival=c.arrival,
                added_travel_minutes=c.added_travel_minutes,
                jobs=c.jobs,
                reasons=[
                    schemas.ReasonOut(code=r.code, fr=r.fr, en=r.en, positive=r.positive)
                    for r in c.reasons
                ],
            )
            for c in ranked
        ],
    )


@router.post("/jobs/{job}/status", response_model=schemas.JobStatusOut)
async def change_status(
    session: SessionDep, staff: Dispatcher, job: str, data: schemas.StatusRequest
) -> schemas.JobStatusOut:
    found = await service.get_job(session, job)
    await field_service.change_job_status(session, found, data.status, actor=staff.username)
    return schemas.JobStatusOut(job=found.name, status=found.status)


def _plan_out(plan: DispatchPlan) -> schemas.PlanOut:
    return schemas.PlanOut(
        id=plan.id,
        date=plan.day,
        routes={
            tech: [schemas.PlannedStopOut.model_validate(stop) for stop in stops]
            for tech, stops in plan.routes.items()
        },
        unassigned=plan.unassigned,
        distance_m=plan.distance_m,
        travel_seconds=plan.travel_seconds,
    )


@router.post("/plans", response_model=schemas.PlanOut, status_code=status.HTTP_201_CREATED)
async def propose_plan(
    session: SessionDep, staff: Dispatcher, travel: TravelDep, data: schemas.PlanRequest
) -> schemas.PlanOut:
    """Optimise the day: a proposal to preview; nothing changes until it is applied."""
    plan = await planning.propose(
        session, day=data.date, travel=travel, actor=staff.username, seconds=data.seconds
    )
    return _plan_out(plan)


@router.get("/plans/{plan_id}", response_model=schemas.PlanOut)
async def get_plan(session: SessionDep, _staff: Dispatcher, plan_id: int) -> schemas.PlanOut:
    return _plan_out(await planning.get_plan(session, plan_id))


@router.post("/plans/{plan_id}/apply", response_model=schemas.PlanApplied)
async def apply_plan(
    request: Request, session: SessionDep, staff: Dispatcher, plan_id: int
) -> schemas.PlanApplied:
    plan = await planning.get_plan(session, plan_id)
    day = plan.day
    moved = await planning.apply(
        session, plan=plan, actor=staff.username, settings=_settings(request)
    )
    return schemas.PlanApplied(date=day, moved=moved)


@router.delete("/plans/{plan_id}", status_code=status.HTTP_204_NO_CONTENT)
async def discard_plan(session: SessionDep, staff: Dispatcher, plan_id: int) -> Response:
    plan = await planning.get_plan(session, plan_id)
    await planning.discard(session, plan=plan, actor=staff.username)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/technicians/{tech}/absences",
    response_model=schemas.AbsenceResult,
    status_code=status.HTTP_201_CREATED,
)
async def add_absence(
    request: Request,
    session: SessionDep,
    staff: Dispatcher,
    travel: TravelDep,
    tech: str,
    data: schemas.AbsenceRequest,
) -> schemas.AbsenceResult:
    """Mark a technician absent; their jobs in the period go back to the unassigned lane and
    each customer gets an SMS in their language."""
    technician = await service.get_technician(session, tech)
    result = await absences.mark_absent(
        session,
        tech=technician,
        start=data.start,
        end=data.end,
        reason=data.reason,
        actor=staff.username,
        settings=_settings(request),
        travel=travel,
    )
    return schemas.AbsenceResult(
        technician=technician.name,
        start=result.absence.start,
        end=result.absence.end,
        unassigned=result.unassigned,
        customers_notified=result.customers_notified,
    )


@router.post("/ical-token/{tech}", response_model=schemas.CalendarLink)
async def ical_token(
    request: Request, session: SessionDep, _staff: Dispatcher, tech: str
) -> schemas.CalendarLink:
    """The technician's calendar feed URL (signed), to subscribe in Apple or Google Calendar."""
    technician = await service.get_technician(session, tech)
    return schemas.CalendarLink(
        technician=technician.name, url=calendar.feed_url(_settings(request), technician.name)
    )


@router.get(
    "/calendar/{tech}.ics",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}, 401: {}, 403: {}},
)
async def calendar_feed(
    request: Request,
    session: SessionDep,
    tech: str,
    token: Annotated[str | None, Query(max_length=128)] = None,
) -> Response:
    """The technician's jobs from 30 days back to 120 days ahead, as iCalendar."""
    settings = _settings(request)
    calendar.check_feed_token(settings.secret_key, tech, token)
    technician = await service.get_technician(session, tech)
    body = await calendar.technician_calendar(
        session,
        technician,
        company_name=settings.company_name,
        today=dt.datetime.now(LOCAL_TZ).date(),
    )
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'inline; filename="{technician.name}.ics"'},
    )
