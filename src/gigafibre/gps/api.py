"""Staff JSON API under `/traccar`: technicians' latest positions and a day's breadcrumbs."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from sqlalchemy import select

from gigafibre.core.errors import NotFoundError
from gigafibre.core.web import SessionDep
from gigafibre.dispatch.models import Technician
from gigafibre.dispatch.routing import LOCAL_TZ as LOCAL
from gigafibre.dispatch.routing import day_bounds
from gigafibre.gps import service
from gigafibre.gps.schemas import TechnicianPosition
from gigafibre.staff.auth import require_staff
from gigafibre.staff.models import Role
from gigafibre.staff.service import StaffIdentity

router = APIRouter(prefix="/traccar", tags=["gps"])
Dispatcher = Annotated[StaffIdentity, Depends(require_staff(Role.dispatch))]


@router.get("/positions", response_model=list[TechnicianPosition])
async def latest_positions(
    session: SessionDep,
    _staff: Dispatcher,
    max_age_minutes: Annotated[
        int | None, Query(ge=1, le=60 * 24 * 30, description="Only fixes this recent")
    ] = None,
) -> list[TechnicianPosition]:
    """The newest position of every technician."""
    since = None
    if max_age_minutes is not None:
        since = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=max_age_minutes)
    return await service.latest_positions(session, since=since)


@router.get("/breadcrumbs/{technician}", response_model=list[TechnicianPosition])
async def breadcrumbs(
    session: SessionDep,
    _staff: Dispatcher,
    technician: Annotated[str, Path(max_length=20, description="e.g. TECH-0001")],
    date: Annotated[dt.date | None, Query(description="Québec day; today by default")] = None,
) -> list[TechnicianPosition]:
    """A technician's positions over one day, oldest first."""
    known = await session.scalar(select(Technician.id).where(Technician.name == technician))
    if known is None:
        raise NotFoundError("No technician is named {name}.", name=technician)
    start, end = day_bounds(date or dt.datetime.now(dt.UTC).astimezone(LOCAL).date())
    return await service.breadcrumbs(session, technician, start, end)
