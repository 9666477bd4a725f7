from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from gigafibre.core.events import Event, EventBus, EventRecord, emit
from tests.conftest import TransactionalDatabase


@pytest.fixture
def bus(tx_database: TransactionalDatabase) -> EventBus:
    return EventBus(tx_database)


async def test_an_event_is_published_after_its_transaction_commits(
    tx_database: TransactionalDatabase, bus: EventBus
) -> None:
    received: list[Event] = []

    async def subscriber(event: Event) -> None:
        received.append(event)

    bus.subscribe(subscriber)
    async with tx_database.unit_of_work() as session:
        await emit(session, "customer.created", {"name": "C-1"}, topics=["customer:C-1"])
        assert received == []
    assert [(e.name, e.payload, e.topics) for e in received] == [
        ("customer.created", {"name": "C-1"}, ("customer:C-1",))
    ]
    async with tx_database.unit_of_work() as session:
        record = await session.get(EventRecord, received[0].id)
        assert record is not None
        assert record.published_at is not None


async def test_a_rolled_back_change_publishes_nothing(
    tx_database: TransactionalDatabase, bus: EventBus
) -> None:
    received: list[Event] = []

    async def subscriber(event: Event) -> None:
        received.append(event)

    bus.subscribe(subscriber)

    async def fail_after_emit() -> None:
        async with tx_database.unit_of_work() as session:
            await emit(session, "payment.received", {"amount": "10.00"})
            raise ValueError("the payment could not be reconciled")

    with pytest.raises(ValueError, match="reconciled"):
        await fail_after_emit()
    assert received == []
    async with tx_database.unit_of_work() as session:
        names = (await session.scalars(select(EventRecord.name))).all()
    assert "payment.received" not in names


async def test_an_event_a_subscriber_failed_on_is_published_again_by_the_worker(
    tx_database: TransactionalDatabase, bus: EventBus
) -> None:
    received: list[int] = []
    failing = True

    async def flaky(event: Event) -> None:
        if failing:
            raise ConnectionError("broker down")
        received.append(event.id)

    bus.subscribe(flaky)
    async with tx_database.unit_of_work() as session:
        record = await emit(session, "job.completed", {"job": "DJ-000001"})
    assert received == []
    failing = False
    await bus.republish_stale(older_than=dt.timedelta(0))
    assert record.id in received  # other tests' committed events may come along on PostgreSQL
    received.clear()
    await bus.republish_stale(older_than=dt.timedelta(0))
    assert record.id not in received
