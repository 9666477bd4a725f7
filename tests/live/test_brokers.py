"""Both brokers: live delivery, replay after a last id, nothing lost between replay and live."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import secrets
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
import redis.asyncio as aioredis

from gigafibre.core.events import Event, EventBus, emit
from gigafibre.core.realtime import (
    Broker,
    Fanout,
    MemoryBroker,
    Message,
    RedisBroker,
    Subscription,
    build_broker,
    encode_frame,
    parse_id,
)
from gigafibre.live.api import domain_event_subscriber
from gigafibre.settings import Settings
from tests.conftest import TransactionalDatabase, service_unavailable

REDIS_URL = "redis://127.0.0.1:6379/0"


async def collect(subscription: Subscription, count: int) -> list[Message]:
    got: list[Message] = []
    async with asyncio.timeout(5):
        while len(got) < count:
            batch = await subscription.next_batch()
            assert batch is not None, f"closed after {got}"
            got += batch
    return got


@pytest_asyncio.fixture(loop_scope="session", params=["memory", "redis"])
async def broker(request: pytest.FixtureRequest) -> AsyncIterator[Broker]:
    if request.param == "memory":
        memory = MemoryBroker(first_id=0)
        yield memory
        await memory.close()
        return
    probe = aioredis.Redis.from_url(REDIS_URL)
    try:
        await probe.ping()
    except (OSError, aioredis.RedisError):
        service_unavailable(f"Redis is not reachable at {REDIS_URL}")
    finally:
        await probe.aclose()
    stream = f"gf:test:{secrets.token_hex(6)}"
    redis_broker = RedisBroker(REDIS_URL, stream=stream, block_ms=200)
    await redis_broker.start()
    yield redis_broker
    await redis_broker._redis.delete(stream)
    await redis_broker.close()


def test_frames_split_data_on_every_line_break() -> None:
    assert encode_frame("7", "note", "a\nb\r\nc\rd") == (
        b"id: 7\nevent: note\ndata: a\ndata: b\ndata: c\ndata: d\n\n"
    )
    assert encode_frame("8", "empty", "") == b"id: 8\nevent: empty\ndata: \n\n"


def test_ids_of_both_brokers_compare_in_order() -> None:
    assert parse_id("12") == (12, 0)
    assert parse_id("1700000000000-3") == (1700000000000, 3)
    assert parse_id("1700000000000-3") < parse_id("1700000000001-0")  # type: ignore[operator]
    for bad in (None, "", "abc", "1-x", "-1", "1-2-3", str(2**64), f"1-{2**64}"):
        assert parse_id(bad) is None


async def test_a_subscriber_gets_live_messages_of_its_topics_only(broker: Broker) -> None:
    async with broker.subscribe(["dispatch", "network"]) as subscription:
        await broker.publish("conversations", "ticket.created", "{}")
        first = await broker.publish("dispatch", "job.assigned", '{"job": "DJ-000001"}')
        second = await broker.publish("network", "outage.opened", "line 1\nline 2")
        got = await collect(subscription, 2)
    assert [(m.id, m.topic, m.event) for m in got] == [
        (first, "dispatch", "job.assigned"),
        (second, "network", "outage.opened"),
    ]
    assert got[1].frame.endswith(b"data: line 1\ndata: line 2\n\n")


async def test_a_subscriber_with_a_last_id_gets_what_came_after_it_then_live(
    broker: Broker,
) -> None:
    seen = await broker.publish("customer:C-000001", "invoice.issued", "1")
    missed = [await broker.publish("customer:C-000001", "payment.received", str(n)) for n in (2, 3)]
    await broker.publish("customer:C-000002", "invoice.issued", "other customer")
    other_topic = await broker.publish("dispatch", "job.done", "4")
    async with broker.subscribe(["customer:C-000001", "dispatch"], last_id=seen) as subscription:
        live = await broker.publish("customer:C-000001", "payment.refunded", "5")
        got = await collect(subscription, 4)
    assert [m.id for m in got] == [*missed, other_topic, live]


async def test_nothing_is_lost_or_doubled_between_replay_and_live() -> None:
    fanout = Fanout()
    stored: list[Message] = []

    def message(n: int) -> Message:
        return Message.build(str(n), (n, 0), "dispatch", "tick", str(n))

    async def slow_replay(topics: frozenset[str], after: tuple[int, int]) -> list[Message]:
        snapshot = [m for m in stored if m.key > after]
        for n in (4, 5):  # published while the replay is on its way back
            stored.append(message(n))
            fanout.deliver(message(n))
        await asyncio.sleep(0)
        return [*snapshot, stored[-2]]  # the replay already saw 4, not 5

    stored += [message(n) for n in (1, 2, 3)]
    async with Subscription(fanout, ["dispatch"], last_id="1", replayer=slow_replay) as sub:
        fanout.deliver(message(4))  # a reader lagging behind the replay: dropped as a duplicate
        fanout.deliver(message(6))
        got = await collect(sub, 5)
    assert [m.id for m in got] == ["2", "3", "4", "5", "6"]


async def test_a_subscriber_that_falls_behind_is_dropped_not_waited_for() -> None:
    broker = MemoryBroker(queue_limit=3, first_id=0)
    async with broker.subscribe(["network"]) as slow, broker.subscribe(["network"]) as fast:
        for n in range(5):
            await broker.publish("network", "olt.alarm", str(n))
            assert await fast.next_batch() is not None
        assert slow.overflowed
        assert [m.data for m in await slow.next_batch() or []] == ["0", "1", "2"]
        assert await slow.next_batch() is None  # the stream ends; the client reconnects
    assert broker.fanout.count == 0


async def test_the_memory_history_is_a_ring() -> None:
    broker = MemoryBroker(history=3, first_id=0)
    for n in range(5):
        await broker.publish("dispatch", "tick", str(n))
    async with broker.subscribe(["dispatch"], last_id="0") as subscription:
        assert [m.data for m in await subscription.next_batch() or []] == ["2", "3", "4"]


async def test_memory_ids_after_a_restart_are_above_the_old_ones() -> None:
    before = await MemoryBroker().publish("dispatch", "tick", "")
    restarted = MemoryBroker()
    after = await restarted.publish("dispatch", "tick", "")
    assert int(after) > int(before)
    async with restarted.subscribe(["dispatch"], last_id=before) as subscription:
        assert [m.id for m in await subscription.next_batch() or []] == [after]


async def test_a_waiting_subscriber_can_be_woken_for_a_keep_alive() -> None:
    broker = MemoryBroker()
    async with broker.subscribe(["dispatch"]) as subscription:
        assert await subscription.next_batch(max_wait=0.01) == []
        asyncio.get_running_loop().call_later(0.01, subscription.wake)
        assert await subscription.next_batch() == []
    assert await subscription.next_batch() is None


async def test_names_that_would_forge_sse_fields_are_refused(broker: Broker) -> None:
    with pytest.raises(ValueError, match="event"):
        await broker.publish("dispatch", "x\nid: 1", "")
    with pytest.raises(ValueError, match="topic"):
        await broker.publish("", "x", "")


async def test_committed_domain_events_reach_their_topics(
    tx_database: TransactionalDatabase,
) -> None:
    broker = MemoryBroker()
    bus = EventBus(tx_database)
    bus.subscribe(domain_event_subscriber(broker))
    async with broker.subscribe(["customer:C-000042", "dispatch"]) as subscription:
        async with tx_database.unit_of_work() as session:
            await emit(
                session,
                "payment.received",
                {"customer": "C-000042", "amount": "10.00"},
                topics=["customer:C-000042", "dispatch"],
            )
        got = await collect(subscription, 2)
    assert [(m.topic, m.event) for m in got] == [
        ("customer:C-000042", "payment.received"),
        ("dispatch", "payment.received"),
    ]
    assert json.loads(got[0].data) == {"customer": "C-000042", "amount": "10.00"}


async def test_the_subscriber_publishes_to_each_topic_of_an_event() -> None:
    broker = MemoryBroker()
    publish = domain_event_subscriber(broker)
    event = Event(
        7, "job.assigned", {"at": "now"}, ("dispatch", "technician:T-1"), dt.datetime.now(dt.UTC)
    )
    async with broker.subscribe(["technician:T-1"]) as subscription:
        await publish(event)
        assert [(m.event, m.data) for m in await collect(subscription, 1)] == [
            ("job.assigned", '{"at":"now"}')
        ]


def test_the_broker_follows_the_settings(settings: Settings) -> None:
    assert isinstance(build_broker(settings), MemoryBroker)
    redis_settings = settings.model_copy(update={"realtime_broker": "redis"})
    built = build_broker(redis_settings, stream="gf:test:settings")
    assert isinstance(built, RedisBroker)
    assert built.stream == "gf:test:settings"
