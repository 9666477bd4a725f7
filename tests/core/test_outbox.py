from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter

import pytest
from sqlalchemy import delete, update

from gigafibre.core.db import Database, utcnow
from gigafibre.core.errors import ConflictError
from gigafibre.core.outbox import (
    OutboxMessage,
    OutboxStatus,
    OutboxWorker,
    PermanentSendError,
    RetriableSendError,
    backoff_seconds,
    enqueue,
    send_again,
)
from tests.conftest import TransactionalDatabase


async def make_due(db: Database) -> None:
    async with db.unit_of_work() as session:
        await session.execute(update(OutboxMessage).values(next_attempt_at=utcnow()))


async def load(db: Database, message_id: int) -> OutboxMessage:
    async with db.unit_of_work(write=False) as session:
        message = await session.get(OutboxMessage, message_id)
        assert message is not None
        return message


async def test_a_retriable_failure_is_tried_again_until_it_is_sent_once(
    tx_database: TransactionalDatabase,
) -> None:
    calls: list[int] = []

    async def flaky_sms(message: OutboxMessage) -> str:
        calls.append(message.id)
        if len(calls) < 3:
            raise RetriableSendError("HTTP 500 from the provider")
        return "SM123"

    worker = OutboxWorker(tx_database, {"sms": flaky_sms}, concurrency=1)
    async with tx_database.unit_of_work() as session:
        queued = await enqueue(session, channel="sms", recipient="+14185550123", body="Bonjour")
    assert await worker.run_once() == 1
    first = await load(tx_database, queued.id)
    assert first.status is OutboxStatus.pending
    assert first.next_attempt_at > utcnow() + dt.timedelta(seconds=5)
    assert await worker.run_once() == 0  # not due yet: back-off
    for _ in range(2):
        await make_due(tx_database)
        await worker.run_once()
    sent = await load(tx_database, queued.id)
    assert sent.status is OutboxStatus.sent
    assert sent.attempts == 3
    assert sent.provider_reference == "SM123"
    await make_due(tx_database)
    assert await worker.run_once() == 0
    assert calls == [queued.id] * 3


async def test_permanent_failures_and_exhausted_attempts_become_dead_letters(
    tx_database: TransactionalDatabase,
) -> None:
    async def refuse(message: OutboxMessage) -> str:
        if message.recipient == "bad":
            raise PermanentSendError("invalid number")
        raise RetriableSendError("still down")

    worker = OutboxWorker(tx_database, {"sms": refuse}, concurrency=1)
    async with tx_database.unit_of_work() as session:
        bad = await enqueue(session, channel="sms", recipient="bad", body="x")
        tired = await enqueue(session, channel="sms", recipient="+1", body="x", max_attempts=2)
    await worker.run_once()
    await make_due(tx_database)
    await worker.run_once()
    assert (await load(tx_database, bad.id)).status is OutboxStatus.dead
    dead = await load(tx_database, tired.id)
    assert dead.status is OutboxStatus.dead
    assert dead.last_error == "RetriableSendError: still down"

    async with tx_database.unit_of_work() as session:
        again = await send_again(session, message_id=tired.id)
        assert again.status is OutboxStatus.pending
        assert again.attempts == 0
        with pytest.raises(ConflictError):
            await send_again(session, message_id=tired.id)


async def test_a_message_whose_worker_died_is_taken_over_after_its_lease(
    tx_database: TransactionalDatabase,
) -> None:
    sent: list[int] = []

    async def sms(message: OutboxMessage) -> str:
        sent.append(message.id)
        return "ok"

    worker = OutboxWorker(tx_database, {"sms": sms}, concurrency=1)
    async with tx_database.unit_of_work() as session:
        queued = await enqueue(session, channel="sms", recipient="+1", body="x")
    claimed = await worker.claim()  # the worker dies here, before sending
    assert [m.id for m in claimed] == [queued.id]
    assert await worker.run_once() == 0  # still leased
    async with tx_database.unit_of_work() as session:
        await session.execute(
            update(OutboxMessage).values(locked_until=utcnow() - dt.timedelta(seconds=1))
        )
    assert await worker.run_once() == 1
    assert sent == [queued.id]
    assert (await load(tx_database, queued.id)).attempts == 2


async def test_the_same_dedupe_key_queues_one_message(tx_database: TransactionalDatabase) -> None:
    async with tx_database.unit_of_work() as session:
        first = await enqueue(
            session, channel="email", recipient="a@b.c", body="x", dedupe_key="k1"
        )
        second = await enqueue(
            session, channel="email", recipient="a@b.c", body="x", dedupe_key="k1"
        )
    assert first.id == second.id


def test_backoff_grows_then_caps() -> None:
    delays = [backoff_seconds(n, jitter=0) for n in (1, 2, 3, 4, 20)]
    assert delays == [15, 30, 60, 120, 3600]


async def test_several_workers_send_each_message_exactly_once(database: Database) -> None:
    """Three workers on their own connections race over the same 60 messages."""
    channel = "race-sms"
    sent: Counter[int] = Counter()

    async def sms(message: OutboxMessage) -> str:
        await asyncio.sleep(0.001)
        sent[message.id] += 1
        return "ok"

    async with database.unit_of_work() as session:
        ids = [
            (await enqueue(session, channel=channel, recipient=f"+1418555{n:04d}", body="x")).id
            for n in range(60)
        ]
    workers = [OutboxWorker(database, {channel: sms}, batch=7) for _ in range(3)]

    async def drain(worker: OutboxWorker) -> None:
        while await worker.run_once():
            continue

    try:
        await asyncio.gather(*(drain(worker) for worker in workers))
        assert sorted(sent) == sorted(ids)
        assert set(sent.values()) == {1}
    finally:
        async with database.unit_of_work() as session:
            await session.execute(delete(OutboxMessage).where(OutboxMessage.channel == channel))
