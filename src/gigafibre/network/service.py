"""Network rules: which outages touch a customer, and the reads behind the ops page."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from gigafibre.core.db import utcnow
from gigafibre.core.errors import ConflictError, NotFoundError, ValidationFailedError
from gigafibre.core.i18n import _
from gigafibre.customers.models import Customer, ServiceLocation
from gigafibre.network import outages
from gigafibre.network.models import (
    Olt,
    Onu,
    OnuStatus,
    Outage,
    OutageCustomer,
    OutageScope,
    PonPort,
    PonPortReading,
)
from gigafibre.network.profiles import known_vendors
from gigafibre.network.schemas import OltInput


async def outages_at_location(session: AsyncSession, service_location_id: int) -> list[Outage]:
    """Open outages touching a service location (contract #6: the IVR and portal self-care).

    A location is touched when the outage listed it on opening, or when it sits on the outage's
    OLT (scope olt) or PON port (scope pon) according to its own olt_name/pon_port, so that a
    location linked after the outage opened still hears about it.
    """
    location = await session.get(ServiceLocation, service_location_id)
    if location is None:
        return []
    listed = exists().where(
        OutageCustomer.outage_id == Outage.id,
        OutageCustomer.service_location_id == service_location_id,
    )
    conditions: list[ColumnElement[bool]] = [listed]
    if location.olt_name:
        on_olt = Outage.olt_id.in_(select(Olt.id).where(Olt.name == location.olt_name))
        conditions.append(and_(Outage.scope == OutageScope.olt, on_olt))
        if location.pon_port:
            on_port = Outage.pon_port_id.in_(
                select(PonPort.id)
                .join(Olt, Olt.id == PonPort.olt_id)
                .where(Olt.name == location.olt_name, PonPort.name == location.pon_port)
            )
            conditions.append(and_(Outage.scope == OutageScope.pon, on_port))
    result = await session.scalars(
        select(Outage)
        .where(Outage.closed_at.is_(None), or_(*conditions))
        .options(selectinload(Outage.olt), selectinload(Outage.pon_port))
        .order_by(Outage.opened_at)
    )
    return list(result)


RX_BINS: tuple[tuple[str, float | None], ...] = (
    ("> -15", -15.0),
    ("-15…-20", -20.0),
    ("-20…-25", -25.0),
    ("-25…-28", -28.0),
    ("< -28", None),
)


@dataclass
class PortView:
    id: int
    name: str
    online: int = 0
    offline: int = 0
    histogram: list[int] = field(default_factory=lambda: [0] * len(RX_BINS))

    @property
    def total(self) -> int:
        return self.online + self.offline

    @property
    def tallest(self) -> int:
        return max(self.histogram) or 1


@dataclass
class OltView:
    olt: Olt
    ports: list[PortView]

    @property
    def online(self) -> int:
        return sum(port.online for port in self.ports)

    @property
    def offline(self) -> int:
        return sum(port.offline for port in self.ports)


def _rx_bin() -> Any:
    rx = Onu.rx_power_dbm
    whens = [(rx > limit, index) for index, (_label, limit) in enumerate(RX_BINS) if limit]
    return case(*whens, else_=len(RX_BINS) - 1)


async def network_overview(session: AsyncSession) -> list[OltView]:
    """Every OLT with its PON ports: ONUs online/offline and the light (Rx dBm) histogram."""
    olts = list(await session.scalars(select(Olt).order_by(Olt.name)))
    views: dict[int, PortView] = {}
    per_olt: dict[int, list[PortView]] = defaultdict(list)
    for port in await session.scalars(select(PonPort).order_by(PonPort.slot, PonPort.port)):
        views[port.id] = PortView(port.id, port.name)
        per_olt[port.olt_id].append(views[port.id])
    online = Onu.status == OnuStatus.online
    counts = await session.execute(
        select(Onu.pon_port_id, online.label("online"), func.count()).group_by(
            Onu.pon_port_id, online
        )
    )
    for port_id, is_online, count in counts:
        if is_online:
            views[port_id].online += count
        else:
            views[port_id].offline += count
    rx_bin = _rx_bin().label("bin")
    bins = await session.execute(
        select(Onu.pon_port_id, rx_bin, func.count())
        .where(online, Onu.rx_power_dbm.is_not(None))
        .group_by(Onu.pon_port_id, rx_bin)
    )
    for port_id, index, count in bins:
        views[port_id].histogram[int(index)] += count
    return [OltView(olt, per_olt[olt.id]) for olt in olts]


async def recent_outages(session: AsyncSession, *, days: int = 7, limit: int = 50) -> list[Outage]:
    """Open outages, then those closed in the last `days`, newest first, with their customers."""
    since = utcnow() - dt.timedelta(days=days)
    result = await session.scalars(
        select(Outage)
        .where(or_(Outage.closed_at.is_(None), Outage.closed_at >= since))
        .options(selectinload(Outage.olt), selectinload(Outage.pon_port))
        .order_by(Outage.closed_at.is_not(None), Outage.opened_at.desc())
        .limit(limit)
    )
    return list(result)


async def outage_customers(
    session: AsyncSession, outage_ids: list[int]
) -> dict[int, list[tuple[str, str, str]]]:
    """Per outage: (customer number, customer name, address) of everyone it cuts off."""
    rows = await session.execute(
        select(OutageCustomer.outage_id, Customer.name, Customer.customer_name, ServiceLocation)
        .join(Customer, Customer.id == OutageCustomer.customer_id)
        .join(ServiceLocation, ServiceLocation.id == OutageCustomer.service_location_id)
        .where(OutageCustomer.outage_id.in_(outage_ids))
        .order_by(OutageCustomer.id)
    )
    found: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    for outage_id, number, name, location in rows:
        found[outage_id].append((number, name, f"{location.address_line}, {location.city}"))
    return found


async def get_olt(session: AsyncSession, name: str) -> OltView:
    for view in await network_overview(session):
        if view.olt.name == name:
            return view
    raise NotFoundError("No OLT is named {name}.", name=name)


async def close_outage_by_hand(session: AsyncSession, name: str, *, actor: str) -> Outage:
    """Staff close an outage themselves (Uptime Kuma does not retry a lost "up")."""
    outage = await session.scalar(select(Outage).where(Outage.name == name))
    if outage is None:
        raise NotFoundError("No outage is named {name}.", name=name)
    if outage.closed_at is not None:
        raise ConflictError("Outage {name} is already closed.", name=name)
    return await outages.close_outage(session, outage, cause=f"closed by {actor}")


async def create_olt(session: AsyncSession, data: OltInput) -> Olt:
    """Register an OLT to poll; its vendor must have a profile (an OID map)."""
    if data.vendor not in known_vendors():
        raise ValidationFailedError(
            "Unknown OLT vendor.",
            fields={"vendor": _("Choose one of: {vendors}.", vendors=", ".join(known_vendors()))},
        )
    if await session.scalar(select(Olt.id).where(Olt.name == data.name)) is not None:
        raise ConflictError("An OLT is already named {name}.", name=data.name)
    olt = Olt(**data.model_dump())
    session.add(olt)
    await session.flush()
    return olt


async def port_readings(
    session: AsyncSession, olt_name: str, port_name: str, *, hours: int
) -> list[PonPortReading]:
    """A PON port's totals per poll over the last `hours`, oldest first (trends, tickets)."""
    port = await session.scalar(
        select(PonPort)
        .join(Olt, Olt.id == PonPort.olt_id)
        .where(Olt.name == olt_name, PonPort.name == port_name)
    )
    if port is None:
        raise NotFoundError("No PON port {port} on {olt}.", port=port_name, olt=olt_name)
    since = utcnow() - dt.timedelta(hours=hours)
    result = await session.scalars(
        select(PonPortReading)
        .where(PonPortReading.pon_port_id == port.id, PonPortReading.at >= since)
        .order_by(PonPortReading.at)
    )
    return list(result)
