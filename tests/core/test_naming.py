from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.core.db import Database
from gigafibre.core.naming import next_name
from tests.conftest import BACKEND, TransactionalDatabase


async def test_names_follow_each_other_with_their_padding(session: AsyncSession) -> None:
    assert await next_name(session, "T1-", 6) == "T1-000001"
    assert await next_name(session, "T1-", 6) == "T1-000002"
    assert await next_name(session, "T2-", 7) == "T2-0000001"


async def test_a_rolled_back_name_is_handed_out_again(tx_database: TransactionalDatabase) -> None:
    async def take_then_fail() -> None:
        async with tx_database.unit_of_work() as unit:
            assert await next_name(unit, "RB-", 3) == "RB-001"
            raise RuntimeError("abort the unit of work")

    with pytest.raises(RuntimeError):
        await take_then_fail()
    async with tx_database.unit_of_work() as unit:
        assert await next_name(unit, "RB-", 3) == "RB-001"


@pytest.mark.skipif(BACKEND != "postgresql", reason="concurrent writers need PostgreSQL")
async def test_concurrent_inserts_never_share_a_name(database: Database) -> None:
    """Forty transactions racing on a brand-new series, on as many connections."""
    prefix = "RACE-"

    async def take() -> str:
        async with database.unit_of_work() as unit:
            name = await next_name(unit, prefix, 6)
            await asyncio.sleep(0.01)
            return name

    names = await asyncio.gather(*(take() for _ in range(40)))
    assert len(set(names)) == 40
    assert sorted(names) == [f"{prefix}{n:06d}" for n in range(1, 41)]
