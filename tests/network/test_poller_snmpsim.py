"""Acceptance: poll a real SNMP agent (snmpsim), see a PON port go dark, then come back."""

from __future__ import annotations

from sqlalchemy import func, select

from gigafibre.core.events import EventRecord
from gigafibre.network import service
from gigafibre.network.jobs import snmp_source_factory
from gigafibre.network.models import (
    Onu,
    OnuReading,
    OnuStatus,
    Outage,
    OutageCustomer,
    OutageScope,
    OutageSource,
    PonPortReading,
)
from gigafibre.network.poller import OltPoller
from gigafibre.settings import Settings
from tests.conftest import TransactionalDatabase
from tests.network.conftest import Snmpsim, make_neighbourhood


async def _events(session, name: str) -> list[EventRecord]:  # type: ignore[no-untyped-def]
    return list(await session.scalars(select(EventRecord).where(EventRecord.name == name)))


async def test_a_dark_pon_port_opens_one_outage_and_closes_when_light_returns(
    tx_database: TransactionalDatabase, settings: Settings, snmpsim: Snmpsim
) -> None:
    poller_settings = settings.model_copy(update={"olt_snmp_timeout_seconds": 1.0})
    poller = OltPoller(tx_database, snmp_source_factory(poller_settings), poller_settings)
    async with tx_database.unit_of_work() as session:
        hood = await make_neighbourhood(
            session, host="127.0.0.1", port=snmpsim.port, community="healthy", per_port=10
        )
        results = await poller.poll(session)
        assert [r.error for r in results] == [""]
        onus = list(await session.scalars(select(Onu).order_by(Onu.pon_port_id, Onu.onu_index)))
        assert len(onus) == 20
        assert {onu.status for onu in onus} == {OnuStatus.online}
        assert all(onu.service_location_id is not None for onu in onus)
        first = onus[0]
        assert first.serial.startswith("HWTC")
        assert first.rx_power_dbm == -18.25
        assert await session.scalar(select(func.count()).select_from(OnuReading)) == 20
        assert await session.scalar(select(func.count()).select_from(PonPortReading)) == 2

        hood.olt.snmp_community = "outage"
        await session.flush()
        await poller.poll(session)
        await poller.poll(session)  # still dark: no second outage
        outages = list(await session.scalars(select(Outage)))
        assert len(outages) == 1
        outage = outages[0]
        assert (outage.scope, outage.source, outage.closed_at) == (
            OutageScope.pon,
            OutageSource.poller,
            None,
        )
        listed = set(
            await session.scalars(
                select(OutageCustomer.service_location_id).where(
                    OutageCustomer.outage_id == outage.id
                )
            )
        )
        expected = {hood.locations[("0/1/1", onu)].id for onu in range(1, 9)}
        assert listed == expected
        assert len(await _events(session, "onu.status_changed")) == 8
        detected = await _events(session, "outage.detected")
        assert sorted(e.payload["customer"] for e in detected) == sorted(
            hood.customers[("0/1/1", onu)].name for onu in range(1, 9)
        )
        assert [e.topics for e in await _events(session, "outage.opened")] == [["network"]]
        touched = hood.locations[("0/1/1", 3)].id
        assert [o.name for o in await service.outages_at_location(session, touched)] == [
            outage.name
        ]
        spared = hood.locations[("0/1/2", 3)].id
        assert await service.outages_at_location(session, spared) == []

        hood.olt.snmp_community = "healthy"
        await session.flush()
        await poller.poll(session)
        await session.refresh(outage)
        assert outage.closed_at is not None
        assert len(await _events(session, "outage.resolved")) == 8
        assert await service.outages_at_location(session, touched) == []
        assert await session.scalar(select(func.count()).select_from(Outage)) == 1
        series = await service.port_readings(session, hood.olt.name, "0/1/1", hours=1)
        assert [(r.online, r.offline) for r in series] == [(10, 0), (2, 8), (2, 8), (10, 0)]
        assert series[0].rx_min_dbm == -20.5


async def test_an_unreachable_olt_keeps_its_onus_and_records_the_error(
    tx_database: TransactionalDatabase, settings: Settings, snmpsim: Snmpsim
) -> None:
    quick = settings.model_copy(update={"olt_snmp_timeout_seconds": 0.3, "olt_snmp_retries": 0})
    poller = OltPoller(tx_database, snmp_source_factory(quick), quick)
    async with tx_database.unit_of_work() as session:
        hood = await make_neighbourhood(
            session, host="127.0.0.1", port=snmpsim.port, community="healthy", per_port=2
        )
        await poller.poll(session)
        hood.olt.snmp_community = "no-such-recording"
        await session.flush()
        results = await poller.poll(session)
        assert results[0].error
        await session.refresh(hood.olt)
        assert hood.olt.last_poll_error
        statuses = set(await session.scalars(select(Onu.status)))
        assert statuses == {OnuStatus.online}
        assert await session.scalar(select(func.count()).select_from(Outage)) == 0
