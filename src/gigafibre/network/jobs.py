"""How the network capability plugs into the runtime: poll, purge, and the MQTT duty.

`GF_OLT_POLLER=snmp` polls real OLTs; `simulated` (the demo default) answers from model OLTs
built from the ONUs in the database, through the same walker and parser (refused in production,
where made-up outages would text real customers); `off` polls nothing.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.core.db import Database
from gigafibre.core.scheduler import Scheduler
from gigafibre.network.models import Onu, PonPort
from gigafibre.network.mqtt import UspPresenceWorker
from gigafibre.network.poller import OltPoller, OltToPoll, SourceFactory, purge_old_readings
from gigafibre.network.profiles import load_profile
from gigafibre.network.simulated import SimulatedAgent, SimulatedOnu, SimulatedSource, demo_onu
from gigafibre.network.snmp import PysnmpSource, SnmpSource
from gigafibre.settings import Settings

Duty = Callable[[], Awaitable[object]]
log = structlog.get_logger("gigafibre.network.jobs")


def snmp_source_factory(settings: Settings) -> SourceFactory:
    source = PysnmpSource(
        timeout=settings.olt_snmp_timeout_seconds, retries=settings.olt_snmp_retries
    )

    async def shared(_olts: list[OltToPoll]) -> SnmpSource:
        return source

    return shared


def simulated_source_factory(db: Database, settings: Settings) -> SourceFactory:
    """Model OLTs from the ONUs on record; their light drifts from one poll cycle to the next."""

    async def build(olts: list[OltToPoll]) -> SnmpSource:
        cycle = int(time.time() // settings.olt_poll_seconds)
        async with db.unit_of_work(write=False) as session:
            rows = await session.execute(
                select(Onu.olt_id, PonPort.slot, PonPort.port, Onu.onu_index).join(
                    PonPort, PonPort.id == Onu.pon_port_id
                )
            )
            per_olt: dict[int, list[SimulatedOnu]] = defaultdict(list)
            names = {olt.id: olt.name for olt in olts}
            for olt_id, slot, port, index in rows:
                if olt_id in names:
                    per_olt[olt_id].append(demo_onu(names[olt_id], slot, port, index, cycle=cycle))
        agents = {
            olt.target: SimulatedAgent(load_profile(olt.vendor), per_olt[olt.id]) for olt in olts
        }
        return SimulatedSource(agents)

    return build


def install(settings: Settings, db: Database, scheduler: Scheduler) -> list[Duty]:
    """Register the poll and purge jobs; return the worker duties (the MQTT listener)."""
    simulated_in_production = settings.olt_poller == "simulated" and settings.is_production
    if simulated_in_production:
        log.warning("olt.simulated_poller_refused", hint="set GF_OLT_POLLER=snmp or off")
    elif settings.olt_poller != "off":
        factory = (
            snmp_source_factory(settings)
            if settings.olt_poller == "snmp"
            else simulated_source_factory(db, settings)
        )
        poller = OltPoller(db, factory, settings)
        scheduler.every(dt.timedelta(seconds=settings.olt_poll_seconds), "network.olt_poll", poller)

    async def purge(session: AsyncSession) -> None:
        await purge_old_readings(session, days=settings.onu_reading_retention_days)

    scheduler.every(dt.timedelta(hours=24), "network.purge_readings", purge)
    if not settings.usp_mqtt_url:
        return []
    worker = UspPresenceWorker(db, url=settings.usp_mqtt_url, prefix=settings.usp_mqtt_topic_prefix)
    return [worker.ensure_running]
