"""Ops pages: the dispatch board (lanes, map, drawer, optimiser preview, absences), templates."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from gigafibre.core.errors import DomainError, ValidationFailedError
from gigafibre.core.i18n import N_, current_language
from gigafibre.core.web import SessionDep, render
from gigafibre.customers.models import Customer
from gigafibre.dispatch import (
    absences,
    board,
    job_templates,
    notifications,
    planning,
    scoring,
    service,
)
from gigafibre.dispatch.deps import TravelDep
from gigafibre.dispatch.models import JobStatus
from gigafibre.dispatch.routing import LOCAL_TZ, local_clock
from gigafibre.dispatch.schemas import AbsenceRequest
from gigafibre.field import service as field_service
from gigafibre.settings import Settings
from gigafibre.staff.auth import require_staff
from gigafibre.staff.models import Role
from gigafibre.staff.service import StaffIdentity

router = APIRouter(prefix="/ops/dispatch", include_in_schema=False)
Dispatcher = Annotated[StaffIdentity, Depends(require_staff(Role.dispatch))]
BAD_DATES = N_("Give a start and an end date, the end on or after the start.")


def _today() -> dt.date:
    return dt.datetime.now(LOCAL_TZ).date()


def _board_url(day: dt.date) -> str:
    return f"/ops/dispatch?date={day.isoformat()}"


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


def _day(value: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else _today()
    except ValueError:
        raise ValidationFailedError(
            N_("Some fields are not valid."), fields={"date": N_("Use the YYYY-MM-DD format.")}
        ) from None


@router.get("")
async def board_page(
    request: Request,
    session: SessionDep,
    _staff: Dispatcher,
    date: Annotated[str | None, Query(max_length=10)] = None,
) -> Response:
    day = _day(date)
    data = await board.build_board(session, day, current_language.get())
    return render(
        request,
        "dispatch/board.html",
        {
            "board": data,
            "day": day,
            "previous_day": day - dt.timedelta(days=1),
            "next_day": day + dt.timedelta(days=1),
            "today": _today(),
            "active": "dispatch",
        },
    )


async def _drawer(request: Request, session: SessionDep, name: str, **extra: object) -> Response:
    job = await service.get_job(session, name)
    cards = await board.cards_for(session, [job], current_language.get())
    tech = await service.technician_by_id(session, job.technician_id)
    customer = await session.get(Customer, job.customer_id) if job.customer_id else None
    return render(
        request,
        "dispatch/_drawer.html",
        {
            "card": cards[job.id],
            "job": job,
            "tech": tech,
            "customer": customer,
            "next_statuses": sorted(field_service.TRANSITIONS[JobStatus(job.status)]),
            "status_labels": board.STATUS_LABELS,
            **extra,
        },
    )


@router.get("/jobs/{name}")
async def job_drawer(
    request: Request, session: SessionDep, _staff: Dispatcher, name: str
) -> Response:
    return await _drawer(request, session, name)


@router.post("/jobs/{name}/status")
async def job_status(
    request: Request, session: SessionDep, staff: Dispatcher, name: str
) -> Response:
    values = await _form(request)
    job = await service.get_job(session, name)
    try:
        status = JobStatus(values.get("status", ""))
        await field_service.change_job_status(session, job, status, actor=staff.username)
    except ValueError:
        return await _drawer(
            request, session, name, error=N_("This change of status is not allowed.")
        )
    except DomainError as failure:
        return await _drawer(request, session, name, error=failure.render()["message"])
    return await _drawer(request, session, name)


@router.post("/jobs/{name}/lock")
async def job_lock(request: Request, session: SessionDep, staff: Dispatcher, name: str) -> Response:
    values = await _form(request)
    await service.set_locked(
        session, name=name, locked=values.get("locked") == "1", actor=staff.username
    )
    return await _drawer(request, session, name)


@router.get("/jobs/{name}/candidates")
async def job_candidates(
    request: Request, session: SessionDep, _staff: Dispatcher, travel: TravelDep, name: str
) -> Response:
    job = await service.get_job(session, name)
    ranked = await scoring.rank_technicians(session, job, travel)
    return render(
        request,
        "dispatch/_candidates.html",
        {"job": job, "candidates": ranked, "clock": local_clock},
    )


@router.post("/jobs/{name}/assign")
async def job_assign(
    request: Request, session: SessionDep, staff: Dispatcher, travel: TravelDep, name: str
) -> Response:
    """The drawer's "assign" button on a candidate: same rules as a drag and drop."""
    values = await _form(request)
    job = await service.get_job(session, name)
    tech = await service.get_technician(session, values.get("technician", ""))
    try:
        position = max(0, int(values.get("position") or 0))
    except ValueError:
        position = 0
    try:
        job, handed_over = await service.assign_job(
            session, job=job, tech=tech, position=position, actor=staff.username, travel=travel
        )
    except DomainError as failure:
        return await _drawer(request, session, name, error=failure.render()["message"])
    if handed_over:
        settings: Settings = request.app.state.settings
        await notifications.notify_assignment(session, job=job, tech=tech, settings=settings)
    return await _drawer(request, session, name)


@router.post("/optimise")
async def optimise(
    request: Request, session: SessionDep, staff: Dispatcher, travel: TravelDep
) -> Response:
    day = _day((await _form(request)).get("date"))
    await planning.propose(session, day=day, travel=travel, actor=staff.username)
    return RedirectResponse(_board_url(day), status_code=303)


@router.post("/plans/{plan_id}/apply")
async def plan_apply(
    request: Request, session: SessionDep, staff: Dispatcher, plan_id: int
) -> Response:
    plan = await planning.get_plan(session, plan_id)
    day = plan.day
    settings: Settings = request.app.state.settings
    await planning.apply(session, plan=plan, actor=staff.username, settings=settings)
    return RedirectResponse(_board_url(day), status_code=303)


@router.post("/plans/{plan_id}/discard")
async def plan_discard(session: SessionDep, staff: Dispatcher, plan_id: int) -> Response:
    plan = await planning.get_plan(session, plan_id)
    day = plan.day
    await planning.discard(session, plan=plan, actor=staff.username)
    return RedirectResponse(_board_url(day), status_code=303)


@router.post("/absences")
async def add_absence(
    request: Request, session: SessionDep, staff: Dispatcher, travel: TravelDep
) -> Response:
    """The board's absence form: whole days, first to last, in Québec time."""
    values = await _form(request)
    day = _day(values.get("date"))
    tech = await service.get_technician(session, values.get("technician", ""))
    try:
        first = dt.date.fromisoformat(values.get("start", ""))
        last = dt.date.fromisoformat(values.get("end") or values.get("start", ""))
        data = AbsenceRequest(
            start=dt.datetime.combine(first, dt.time(0)),
            end=dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0)),
            reason=values.get("reason", "")[:200],
        )
        if last < first:
            raise ValueError(BAD_DATES)
    except (ValueError, ValidationError):
        raise ValidationFailedError(BAD_DATES, fields={"end": BAD_DATES}) from None
    settings: Settings = request.app.state.settings
    await absences.mark_absent(
        session,
        tech=tech,
        start=data.start,
        end=data.end,
        reason=data.reason,
        actor=staff.username,
        settings=settings,
        travel=travel,
    )
    return RedirectResponse(_board_url(day), status_code=303)


async def _template_forms(session: SessionDep) -> list[dict[str, str]]:
    return [job_templates.form_values(t) for t in await job_templates.list_templates(session)]


@router.get("/templates")
async def templates_page(request: Request, session: SessionDep, _staff: Dispatcher) -> Response:
    return render(
        request,
        "dispatch/templates.html",
        {"forms": await _template_forms(session), "active": "dispatch"},
    )


@router.post("/templates")
async def save_template(request: Request, session: SessionDep, staff: Dispatcher) -> Response:
    values = await _form(request)
    try:
        await job_templates.save_template(session, values=values, actor=staff.username)
    except DomainError as failure:
        return render(
            request,
            "dispatch/templates.html",
            {
                "forms": await _template_forms(session),
                "active": "dispatch",
                "error": failure.render(),
                "values": values,
            },
            status_code=failure.status_code,
        )
    return RedirectResponse("/ops/dispatch/templates", status_code=303)
