"""The USP presence worker: follows Oktopus's MQTT topics and records when agents come and go.

Oktopus's broker publishes `"1"` / `"0"` (QoS 1, not retained) on `<prefix>/status/<endpoint
id>` when a USP agent's MQTT 5 session subscribes or closes (the agent's Will is `"0"`). There is
no heartbeat topic: liveness is the session, so the worker also reads the USP Records agents
publish to `<prefix>/controller` (their Notify and responses) as proof of life, taking the
sender from the Record's `from_id`. Changes are announced on the `network` topic as
`usp.agent_status_changed`. The worker loop reconnects on its own; `ensure_running` is
the background worker's duty that keeps it alive.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import aiomqtt
import structlog
from sqlalchemy import select

from gigafibre.core.db import Database, utcnow
from gigafibre.core.events import emit
from gigafibre.network.models import UspAgentPresence

log = structlog.get_logger("gigafibre.network.mqtt")
TOPIC = "network"
RECONNECT_SECONDS = (1.0, 2.0, 5.0, 10.0, 30.0)


@dataclass(frozen=True)
class BrokerAddress:
    host: str
    port: int
    username: str | None
    password: str | None

    @classmethod
    def parse(cls, url: str) -> BrokerAddress:
        """`mqtt://user:pass@host:1883` (or a bare host)."""
        parts = urlsplit(url if "://" in url else f"mqtt://{url}")
        return cls(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 1883,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )


def _varint(data: bytes, position: int) -> tuple[int, int]:
    value = shift = 0
    while position < len(data):
        byte = data[position]
        position += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, position
        shift += 7
        if shift > 63:
            break
    raise ValueError("truncated varint")


def usp_record_sender(payload: bytes) -> str | None:
    """`from_id` (field 3) of a USP Record (protobuf), reading only the top-level fields."""
    position = 0
    try:
        while position < len(payload):
            key, position = _varint(payload, position)
            field, wire = key >> 3, key & 7
            if wire == 0:
                _value, position = _varint(payload, position)
            elif wire == 2:
                length, position = _varint(payload, position)
                if position + length > len(payload):
                    return None
                chunk = payload[position : position + length]
                position += length
                if field == 3:
                    sender = chunk.decode()
                    return sender if sender and sender.isprintable() else None
            elif wire in (1, 5):
                position += 8 if wire == 1 else 4
            else:
                return None
    except (ValueError, UnicodeDecodeError):
        return None
    return None


class UspPresenceWorker:
    def __init__(self, db: Database, *, url: str, prefix: str = "oktopus/usp/v1") -> None:
        self.db = db
        self.broker = BrokerAddress.parse(url)
        self.prefix = prefix.strip("/")
        self.subscribed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def filters(self) -> tuple[str, ...]:
        """Status messages, and USP records agents send the controller (proof of life)."""
        return (f"{self.prefix}/status/+", f"{self.prefix}/controller/#")  # "#" takes the parent

    def endpoint_of(self, topic: str) -> str | None:
        head = f"{self.prefix}/status/"
        endpoint = topic[len(head) :] if topic.startswith(head) else ""
        return endpoint if endpoint and "/" not in endpoint else None

    def is_controller_topic(self, topic: str) -> bool:
        head = f"{self.prefix}/controller"
        return topic == head or topic.startswith(head + "/")

    async def handle(self, topic: str, payload: bytes) -> bool:
        """Record one message; True when the agent's online state changed."""
        if self.is_controller_topic(topic):
            sender = usp_record_sender(payload)
            return await self.record(sender, online=True) if sender else False
        endpoint = self.endpoint_of(topic)
        text = payload.strip()
        if endpoint is None or text not in (b"0", b"1"):
            return False
        return await self.record(endpoint, online=text == b"1")

    async def record(self, endpoint: str, *, online: bool) -> bool:
        now = utcnow()
        async with self.db.unit_of_work() as session:
            presence = await session.scalar(
                select(UspAgentPresence).where(UspAgentPresence.endpoint_id == endpoint)
            )
            if presence is None:
                presence = UspAgentPresence(
                    endpoint_id=endpoint, online=not online, last_seen_at=now, changed_at=now
                )
                session.add(presence)
            changed = presence.online != online
            presence.last_seen_at = now
            if changed:
                presence.online, presence.changed_at = online, now
                await emit(
                    session,
                    "usp.agent_status_changed",
                    {"endpoint_id": endpoint, "online": online, "at": now.isoformat()},
                    topics=[TOPIC],
                )
        return changed

    async def run(self) -> None:
        """Listen until cancelled, reconnecting with back-off when the broker goes away."""
        failures = 0
        while True:
            try:
                async with aiomqtt.Client(
                    self.broker.host,
                    self.broker.port,
                    username=self.broker.username,
                    password=self.broker.password,
                    protocol=aiomqtt.ProtocolVersion.V5,
                ) as client:
                    for topic_filter in self.filters:
                        await client.subscribe(topic_filter, qos=1)
                    self.subscribed.set()
                    failures = 0
                    log.info("usp.mqtt_subscribed", topics=self.filters)
                    async for message in client.messages:
                        payload = message.payload
                        if isinstance(payload, bytes | bytearray):
                            await self.handle(message.topic.value, bytes(payload))
            except aiomqtt.MqttError as failure:
                self.subscribed.clear()
                delay = RECONNECT_SECONDS[min(failures, len(RECONNECT_SECONDS) - 1)]
                failures += 1
                log.warning("usp.mqtt_disconnected", error=str(failure), retry_in=delay)
                await asyncio.sleep(delay)

    async def ensure_running(self) -> None:
        """Worker duty: start the listener, or restart it if it died."""
        if self._task is not None and not self._task.done():
            return
        if self._task is not None and not self._task.cancelled() and self._task.exception():
            log.error("usp.mqtt_worker_died", error=str(self._task.exception()))
        self._task = asyncio.create_task(self.run(), name="usp-presence")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
