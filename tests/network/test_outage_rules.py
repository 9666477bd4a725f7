"""Outage rules, driven through the poller with in-process model OLTs (same parser as SNMP)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.core.db import utcnow
from gigafibre.core.events import EventRecord
from gigafibre.network.models import Onu, Outage, OutageCustomer, OutageScope, OutageSource
from gigafibre.network.outages import open_outage
from gigafibre.network.poller import OltPoller, OltToPoll
from gigafibre.network.profiles import load_profile
from gigafibre.network.simulated import SimulatedAgent, SimulatedOnu, SimulatedSource
from gigafibre.network.snmp import SnmpSource, SnmpTarget
from gigafibre.settings import Settings
from tests.conftest import TransactionalDatabase
from tests.network.conftest import VENDOR, Neighbourhood, make_neighbourhood, port_onus

TARGET = SnmpTarget("10.30.0.1", 161, "public")


class ModelOlt:
    """Swap what the model OLT serves between polls."""

    def __init__(self) -> None:
        self.onus: list[SimulatedOnu] = []

    async def __call__(self, _olts: list[OltToPoll]) -> SnmpSource:
        return SimulatedSource({TARGET: SimulatedAgent(load_profile(VENDOR), self.onus)})


async def _hood(session: AsyncSession) -> Neighbourhood:
    return await make_neighbourhood(
        session, host=TARGET.host, port=TARGET.port, community=TARGET.community, per_port=10
    )


async def _outages(session: AsyncSession) -> list[Outage]:
    return list(await session.scalars(select(Outage).order_by(Outage.id)))


async def test_two_dark_ports_make_one_olt_outage(
    tx_database: TransactionalDatabase, settings: Settings
) -> None:
    model = ModelOlt()
    poller = OltPoller(tx_database, model, settings)
    async with tx_database.unit_of_work() as session:
        hood = await _hood(session)
        model.onus = port_onus(1, 1, 10) + port_onus(1, 2, 10)
        await poller.poll(session)
        model.onus = port_onus(1, 1, 10, down=9) + port_onus(1, 2, 10, down=7)
        await poller.poll(session)
        [outage] = await _outages(session)
        assert (outage.scope, outage.pon_port_id) == (OutageScope.olt, None)
        listed = set(await session.scalars(select(OutageCustomer.service_location_id)))
        assert len(listed) == 16
        assert hood.locations[("0/1/2", 8)].id not in listed
        model.onus = port_onus(1, 1, 10, down=2) + port_onus(1, 2, 10, down=1)
        await poller.poll(session)
        assert [o.closed_at is not None for o in await _outages(session)] == [True]


async def test_slow_attrition_and_small_drops_open_nothing(
    tx_database: TransactionalDatabase, settings: Settings
) -> None:
    model = ModelOlt()
    poller = OltPoller(tx_database, model, settings)
    async with tx_database.unit_of_work() as session:
        await _hood(session)
        model.onus = port_onus(1, 1, 10) + port_onus(1, 2, 10)
        await poller.poll(session)
        model.onus = port_onus(1, 1, 10, down=3) + port_onus(1, 2, 10)
        await poller.poll(session)  # 3 of 10: under the 50 % threshold
        old = utcnow() - dt.timedelta(hours=1)
        await session.execute(update(Onu).values(status_changed_at=old))
        model.onus = port_onus(1, 1, 10, down=6) + port_onus(1, 2, 10)
        await poller.poll(session)  # 6 of 10 offline, but only 3 dropped within the window
        assert await _outages(session) == []
        changes = await session.scalars(
            select(EventRecord).where(EventRecord.name == "onu.status_changed")
        )
        assert len(list(changes)) == 6


async def test_an_open_kuma_outage_on_the_olt_covers_its_ports(
    tx_database: TransactionalDatabase, settings: Settings
) -> None:
    model = ModelOlt()
    poller = OltPoller(tx_database, model, settings)
    async with tx_database.unit_of_work() as session:
        hood = await _hood(session)
        model.onus = port_onus(1, 1, 10) + port_onus(1, 2, 10)
        await poller.poll(session)
        await open_outage(
            session,
            olt_id=hood.olt.id,
            pon_port_id=None,
            source=OutageSource.kuma,
            cause="Uptime Kuma: down",
            location_ids=[],
        )
        model.onus = port_onus(1, 1, 10, down=10) + port_onus(1, 2, 10)
        await poller.poll(session)
        model.onus = port_onus(1, 1, 10) + port_onus(1, 2, 10)
        await poller.poll(session)
        [outage] = await _outages(session)
        assert outage.source == OutageSource.kuma
        assert outage.closed_at is None  # only Kuma's "up" closes Kuma's outage


async def test_a_port_outage_then_the_olt_warns_each_customer_once(
    tx_database: TransactionalDatabase, settings: Settings
) -> None:
    model = ModelOlt()
    poller = OltPoller(tx_database, model, settings)
    async with tx_database.unit_of_work() as session:
        await _hood(session)
        model.onus = port_onus(1, 1, 10) + port_onus(1, 2, 10)
        await poller.poll(session)
        model.onus = port_onus(1, 1, 10, down=8) + port_onus(1, 2, 10)
        await poller.poll(session)
        model.onus = port_onus(1, 1, 10, down=8) + port_onus(1, 2, 10, down=9)
        await poller.poll(session)
        scopes = [o.scope for o in await _outages(session)]
        assert scopes == [OutageScope.pon, OutageScope.olt]
        detected = await session.scalars(
            select(EventRecord).where(EventRecord.name == "outage.detected")
        )
        customers = [e.payload["customer"] for e in detected]
        assert len(customers) == 17
        assert len(set(customers)) == 17
