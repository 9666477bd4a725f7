"""The outage monitor: open one outage when a PON port or OLT goes dark, close it when it returns.

Two views feed it. The poller's: when at least `outage_threshold` of a port's ONUs (and at least
`outage_min_onus`) went offline within `outage_window_minutes`, the port is out; when that holds
for the OLT's ONUs across more than one port, the whole OLT is. Uptime Kuma's: a monitor whose
host or name is an OLT's goes down (heartbeat status 0) or up (1).

Opening alerts staff (`outage.opened`, topic network) and emits `outage.detected` once per
affected customer (flow `on_outage_detected` texts them in their language); closing emits
`outage.closed` and `outage.resolved` the same way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.core.db import utcnow
from gigafibre.core.events import emit, emit_many
from gigafibre.core.naming import assign_name
from gigafibre.customers.models import Customer, ServiceLocation
from gigafibre.live.topics import customer_topic
from gigafibre.network.models import (
    Olt,
    Onu,
    OnuStatus,
    Outage,
    OutageCustomer,
    OutageScope,
    OutageSource,
    PonPort,
)
from gigafibre.settings import Settings

TOPIC = "network"
UP, DOWN = 1, 0  # Uptime Kuma heartbeat statuses


@dataclass(frozen=True)
class PortHealth:
    port_id: int
    total: int
    offline: int
    dropped: int  # went offline within the window


async def _health(session: AsyncSession, olt_id: int, since: dt.datetime) -> list[PortHealth]:
    offline = Onu.status == OnuStatus.offline
    rows = await session.execute(
        select(
            Onu.pon_port_id,
            func.count(),
            func.sum(case((offline, 1), else_=0)),
            func.sum(case((offline & (Onu.status_changed_at >= since), 1), else_=0)),
        )
        .where(Onu.olt_id == olt_id)
        .group_by(Onu.pon_port_id)
    )
    return [
        PortHealth(port, total, int(off or 0), int(drop or 0)) for port, total, off, drop in rows
    ]


async def evaluate_olt(
    session: AsyncSession, olt_id: int, *, now: dt.datetime, settings: Settings
) -> list[Outage]:
    """After a poll: open outages for ports (or the OLT) gone dark, close those back to light."""
    threshold, minimum = settings.outage_threshold, settings.outage_min_onus
    since = now - dt.timedelta(minutes=settings.outage_window_minutes)
    health = await _health(session, olt_id, since)
    open_now = list(
        await session.scalars(
            select(Outage).where(Outage.olt_id == olt_id, Outage.closed_at.is_(None))
        )
    )
    changed: list[Outage] = []
    for outage in open_now:
        if outage.source != OutageSource.poller:
            continue
        scope = [h for h in health if outage.pon_port_id in (None, h.port_id)]
        total, offline = sum(h.total for h in scope), sum(h.offline for h in scope)
        if total and offline / total < threshold / 2:
            changed.append(await close_outage(session, outage, cause="ONUs back online"))
    still_open = [o for o in open_now if o.closed_at is None]
    if any(o.scope == OutageScope.olt for o in still_open):
        return changed
    dark = [h for h in health if h.dropped >= minimum and h.dropped / h.total >= threshold]
    total, dropped = sum(h.total for h in health), sum(h.dropped for h in health)
    if len(dark) > 1 and total and dropped / total >= threshold:
        cause = f"{dropped}/{total} ONUs offline on the OLT"
        told = await _listed(session, still_open)  # customers a port outage already warned
        changed.append(await _open_from_poll(session, olt_id, None, cause, skip=told))
        return changed
    covered = {o.pon_port_id for o in still_open}
    for port in dark:
        if port.port_id not in covered:
            cause = f"{port.dropped}/{port.total} ONUs offline on the PON port"
            changed.append(await _open_from_poll(session, olt_id, port.port_id, cause))
    return changed


async def _listed(session: AsyncSession, outages: list[Outage]) -> set[int]:
    if not outages:
        return set()
    return set(
        await session.scalars(
            select(OutageCustomer.service_location_id).where(
                OutageCustomer.outage_id.in_([o.id for o in outages])
            )
        )
    )


async def _open_from_poll(
    session: AsyncSession,
    olt_id: int,
    port_id: int | None,
    cause: str,
    *,
    skip: set[int] | None = None,
) -> Outage:
    statement = select(Onu.service_location_id).where(
        Onu.olt_id == olt_id,
        Onu.status == OnuStatus.offline,
        Onu.service_location_id.is_not(None),
    )
    if port_id is not None:
        statement = statement.where(Onu.pon_port_id == port_id)
    skip = skip or set()
    locations = [loc for loc in await session.scalars(statement) if loc and loc not in skip]
    return await open_outage(
        session,
        olt_id=olt_id,
        pon_port_id=port_id,
        source=OutageSource.poller,
        cause=cause,
        location_ids=locations,
    )


async def open_outage(
    session: AsyncSession,
    *,
    olt_id: int,
    pon_port_id: int | None,
    source: OutageSource,
    cause: str,
    location_ids: list[int],
    monitor: str = "",
) -> Outage:
    """Record an outage and who it cuts off, alert staff, and tell each customer's flow."""
    outage = Outage(
        olt_id=olt_id,
        pon_port_id=pon_port_id,
        scope=OutageScope.olt if pon_port_id is None else OutageScope.pon,
        source=source,
        cause=cause[:2000],
        monitor=monitor[:200],
        opened_at=utcnow(),
    )
    await assign_name(session, outage)
    session.add(outage)
    await session.flush()
    rows = (
        await session.execute(
            select(ServiceLocation.id, Customer.id, Customer.name)
            .join(Customer, Customer.id == ServiceLocation.customer_id)
            .where(ServiceLocation.id.in_(set(location_ids)))
            .order_by(ServiceLocation.id)
        )
    ).all()
    session.add_all(
        OutageCustomer(outage_id=outage.id, customer_id=customer_id, service_location_id=loc)
        for loc, customer_id, _name in rows
    )
    await session.flush()
    summary = await _summary(session, outage, len(rows))
    await emit(session, "outage.opened", summary, topics=[TOPIC])
    await emit_many(
        session,
        [
            (
                "outage.detected",
                {**summary, "customer": name, "service_location_id": loc},
                [customer_topic(name)],
            )
            for loc, _customer_id, name in rows
        ],
    )
    return outage


async def close_outage(session: AsyncSession, outage: Outage, *, cause: str) -> Outage:
    outage.closed_at = utcnow()
    await session.flush()
    rows = (
        await session.execute(
            select(OutageCustomer.service_location_id, Customer.name)
            .join(Customer, Customer.id == OutageCustomer.customer_id)
            .where(OutageCustomer.outage_id == outage.id)
            .order_by(OutageCustomer.id)
        )
    ).all()
    summary = {**await _summary(session, outage, len(rows)), "resolution": cause}
    await emit(session, "outage.closed", summary, topics=[TOPIC])
    await emit_many(
        session,
        [
            (
                "outage.resolved",
                {**summary, "customer": name, "service_location_id": loc},
                [customer_topic(name)],
            )
            for loc, name in rows
        ],
    )
    return outage


async def _summary(session: AsyncSession, outage: Outage, customers: int) -> dict[str, Any]:
    olt = await session.get(Olt, outage.olt_id)
    port = await session.get(PonPort, outage.pon_port_id) if outage.pon_port_id else None
    return {
        "outage": outage.name,
        "scope": outage.scope.value,
        "source": outage.source.value,
        "olt": olt.name if olt else "",
        "pon_port": port.name if port else "",
        "cause": outage.cause,
        "opened_at": outage.opened_at.isoformat(),
        "customers": customers,
    }


@dataclass(frozen=True)
class KumaOutcome:
    action: str  # test, opened, closed, unchanged, unknown_monitor, ignored
    outage: str = ""


async def _olt_for_monitor(session: AsyncSession, monitor: dict[str, Any]) -> Olt | None:
    """The OLT a monitor watches: by host (hostname, or the URL's host) first, then by name."""
    url = str(monitor.get("url") or "")
    url_host = url.split("://", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0] if "://" in url else ""
    hosts = {str(monitor.get("hostname") or "").strip(), url_host} - {""}
    name = str(monitor.get("name") or "").strip()
    for column, values in ((Olt.host, hosts), (Olt.name, {name} - {""})):
        if values:
            found: Olt | None = await session.scalar(
                select(Olt).where(column.in_(values)).order_by(Olt.id).limit(1)
            )
            if found is not None:
                return found
    return None


async def record_kuma_heartbeat(
    session: AsyncSession, heartbeat: dict[str, Any] | None, monitor: dict[str, Any] | None
) -> KumaOutcome:
    """Uptime Kuma says a monitor went down or up: open or close that OLT's outage."""
    if heartbeat is None and monitor is None:
        return KumaOutcome("test")
    status = (heartbeat or {}).get("status")
    if status not in (UP, DOWN) or monitor is None:
        return KumaOutcome("ignored")
    olt = await _olt_for_monitor(session, monitor)
    label = str(monitor.get("name") or monitor.get("url") or "")
    if olt is None:
        await emit(
            session,
            "network.monitor_changed",
            {"monitor": label, "status": status, "msg": str((heartbeat or {}).get("msg", ""))},
            topics=[TOPIC],
        )
        return KumaOutcome("unknown_monitor")
    current = await session.scalar(
        select(Outage).where(
            Outage.olt_id == olt.id,
            Outage.scope == OutageScope.olt,
            Outage.source == OutageSource.kuma,
            Outage.closed_at.is_(None),
        )
    )
    if status == DOWN:
        if current is not None:
            return KumaOutcome("unchanged", current.name)
        message = str((heartbeat or {}).get("msg") or "down")
        outage = await open_outage(
            session,
            olt_id=olt.id,
            pon_port_id=None,
            source=OutageSource.kuma,
            cause=f"Uptime Kuma: {label}: {message}",
            location_ids=await _olt_locations(session, olt),
            monitor=label,
        )
        return KumaOutcome("opened", outage.name)
    if current is None:
        return KumaOutcome("unchanged")
    await close_outage(session, current, cause=f"Uptime Kuma: {label} is up")
    return KumaOutcome("closed", current.name)


async def _olt_locations(session: AsyncSession, olt: Olt) -> list[int]:
    """Every service location behind an OLT: linked ONUs, and locations naming the OLT."""
    linked = select(Onu.service_location_id).where(
        Onu.olt_id == olt.id, Onu.service_location_id.is_not(None)
    )
    named = select(ServiceLocation.id).where(ServiceLocation.olt_name == olt.name)
    ids = set(await session.scalars(linked)) | set(await session.scalars(named))
    return sorted(location for location in ids if location is not None)
