"""Portal self-care "Mon Internet": is my modem online, is there an outage at my address,
restart it, change my Wi-Fi. Rate-limited per customer and audited as the customer."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from gigafibre.core.errors import DomainError, NotFoundError
from gigafibre.core.web import SessionDep, render
from gigafibre.customers.models import Customer, ServiceLocation
from gigafibre.devices import actions, service
from gigafibre.devices.models import ActorKind, DeviceAction, DeviceActionKind
from gigafibre.devices.providers import clients_of
from gigafibre.network.models import Outage
from gigafibre.network.service import outages_at_location
from gigafibre.portal.auth import PortalCustomer

router = APIRouter(prefix="/portal/internet", include_in_schema=False)
ACTION_LIMIT = "5/10 minutes"


async def _outages(session: SessionDep, customer: Customer) -> list[Outage]:
    locations = (
        await session.scalars(
            select(ServiceLocation.id).where(ServiceLocation.customer_id == customer.id)
        )
    ).all()
    found: dict[int, Outage] = {}
    for location in locations:
        for outage in await outages_at_location(session, location):
            found[outage.id] = outage
    return list(found.values())


async def _page(
    request: Request,
    session: SessionDep,
    customer: Customer,
    *,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    error = ""
    found = service.Lookup()
    try:
        found = await service.device_status_for_customer(
            session, clients_of(request), customer.name
        )
    except DomainError as problem:
        error = str(problem.render()["message"])
    context = {
        "customer": customer,
        "active": "internet",
        "found": found,
        "error": error,
        "warnings": found.messages(),
        "outages": await _outages(session, customer),
        "errors": {},
        "ssid": "",
        "notice": "",
        **extra,
    }
    return render(request, "devices/portal_internet.html", context, status_code=status_code)


@router.get("")
async def internet_page(
    request: Request, session: SessionDep, customer: PortalCustomer, done: int | None = None
) -> Response:
    notice = ""
    if done is not None:
        audit = await session.get(DeviceAction, done)
        if audit is not None and audit.customer_id == customer.id:
            notice = audit.result
    return await _page(request, session, customer, notice=notice)


async def _own_device(
    request: Request, session: SessionDep, customer: Customer, device_id: str
) -> service.DeviceView:
    found = await service.device_status_for_customer(session, clients_of(request), customer.name)
    if found.problems and not found.devices:
        raise found.problems[0]
    device = next((d for d in found.devices if d.device_id == device_id), None)
    if device is None:
        raise NotFoundError("This modem is not on your account.")
    return device


async def _act(
    request: Request, session: SessionDep, customer: Customer, action: DeviceActionKind
) -> Response:
    form = await request.form()
    ssid, password = str(form.get("ssid", "")), str(form.get("password", ""))
    try:
        if action is DeviceActionKind.wifi:
            actions.validate_wifi(ssid, password)
        await request.app.state.rate_limiter.enforce(ACTION_LIMIT, "portal-device", customer.name)
        device = await _own_device(request, session, customer, str(form.get("device", "")))
        outcome = await actions.act(
            session,
            clients_of(request),
            device,
            action,
            actor=f"{customer.customer_name} ({customer.name})",
            actor_kind=ActorKind.customer,
            ssid=ssid,
            password=password,
        )
    except DomainError as problem:
        rendered = problem.render()
        return await _page(
            request,
            session,
            customer,
            status_code=problem.status_code,
            errors=rendered["fields"],
            form_error=rendered["message"],
            ssid=ssid,
        )
    return RedirectResponse(f"/portal/internet?done={outcome.audit_id}", status_code=303)


@router.post("/reboot")
async def reboot(request: Request, session: SessionDep, customer: PortalCustomer) -> Response:
    return await _act(request, session, customer, DeviceActionKind.reboot)


@router.post("/wifi")
async def change_wifi(request: Request, session: SessionDep, customer: PortalCustomer) -> Response:
    return await _act(request, session, customer, DeviceActionKind.wifi)
