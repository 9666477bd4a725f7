"""The ops home: a glance at the day."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from gigafibre.core.web import SessionDep, render
from gigafibre.ops import service
from gigafibre.staff.auth import AnyStaff

router = APIRouter(prefix="/ops", include_in_schema=False)


@router.get("/")
async def ops_home(request: Request, session: SessionDep, _staff: AnyStaff) -> Response:
    figures = await service.today_figures(session)
    return render(request, "ops/home.html", {"figures": figures, "active": "home"})
