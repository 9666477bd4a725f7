"""Ops pages: device search (TR-069 and TR-369 side by side), device detail with actions, and
the panel the customer page loads by htmx (so a slow ACS never slows that page)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from gigafibre.core.errors import DomainError
from gigafibre.core.web import SessionDep, render
from gigafibre.customers.models import Customer
from gigafibre.devices import actions, service
from gigafibre.devices.api import actor_name
from gigafibre.devices.inventory import Protocol
from gigafibre.devices.models import ActorKind, DeviceAction, DeviceActionKind
from gigafibre.devices.providers import clients_of
from gigafibre.staff.auth import require_staff
from gigafibre.staff.models import Role
from gigafibre.staff.service import StaffIdentity

router = APIRouter(prefix="/ops/network/devices", include_in_schema=False)
Staff = Annotated[StaffIdentity, Depends(require_staff(Role.support, Role.dispatch))]


def device_url(protocol: str, device_id: str) -> str:
    return f"/ops/network/devices/{protocol}/{quote(device_id, safe='')}"


@router.get("")
async def devices_page(
    request: Request,
    session: SessionDep,
    _staff: Staff,
    q: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    clients = clients_of(request)
    error = ""
    found = service.Lookup()
    try:
        found = (
            await service.search(session, clients, q)
            if q.strip()
            else await service.recent(session, clients)
        )
    except DomainError as problem:
        error = str(problem.render()["message"])
    return render(
        request,
        "devices/list.html",
        {
            "q": q,
            "found": found,
            "warnings": found.messages(),
            "error": error,
            "active": "network",
            "device_url": device_url,
        },
    )


@router.get("/customer/{name}")
async def customer_panel(
    request: Request, session: SessionDep, _staff: Staff, name: str
) -> Response:
    found = service.Lookup()
    error = ""
    try:
        found = await service.device_status_for_customer(session, clients_of(request), name)
    except DomainError as problem:
        error = str(problem.render()["message"])
    customer = await session.scalar(select(Customer).where(Customer.name == name.upper()))
    recent_actions = (
        await actions.actions_for_customer(session, customer.id, limit=5) if customer else []
    )
    return render(
        request,
        "devices/_customer_panel.html",
        {
            "found": found,
            "warnings": found.messages(),
            "error": error,
            "actions": recent_actions,
            "device_url": device_url,
        },
    )


@router.get("/{protocol}/{device_id}")
async def device_page(
    request: Request,
    session: SessionDep,
    _staff: Staff,
    protocol: Protocol,
    device_id: str,
    audit: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    device = await service.get_device(session, clients_of(request), protocol, device_id)
    history = (
        await session.scalars(
            select(DeviceAction)
            .where(DeviceAction.device_id == device.device_id)
            .order_by(DeviceAction.id.desc())
            .limit(10)
        )
    ).all()
    done = next((entry for entry in history if entry.id == audit), None)
    return render(
        request,
        "devices/detail.html",
        {
            "d": device,
            "history": history,
            "done": done,
            "messages": actions.RESULT_MESSAGES,
            "active": "network",
            "device_url": device_url,
        },
    )


@router.post("/{protocol}/{device_id}/{action}")
async def device_action(
    request: Request,
    session: SessionDep,
    staff: Staff,
    protocol: Protocol,
    device_id: str,
    action: DeviceActionKind,
) -> Response:
    clients = clients_of(request)
    device = await service.get_device(session, clients, protocol, device_id)
    form = await request.form()
    ssid, password = str(form.get("ssid", "")), str(form.get("password", ""))
    try:
        outcome = await actions.act(
            session,
            clients,
            device,
            action,
            actor=actor_name(staff),
            actor_kind=ActorKind.staff,
            ssid=ssid,
            password=password,
        )
    except DomainError as problem:
        rendered = problem.render()
        history: list[DeviceAction] = []
        return render(
            request,
            "devices/detail.html",
            {
                "d": device,
                "history": history,
                "done": None,
                "errors": rendered["fields"],
                "form_error": rendered["message"],
                "ssid": ssid,
                "messages": actions.RESULT_MESSAGES,
                "active": "network",
                "device_url": device_url,
            },
            status_code=problem.status_code,
        )
    return RedirectResponse(
        f"{device_url(protocol, device.device_id)}?audit={outcome.audit_id}", status_code=303
    )
