"""The OLT poller: walk every OLT's ONU tables, store the readings, report status changes.

SNMP runs first, outside any write transaction (several OLTs at once, bounded by a semaphore);
then one unit of work stores everything with bulk statements and lets the outage monitor look
at each OLT. A failed OLT keeps its ONUs' last status: an unreachable OLT is Uptime Kuma's
business (see outages.record_kuma_heartbeat), not a reason to mark its customers offline.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import structlog
from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.core.db import Database, utcnow
from gigafibre.core.events import emit_many
from gigafibre.customers.models import ServiceLocation
from gigafibre.network import outages
from gigafibre.network.models import (
    Olt,
    Onu,
    OnuReading,
    OnuStatus,
    PonPort,
    PonPortReading,
)
from gigafibre.network.profiles import OnuSample, load_profile, parse_varbinds
from gigafibre.network.snmp import SnmpError, SnmpSource, SnmpTarget, walk_columns
from gigafibre.settings import Settings

log = structlog.get_logger("gigafibre.network.poller")
TOPIC = "network"


@dataclass(frozen=True)
class OltToPoll:
    id: int
    name: str
    vendor: str
    target: SnmpTarget


@dataclass
class OltPollResult:
    olt: OltToPoll
    samples: list[OnuSample] = field(default_factory=list)
    error: str = ""
    changed: int = 0


async def walk_olt(source: SnmpSource, olt: OltToPoll) -> list[OnuSample]:
    """Every ONU of one OLT, read with the vendor profile's columns."""
    profile = load_profile(olt.vendor)
    columns = [column.oid for column in profile.columns.values()]
    return parse_varbinds(profile, await walk_columns(source, olt.target, columns))


async def walk_olts(
    source: SnmpSource, olts: list[OltToPoll], *, concurrency: int
) -> list[OltPollResult]:
    """Poll OLTs side by side, at most `concurrency` at a time; one failure stays local."""
    gate = asyncio.Semaphore(concurrency)

    async def one(olt: OltToPoll) -> OltPollResult:
        async with gate:
            try:
                return OltPollResult(olt, await walk_olt(source, olt))
            except SnmpError as failure:
                log.warning("olt.poll_failed", olt=olt.name, error=str(failure))
                return OltPollResult(olt, error=str(failure)[:500])

    return list(await asyncio.gather(*(one(olt) for olt in olts)))


async def olts_to_poll(session: AsyncSession) -> list[OltToPoll]:
    rows = await session.scalars(select(Olt).where(Olt.active.is_(True)).order_by(Olt.name))
    return [
        OltToPoll(o.id, o.name, o.vendor, SnmpTarget(o.host, o.snmp_port, o.snmp_community))
        for o in rows
    ]


async def _ports(
    session: AsyncSession, olt: OltToPoll, samples: list[OnuSample]
) -> dict[tuple[int, int], int]:
    rows = await session.execute(
        select(PonPort.slot, PonPort.port, PonPort.id).where(PonPort.olt_id == olt.id)
    )
    ports = {(slot, port): port_id for slot, port, port_id in rows}
    missing = sorted({(s.slot, s.port) for s in samples} - ports.keys())
    for slot, port in missing:
        created = PonPort(olt_id=olt.id, slot=slot, port=port, name=f"0/{slot}/{port}")
        session.add(created)
        await session.flush()
        ports[(slot, port)] = created.id
    return ports


async def _link_locations(session: AsyncSession, olt: OltToPoll) -> dict[tuple[str, int], int]:
    rows = await session.execute(
        select(ServiceLocation.pon_port, ServiceLocation.onu_id, ServiceLocation.id).where(
            ServiceLocation.olt_name == olt.name, ServiceLocation.onu_id.is_not(None)
        )
    )
    return {(port, onu_id): location for port, onu_id, location in rows if onu_id is not None}


async def store_olt(session: AsyncSession, result: OltPollResult, now: dt.datetime) -> None:
    """Write one OLT's poll: new ports/ONUs, statuses, readings, and `onu.status_changed`."""
    olt, samples = result.olt, result.samples
    ports = await _ports(session, olt, samples)
    port_names = {port_id: f"0/{slot}/{port}" for (slot, port), port_id in ports.items()}
    existing = {
        (row.pon_port_id, row.onu_index): row
        for row in await session.execute(
            select(
                Onu.id, Onu.pon_port_id, Onu.onu_index, Onu.status, Onu.service_location_id
            ).where(Onu.olt_id == olt.id)
        )
    }
    locations: dict[tuple[str, int], int] | None = None
    updates: list[dict[str, Any]] = []
    created: list[dict[str, Any]] = []
    readings: list[tuple[tuple[int, int], OnuSample]] = []
    events: list[tuple[str, dict[str, Any], list[str]]] = []
    per_port: dict[int, list[OnuSample]] = defaultdict(list)
    for sample in samples:
        port_id = ports[(sample.slot, sample.port)]
        per_port[port_id].append(sample)
        readings.append(((port_id, sample.onu_index), sample))
        row = existing.get((port_id, sample.onu_index))
        values: dict[str, Any] = {
            "status": sample.status,
            "rx_power_dbm": sample.rx_power_dbm,
            "tx_power_dbm": sample.tx_power_dbm,
            "last_seen_at": now if sample.status == OnuStatus.online else None,
        }
        if sample.serial:
            values["serial"] = sample.serial
        if row is None:
            if locations is None:
                locations = await _link_locations(session, olt)
            # A first sighting is no change: without status_changed_at it never counts as a drop.
            created.append(
                {
                    "olt_id": olt.id,
                    "pon_port_id": port_id,
                    "onu_index": sample.onu_index,
                    "service_location_id": locations.get((port_names[port_id], sample.onu_index)),
                    "serial": sample.serial,
                    **values,
                }
            )
            continue
        if values["last_seen_at"] is None:
            del values["last_seen_at"]
        if row.status != sample.status:
            values["status_changed_at"] = now
            if row.status != OnuStatus.unknown:
                result.changed += 1
                payload = {
                    "olt": olt.name,
                    "pon_port": port_names[port_id],
                    "onu_index": sample.onu_index,
                    "serial": sample.serial,
                    "status": sample.status.value,
                    "previous": row.status.value,
                    "service_location_id": row.service_location_id,
                }
                events.append(("onu.status_changed", payload, [TOPIC]))
        updates.append({"id": row.id, **values})
    ids = {key: row.id for key, row in existing.items()}
    if created:
        inserted = await session.execute(
            insert(Onu).returning(Onu.id, Onu.pon_port_id, Onu.onu_index), created
        )
        ids.update({(port_id, index): onu_id for onu_id, port_id, index in inserted})
    if updates:
        await session.execute(update(Onu), updates)
    if readings:
        await session.execute(
            insert(OnuReading),
            [
                {
                    "onu_id": ids[key],
                    "status": sample.status,
                    "rx_power_dbm": sample.rx_power_dbm,
                    "tx_power_dbm": sample.tx_power_dbm,
                    "at": now,
                }
                for key, sample in readings
            ],
        )
        await session.execute(insert(PonPortReading), _port_totals(per_port, now))
    await session.execute(
        update(Olt).where(Olt.id == olt.id).values(last_polled_at=now, last_poll_error="")
    )
    await emit_many(session, events)


def _port_totals(per_port: dict[int, list[OnuSample]], now: dt.datetime) -> list[dict[str, Any]]:
    totals = []
    for port_id, samples in per_port.items():
        light = [s.rx_power_dbm for s in samples if s.rx_power_dbm is not None]
        online = sum(1 for s in samples if s.status == OnuStatus.online)
        totals.append(
            {
                "pon_port_id": port_id,
                "online": online,
                "offline": len(samples) - online,
                "rx_avg_dbm": round(sum(light) / len(light), 2) if light else None,
                "rx_min_dbm": min(light) if light else None,
                "at": now,
            }
        )
    return totals


SourceFactory = Callable[[list[OltToPoll]], Awaitable[SnmpSource]]


class OltPoller:
    """One poll cycle over every active OLT; the scheduler calls it with its unit of work."""

    def __init__(self, db: Database, source_for: SourceFactory, settings: Settings) -> None:
        self.db = db
        self.source_for = source_for
        self.settings = settings

    async def poll(self, session: AsyncSession) -> list[OltPollResult]:
        async with self.db.unit_of_work(write=False) as reading:
            olts = await olts_to_poll(reading)
        source = await self.source_for(olts)
        results = await walk_olts(source, olts, concurrency=self.settings.olt_poll_concurrency)
        now = utcnow()
        for result in results:
            if result.error:
                await session.execute(
                    update(Olt).where(Olt.id == result.olt.id).values(last_poll_error=result.error)
                )
                continue
            await store_olt(session, result, now)
            await outages.evaluate_olt(session, result.olt.id, now=now, settings=self.settings)
        log.info(
            "olt.poll_cycle",
            olts=len(results),
            onus=sum(len(r.samples) for r in results),
            changed=sum(r.changed for r in results),
            failed=sum(1 for r in results if r.error),
        )
        return results

    async def __call__(self, session: AsyncSession) -> None:
        await self.poll(session)


async def purge_old_readings(session: AsyncSession, *, days: int) -> None:
    """Keep `days` of ONU and PON port readings (30 by default)."""
    cutoff = utcnow() - dt.timedelta(days=days)
    await session.execute(delete(OnuReading).where(OnuReading.at < cutoff))
    await session.execute(delete(PonPortReading).where(PonPortReading.at < cutoff))
