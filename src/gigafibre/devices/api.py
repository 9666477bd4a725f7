"""JSON API: device lookup and diagnostics, actions, Oktopus pre-authorisation, provisioning."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from gigafibre.core.web import SessionDep
from gigafibre.devices import actions, provisioning, schemas, service
from gigafibre.devices.inventory import Protocol
from gigafibre.devices.models import ActorKind, DeviceActionKind
from gigafibre.devices.providers import clients_of
from gigafibre.staff.auth import require_staff
from gigafibre.staff.models import Role
from gigafibre.staff.service import StaffIdentity

router = APIRouter(tags=["devices"])
Staff = Annotated[StaffIdentity, Depends(require_staff(Role.support, Role.dispatch))]


def actor_name(staff: StaffIdentity) -> str:
    return f"{staff.full_name} ({staff.username})" if staff.full_name else staff.username


@router.get("/devices/lookup", response_model=schemas.LookupOut)
async def lookup(
    request: Request,
    session: SessionDep,
    _staff: Staff,
    serial: Annotated[str | None, Query(max_length=64)] = None,
    mac: Annotated[str | None, Query(max_length=17)] = None,
    customer: Annotated[str | None, Query(max_length=20)] = None,
) -> schemas.LookupOut:
    """A customer's modems, live from GenieACS (TR-069) and Oktopus (TR-369), diagnosed."""
    found = await service.lookup(
        session, clients_of(request), serial=serial, mac=mac, customer=customer
    )
    if found.problems and not found.devices:
        raise found.problems[0]
    return schemas.LookupOut.of(found)


async def _act(
    request: Request,
    session: SessionDep,
    staff: StaffIdentity,
    protocol: Protocol,
    device_id: str,
    action: DeviceActionKind,
    wifi: schemas.WifiIn | None = None,
) -> JSONResponse:
    clients = clients_of(request)
    device = await service.get_device(session, clients, protocol, device_id)
    outcome = await actions.act(
        session,
        clients,
        device,
        action,
        actor=actor_name(staff),
        actor_kind=ActorKind.staff,
        ssid=wifi.ssid if wifi else "",
        password=wifi.password if wifi else "",
    )
    body = schemas.ActionOut.of(outcome).model_dump()
    return JSONResponse(body, status_code=outcome.status_code)


@router.post("/devices/{protocol}/{device_id}/reboot", response_model=schemas.ActionOut)
async def reboot(
    request: Request, session: SessionDep, staff: Staff, protocol: Protocol, device_id: str
) -> JSONResponse:
    """Restart the modem now (audited)."""
    return await _act(request, session, staff, protocol, device_id, DeviceActionKind.reboot)


@router.post("/devices/{protocol}/{device_id}/refresh", response_model=schemas.ActionOut)
async def refresh(
    request: Request, session: SessionDep, staff: Staff, protocol: Protocol, device_id: str
) -> JSONResponse:
    """Ask the modem to send all its parameters again (audited)."""
    return await _act(request, session, staff, protocol, device_id, DeviceActionKind.refresh)


@router.post("/devices/{protocol}/{device_id}/wifi", response_model=schemas.ActionOut)
async def change_wifi(
    request: Request,
    session: SessionDep,
    staff: Staff,
    protocol: Protocol,
    device_id: str,
    data: schemas.WifiIn,
) -> JSONResponse:
    """Change the Wi-Fi name and, if given, the password (audited; the password is not kept)."""
    return await _act(request, session, staff, protocol, device_id, DeviceActionKind.wifi, data)


@router.get("/oktopus/devices", response_model=list[schemas.UspDeviceOut])
async def oktopus_devices(request: Request, _staff: Staff) -> list[schemas.UspDeviceOut]:
    """TR-369 devices known to Oktopus (first 50)."""
    found = await clients_of(request).usp.devices(page_size=50)
    return [
        schemas.UspDeviceOut(
            serial=d.serial, vendor=d.vendor, model=d.model, version=d.version, status=d.status
        )
        for d in found
    ]


@router.post("/oktopus/devices/{serial}/preauthorise", response_model=schemas.ProvisionOut)
async def oktopus_preauthorise(
    request: Request, _staff: Staff, serial: str
) -> schemas.ProvisionOut:
    """Give a USP unit its MQTT credentials (derived from the serial, never stored)."""
    clients = clients_of(request)
    await clients.usp.preauthorise(serial, clients.usp_password(serial))
    return schemas.ProvisionOut(
        equipment="", protocol=Protocol.tr369, device_id=serial, detail="pre-authorised on Oktopus"
    )


@router.post("/provision/equipment/{name}", response_model=schemas.ProvisionOut)
async def provision_equipment(
    request: Request, session: SessionDep, staff: Staff, name: str
) -> schemas.ProvisionOut:
    """Run provisioning of an installed unit again, now (idempotent)."""
    outcome = await provisioning.provision(
        session,
        clients_of(request),
        equipment_name=name,
        actor=actor_name(staff),
        actor_kind=ActorKind.staff,
    )
    return schemas.ProvisionOut(
        equipment=outcome.equipment,
        protocol=outcome.protocol,
        device_id=outcome.device_id,
        detail=outcome.detail,
    )
