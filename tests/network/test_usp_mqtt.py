"""The USP presence worker against the real Mosquitto broker on 127.0.0.1:1883."""

from __future__ import annotations

import asyncio
import uuid

import aiomqtt
import pytest
from sqlalchemy import select

from gigafibre.core.events import EventRecord
from gigafibre.network.models import UspAgentPresence
from gigafibre.network.mqtt import BrokerAddress, UspPresenceWorker, usp_record_sender
from tests.conftest import TransactionalDatabase, service_unavailable

BROKER = "mqtt://127.0.0.1:1883"


def usp_record(from_id: str) -> bytes:
    """A USP Record as an agent sends it: version 1, to_id 2, from_id 3, a payload 7 (protobuf)."""

    def field(number: int, value: bytes) -> bytes:
        return bytes([number << 3 | 2, len(value)]) + value

    body = field(1, b"\x01\x02")  # an inner NoSessionContextRecord, skipped
    head = field(1, b"1.3") + field(2, b"oktopus::controller")
    return head + field(3, from_id.encode()) + field(7, body)


class WatchedWorker(UspPresenceWorker):
    """Lets the test wait until a message has been handled and its unit of work committed."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.handled: asyncio.Queue[tuple[str, bool]] = asyncio.Queue()

    async def handle(self, topic: str, payload: bytes) -> bool:
        changed = await super().handle(topic, payload)
        await self.handled.put((topic, changed))
        return changed


async def _broker_or_skip() -> None:
    try:
        async with aiomqtt.Client("127.0.0.1", 1883, timeout=2):
            return
    except aiomqtt.MqttError:
        service_unavailable("Mosquitto is not reachable on 127.0.0.1:1883")


def test_broker_address_parsing() -> None:
    parsed = BrokerAddress.parse("mqtt://oktopus:s%40cret@broker.example:8883")
    assert parsed == BrokerAddress("broker.example", 8883, "oktopus", "s@cret")
    assert BrokerAddress.parse("10.0.0.5").port == 1883


async def test_worker_records_agents_coming_and_going(tx_database: TransactionalDatabase) -> None:
    await _broker_or_skip()
    prefix = f"gf-test-{uuid.uuid4().hex[:8]}/usp/v1"
    worker = WatchedWorker(tx_database, url=BROKER, prefix=prefix)
    await worker.ensure_running()
    try:
        await asyncio.wait_for(worker.subscribed.wait(), timeout=5)
        async with aiomqtt.Client("127.0.0.1", 1883, protocol=aiomqtt.ProtocolVersion.V5) as agent:
            for topic, payload in (
                (f"{prefix}/status/os::012345-CPE-0001", b"1"),
                (f"{prefix}/status/os::012345-CPE-0001", b"1"),
                (f"{prefix}/status/os::012345-CPE-0001", b"0"),
                (f"{prefix}/status/os::012345-CPE-0002", b"maybe"),
                (f"{prefix}/controller", usp_record("os::012345-CPE-0001")),
            ):
                await agent.publish(topic, payload, qos=1)
                seen = await asyncio.wait_for(worker.handled.get(), timeout=5)
                assert seen[0] == topic
        async with tx_database.unit_of_work() as session:
            presence = (await session.scalars(select(UspAgentPresence))).one()
            assert presence.endpoint_id == "os::012345-CPE-0001"
            assert presence.online is True  # its USP record came after the "0"
            events = list(
                await session.scalars(
                    select(EventRecord)
                    .where(EventRecord.name == "usp.agent_status_changed")
                    .order_by(EventRecord.id)
                )
            )
        assert [(e.payload["online"], e.topics) for e in events] == [
            (True, ["network"]),
            (False, ["network"]),
            (True, ["network"]),
        ]
    finally:
        await worker.stop()


@pytest.mark.parametrize(
    ("topic", "expected"),
    [
        ("oktopus/usp/v1/status/abc", "abc"),
        ("oktopus/usp/v1/status/", None),
        ("oktopus/usp/v1/controller/abc", None),
    ],
)
def test_endpoint_of_topic(
    tx_database: TransactionalDatabase, topic: str, expected: str | None
) -> None:
    worker = UspPresenceWorker(tx_database, url=BROKER)
    assert worker.endpoint_of(topic) == expected


def test_usp_record_sender() -> None:
    assert usp_record_sender(usp_record("proto::agent-7")) == "proto::agent-7"
    assert usp_record_sender(b"") is None
    assert usp_record_sender(b"\x1a\x05ab") is None  # truncated
    assert usp_record_sender(b"not protobuf at all") is None
