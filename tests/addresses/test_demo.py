"""Demo addresses: every demo service location is a served address, with neighbours around it."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.addresses.demo import demo_source_id, seed_addresses
from gigafibre.addresses.models import Address
from gigafibre.addresses.service import search_addresses
from gigafibre.customers.models import ServiceLocation
from gigafibre.demo.seed import seed_demo


async def test_every_demo_location_is_a_served_address(session: AsyncSession) -> None:
    await seed_demo(session, customers=25, seed=5, today=dt.date(2026, 11, 2))
    locations = (await session.scalars(select(ServiceLocation))).all()
    by_source = {a.source_id: a for a in await session.scalars(select(Address))}
    for location in locations:
        address = by_source[
            demo_source_id(int(location.civic_number), "", location.street, location.city)
        ]
        assert address.fibre_passed is True
        assert (address.street, address.municipality) == (location.street, location.city)
        assert (address.olt_name, address.pon_port) == (location.olt_name, location.pon_port)
    neighbours = [a for a in by_source.values() if not a.olt_name]
    assert neighbours, "some neighbours are not passed by fibre yet"
    assert len(by_source) > len(locations)
    marie = await search_addresses(session, "12 rue saint-jean")
    assert marie[0].label == "12 rue Saint-Jean, Québec G1R 1N8"
    assert marie[0].fibre_available is True


async def test_the_same_generator_gives_the_same_addresses(session: AsyncSession) -> None:
    await seed_demo(session, customers=8, seed=3, today=dt.date(2026, 11, 2))
    first = await _snapshot(session)
    await session.execute(delete(Address))
    assert await seed_addresses(session, rng=random.Random(1)) == len(first)
    again = await _snapshot(session)
    await session.execute(delete(Address))
    await seed_addresses(session, rng=random.Random(1))
    assert await _snapshot(session) == again
    assert await session.scalar(select(func.count()).select_from(Address)) == len(first)


async def _snapshot(session: AsyncSession) -> list[tuple[object, ...]]:
    rows = await session.execute(
        select(Address.source_id, Address.civic_number, Address.fibre_passed).order_by(
            Address.source_id
        )
    )
    return [tuple(row) for row in rows]
