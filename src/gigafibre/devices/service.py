"""Device lookup and diagnostics: live from GenieACS and Oktopus, never stored (spec §6).

Thin routes call these; the actions on a device (reboot, Wi-Fi…) are in `actions.py`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.core.db import utcnow
from gigafibre.core.errors import DomainError, NotFoundError, ValidationFailedError
from gigafibre.core.i18n import N_
from gigafibre.customers.models import Customer
from gigafibre.devices.diagnostics import Finding, diagnose, is_online
from gigafibre.devices.documents import data_model, from_flat
from gigafibre.devices.extractors import DeviceFacts, facts
from gigafibre.devices.inventory import Protocol, protocol_for
from gigafibre.devices.oktopus import UspDevice
from gigafibre.devices.providers import DeviceClients
from gigafibre.equipment.models import ServiceEquipment

MAC = re.compile(
    r"^([0-9A-Fa-f]{2})[:-]?([0-9A-Fa-f]{2})[:-]?([0-9A-Fa-f]{2})[:-]?"
    r"([0-9A-Fa-f]{2})[:-]?([0-9A-Fa-f]{2})[:-]?([0-9A-Fa-f]{2})$"
)
CUSTOMER = re.compile(r"^C-\d{6}$", re.IGNORECASE)
# GenieACS reads `*` as a wildcard and `/…/` as a regex: a serial is plain characters only
SERIAL = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
MAC_PATHS = (
    "Device.Ethernet.Interface.1.MACAddress",
    "Device.Ethernet.Link.1.MACAddress",
    "InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANPPPConnection.1.MACAddress",
    "InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANIPConnection.1.MACAddress",
    "InternetGatewayDevice.LANDevice.1.LANEthernetInterfaceConfig.1.MACAddress",
)
LIST_PROJECTION = (
    "_deviceId",
    "_lastInform",
    "_tags",
    "Device.DeviceInfo",
    "Device.ManagementServer.PeriodicInformInterval",
    "InternetGatewayDevice.DeviceInfo",
    "InternetGatewayDevice.ManagementServer.PeriodicInformInterval",
)


@dataclass(frozen=True)
class DeviceView:
    protocol: Protocol
    device_id: str  # GenieACS `_id`, or the serial number on Oktopus
    serial: str
    manufacturer: str
    model: str
    online: bool
    last_seen: dt.datetime | None
    customer: str | None
    facts: DeviceFacts | None
    findings: list[Finding]
    tags: tuple[str, ...] = ()


@dataclass
class Lookup:
    devices: list[DeviceView] = field(default_factory=list)
    problems: list[DomainError] = field(default_factory=list)

    def messages(self) -> list[str]:
        return [str(problem.render()["message"]) for problem in self.problems]


def normalise_mac(raw: str) -> str | None:
    found = MAC.match(raw.strip())
    return ":".join(found.groups()).upper() if found else None


async def customers_by_serial(session: AsyncSession, serials: Sequence[str]) -> dict[str, str]:
    if not serials:
        return {}
    rows = await session.execute(
        select(ServiceEquipment.serial_number, Customer.name)
        .join(Customer, Customer.id == ServiceEquipment.customer_id)
        .where(ServiceEquipment.serial_number.in_(list(serials)))
    )
    return {str(serial): str(name) for serial, name in rows.all()}


def acs_view(doc: dict[str, Any], now: dt.datetime, customer: str | None) -> DeviceView:
    read = facts(doc)
    ident = read.identity
    return DeviceView(
        protocol=Protocol.tr069,
        device_id=ident.device_id,
        serial=ident.serial or "",
        manufacturer=ident.manufacturer or "",
        model=ident.product_class or "",
        online=is_online(read, now),
        last_seen=ident.last_inform,
        customer=customer,
        facts=read if data_model(doc) else None,
        findings=diagnose(read, now),
        tags=ident.tags,
    )


def usp_view(
    device: UspDevice, params: dict[str, Any] | None, now: dt.datetime, customer: str | None
) -> DeviceView:
    online = device.status == "online"
    doc: dict[str, Any] = from_flat(params or {})
    doc["_id"] = device.serial
    doc["_deviceId"] = {"_Manufacturer": device.vendor, "_SerialNumber": device.serial}
    doc["_lastInform"] = now.isoformat() if online else None
    read = facts(doc)
    findings = diagnose(read, now) if params is not None else []
    return DeviceView(
        protocol=Protocol.tr369,
        device_id=device.serial,
        serial=device.serial,
        manufacturer=device.vendor,
        model=device.model,
        online=online,
        last_seen=now if online else None,
        customer=customer,
        facts=read if params is not None else None,
        findings=findings,
    )


async def _acs_devices(
    session: AsyncSession,
    clients: DeviceClients,
    query: dict[str, Any],
    result: Lookup,
    *,
    limit: int | None = None,
    projection: Sequence[str] = (),
) -> None:
    try:
        docs = await clients.acs.find_devices(query, limit=limit, projection=projection)
    except DomainError as problem:
        result.problems.append(problem)
        return
    serials = [str((doc.get("_deviceId") or {}).get("_SerialNumber", "")) for doc in docs]
    owners = await customers_by_serial(session, serials)
    now = utcnow()
    for doc, serial in zip(docs, serials, strict=True):
        tagged = next((t for t in doc.get("_tags") or [] if CUSTOMER.match(str(t))), None)
        result.devices.append(acs_view(doc, now, owners.get(serial) or tagged))


async def _usp_devices(
    session: AsyncSession, clients: DeviceClients, serials: Sequence[str], result: Lookup
) -> None:
    owners = await customers_by_serial(session, serials)
    now = utcnow()
    try:
        for serial in serials:
            for device in await clients.usp.devices(serial=serial):
                params = None
                if device.status == "online":
                    params = await clients.usp.get(serial, ["Device."])
                result.devices.append(usp_view(device, params, now, owners.get(serial)))
    except DomainError as problem:
        result.problems.append(problem)


async def _usp_serials(session: AsyncSession, **where: Any) -> list[str]:
    query = select(ServiceEquipment)
    if "customer_id" in where:
        query = query.where(ServiceEquipment.customer_id == where["customer_id"])
    if "mac" in where:
        query = query.where(ServiceEquipment.mac_address.in_(where["mac"]))
    units = (await session.scalars(query)).all()
    return [
        unit.serial_number
        for unit in units
        if protocol_for(unit.vendor, unit.model, unit.equipment_type) is Protocol.tr369
    ]


async def lookup(
    session: AsyncSession,
    clients: DeviceClients,
    *,
    serial: str | None = None,
    mac: str | None = None,
    customer: str | None = None,
) -> Lookup:
    """Devices matching a serial, a MAC or a customer, on both GenieACS and Oktopus."""
    result = Lookup()
    if serial:
        serial = serial.strip()
        if not SERIAL.match(serial):
            raise ValidationFailedError(
                "Some fields are not valid.",
                fields={"serial": N_("Enter a serial number (letters, digits, - . _ :).")},
            )
        await _acs_devices(session, clients, {"_deviceId._SerialNumber": serial}, result)
        await _usp_devices(session, clients, [serial], result)
    elif mac:
        normal = normalise_mac(mac)
        if normal is None:
            raise ValidationFailedError(
                "Some fields are not valid.", fields={"mac": N_("Enter a MAC address.")}
            )
        variants = [normal, normal.lower()]
        query: dict[str, Any] = {"$or": [{path: {"$in": variants}} for path in MAC_PATHS]}
        await _acs_devices(session, clients, query, result)
        await _usp_devices(session, clients, await _usp_serials(session, mac=variants), result)
    elif customer:
        found = await session.scalar(select(Customer).where(Customer.name == customer.upper()))
        if found is None:
            raise NotFoundError("No customer is named {name}.", name=customer)
        serials = (
            await session.scalars(
                select(ServiceEquipment.serial_number).where(
                    ServiceEquipment.customer_id == found.id
                )
            )
        ).all()
        query = {
            "$or": [{"_tags": found.name}, {"_deviceId._SerialNumber": {"$in": list(serials)}}]
        }
        await _acs_devices(session, clients, query, result)
        await _usp_devices(
            session, clients, await _usp_serials(session, customer_id=found.id), result
        )
    else:
        raise ValidationFailedError(
            "Give a serial number, a MAC address or a customer.",
            fields={"serial": N_("This field is required.")},
        )
    return result


async def search(session: AsyncSession, clients: DeviceClients, q: str) -> Lookup:
    """The ops search box: a customer number, a MAC, or else a serial number."""
    q = q.strip()
    if CUSTOMER.match(q):
        return await lookup(session, clients, customer=q)
    if normalise_mac(q):
        return await lookup(session, clients, mac=q)
    return await lookup(session, clients, serial=q)


async def recent(session: AsyncSession, clients: DeviceClients, *, limit: int = 25) -> Lookup:
    """The first devices of each service, light (no USP parameter reads), for the list page."""
    result = Lookup()
    await _acs_devices(session, clients, {}, result, limit=limit, projection=LIST_PROJECTION)
    try:
        usp = await clients.usp.devices(page_size=limit)
    except DomainError as problem:
        result.problems.append(problem)
        usp = []
    owners = await customers_by_serial(session, [d.serial for d in usp])
    now = utcnow()
    result.devices += [usp_view(d, None, now, owners.get(d.serial)) for d in usp]
    return result


async def device_status_for_customer(
    session: AsyncSession, acs: DeviceClients, customer_name: str
) -> Lookup:
    """Contract #8: the customer's managed devices, live, with their diagnostics."""
    return await lookup(session, acs, customer=customer_name)


async def get_device(
    session: AsyncSession, clients: DeviceClients, protocol: Protocol, device_id: str
) -> DeviceView:
    result = Lookup()
    if protocol is Protocol.tr069:
        await _acs_devices(session, clients, {"_id": device_id}, result, limit=1)
    else:
        await _usp_devices(session, clients, [device_id], result)
    if result.problems:
        raise result.problems[0]
    if not result.devices:
        raise NotFoundError("No device has the identifier {id}.", id=device_id)
    return result.devices[0]
