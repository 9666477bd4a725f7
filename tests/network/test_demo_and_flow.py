"""The demo's simulated OLTs go through the real walker and parser; outages text customers."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select, update

from gigafibre.core.db import utcnow
from gigafibre.core.events import Event, EventRecord
from gigafibre.core.outbox import OutboxMessage
from gigafibre.demo.seed import seed_demo
from gigafibre.flows import runtime as flows_runtime
from gigafibre.flows import service as flows_service
from gigafibre.network.jobs import simulated_source_factory
from gigafibre.network.models import Olt, Onu, OnuReading, OutageSource, PonPortReading
from gigafibre.network.outages import open_outage
from gigafibre.network.poller import OltPoller, purge_old_readings
from gigafibre.network.profiles import load_profile, parse_varbinds
from gigafibre.network.simulated import SimulatedAgent, SimulatedSource, demo_onu
from gigafibre.network.snmp import SnmpTarget, walk_columns
from gigafibre.settings import Settings
from tests.conftest import TransactionalDatabase
from tests.network.conftest import make_neighbourhood


async def test_simulated_agent_answers_like_an_snmp_agent() -> None:
    profile = load_profile("huawei_ma5800")
    onus = [demo_onu("OLT-X", 2, port, index) for port in (3, 4) for index in range(1, 31)]
    target = SnmpTarget("sim", 161, "public")
    source = SimulatedSource({target: SimulatedAgent(profile, onus)})
    columns = [column.oid for column in profile.columns.values()]
    samples = parse_varbinds(profile, await walk_columns(source, target, columns))
    assert [(s.slot, s.port, s.onu_index) for s in samples] == [
        (o.slot, o.port, o.onu_index) for o in onus
    ]
    assert [s.serial for s in samples] == [o.serial for o in onus]
    online = [(s, o) for s, o in zip(samples, onus, strict=True) if o.online]
    assert all(s.rx_power_dbm == o.rx_power_dbm for s, o in online)
    assert all(s.rx_power_dbm is None for s, o in zip(samples, onus, strict=True) if not o.online)


async def test_demo_network_is_polled_by_the_simulated_source(
    tx_database: TransactionalDatabase, settings: Settings
) -> None:
    async with tx_database.unit_of_work() as session:
        await seed_demo(session, customers=40, seed=7, today=dt.date(2026, 11, 2))
        olts = await session.scalar(select(func.count()).select_from(Olt))
        onus = await session.scalar(select(func.count()).select_from(Onu))
        linked = await session.scalar(
            select(func.count()).select_from(Onu).where(Onu.service_location_id.is_not(None))
        )
    assert olts
    assert onus
    assert linked == onus
    poller = OltPoller(tx_database, simulated_source_factory(tx_database, settings), settings)
    async with tx_database.unit_of_work() as session:
        results = await poller.poll(session)
        assert [r.error for r in results] == [""] * olts
        assert sum(len(r.samples) for r in results) == onus
        assert await session.scalar(select(func.count()).select_from(OnuReading)) == onus
        assert await session.scalar(select(func.count()).select_from(PonPortReading))
        await session.execute(update(OnuReading).values(at=utcnow() - dt.timedelta(days=31)))
        await purge_old_readings(session, days=30)
        assert await session.scalar(select(func.count()).select_from(OnuReading)) == 0


async def test_outage_detected_flow_texts_each_customer_in_their_language(
    tx_database: TransactionalDatabase,
) -> None:
    async with tx_database.unit_of_work() as session:
        await flows_service.ensure_default_templates(session)
        hood = await make_neighbourhood(
            session, host="10.9.9.9", port=161, community="c", per_port=3
        )
        affected = [hood.locations[("0/1/1", onu)] for onu in (1, 2, 3)]
        await open_outage(
            session,
            olt_id=hood.olt.id,
            pon_port_id=None,
            source=OutageSource.kuma,
            cause="fibre cut",
            location_ids=[location.id for location in affected],
        )
        records = list(
            await session.scalars(select(EventRecord).where(EventRecord.name == "outage.detected"))
        )
    subscriber = flows_runtime.flow_event_subscriber(tx_database)
    for record in records:
        await subscriber(Event.of(record))
    for _ in range(3):
        await flows_runtime.advance_due_runs(tx_database)
    async with tx_database.unit_of_work() as session:
        sms = {
            m.recipient: m.body
            for m in await session.scalars(
                select(OutboxMessage).where(OutboxMessage.channel == "sms")
            )
        }
    phones = {onu: str(hood.customers[("0/1/1", onu)].phone) for onu in (1, 2, 3)}
    assert set(sms) == set(phones.values())
    assert sms[phones[1]].startswith("Gigafibre : une panne touche votre secteur (OLT-TEST-01)")
    assert sms[phones[3]].startswith("Gigafibre: an outage is affecting your area (OLT-TEST-01)")
