"""Ops page Réseau: OLTs, PON ports with their light, and outages; live over topic `network`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from gigafibre.core.web import SessionDep, render
from gigafibre.network import service
from gigafibre.staff.auth import require_staff
from gigafibre.staff.models import Role
from gigafibre.staff.service import StaffIdentity

router = APIRouter(prefix="/ops/network", include_in_schema=False)
Reader = Annotated[StaffIdentity, Depends(require_staff(Role.support, Role.dispatch))]
LIVE_EVENTS = (
    "onu.status_changed",
    "outage.opened",
    "outage.closed",
)


@router.get("")
async def network_page(request: Request, session: SessionDep, _staff: Reader) -> Response:
    overview = await service.network_overview(session)
    found = await service.recent_outages(session)
    customers = await service.outage_customers(session, [o.id for o in found])
    return render(
        request,
        "network/overview.html",
        {
            "olts": overview,
            "outages": found,
            "customers": customers,
            "bins": [label for label, _limit in service.RX_BINS],
            "live_events": LIVE_EVENTS,
        },
    )


@router.post("/outages/{name}/close")
async def close_outage(
    request: Request, session: SessionDep, staff: Reader, name: str
) -> RedirectResponse:
    await service.close_outage_by_hand(session, name, actor=staff.username)
    return RedirectResponse("/ops/network", status_code=303)
