"""Domain events: recorded in the transaction of the change they report, published after commit.

`emit` writes an `event` row and remembers its id on the session. When the unit of work commits,
the `EventBus` (registered on the `Database`) hands the event to every subscriber (SSE, the flow
runtime) and then marks it published. If the process dies in between, the worker finds the
unpublished row and publishes it: delivery is at least once, so subscribers are idempotent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import structlog
from sqlalchemy import JSON, String, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from gigafibre.core.db import Base, Database, utcnow
from gigafibre.core.types import UTCDateTime

PENDING_EVENTS = "gf_pending_events"
PUBLISH_CHUNK = 500
log = structlog.get_logger("gigafibre.events")


class EventRecord(Base):
    __tablename__ = "event"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), index=True)


@dataclass(frozen=True)
class Event:
    """What subscribers receive: names like `payment.received`, ids usable as idempotency keys."""

    id: int
    name: str
    payload: dict[str, Any]
    topics: tuple[str, ...]
    created_at: dt.datetime

    @classmethod
    def of(cls, record: EventRecord) -> Event:
        return cls(
            id=record.id,
            name=record.name,
            payload=dict(record.payload),
            topics=tuple(record.topics),
            created_at=record.created_at,
        )


Subscriber = Callable[[Event], Awaitable[None]]


async def emit(
    session: AsyncSession, name: str, payload: dict[str, Any], *, topics: Iterable[str] = ()
) -> EventRecord:
    """Record that something happened; it is published only if the transaction commits."""
    record = EventRecord(name=name, payload=payload, topics=list(topics), created_at=utcnow())
    session.add(record)
    await session.flush()
    session.info.setdefault(PENDING_EVENTS, []).append(record.id)
    return record


async def emit_many(
    session: AsyncSession, events: Sequence[tuple[str, dict[str, Any], Sequence[str]]]
) -> int:
    """`emit` for bulk work (a billing run): one statement for many (name, payload, topics)."""
    if not events:
        return 0
    now = utcnow()
    ids = (
        await session.scalars(
            insert(EventRecord).returning(EventRecord.id),
            [
                {"name": name, "payload": payload, "topics": list(topics), "created_at": now}
                for name, payload, topics in events
            ],
        )
    ).all()
    session.info.setdefault(PENDING_EVENTS, []).extend(ids)
    return len(ids)


class EventBus:
    """Publishes committed events to subscribers, in order, at least once."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.subscribers: list[Subscriber] = []
        db.on_commit(self._after_commit)

    def subscribe(self, subscriber: Subscriber) -> None:
        self.subscribers.append(subscriber)

    async def _after_commit(self, info: dict[str, Any]) -> None:
        ids: list[int] = info.pop(PENDING_EVENTS, [])
        if ids:
            await self.publish(ids)

    async def publish(self, ids: Sequence[int]) -> int:
        delivered = 0
        for start in range(0, len(ids), PUBLISH_CHUNK):
            delivered += await self._publish_chunk(ids[start : start + PUBLISH_CHUNK])
        return delivered

    async def _publish_chunk(self, ids: Sequence[int]) -> int:
        async with self.db.unit_of_work() as session:
            records = (
                await session.scalars(
                    select(EventRecord)
                    .where(EventRecord.id.in_(ids), EventRecord.published_at.is_(None))
                    .order_by(EventRecord.id)
                )
            ).all()
            events = [Event.of(record) for record in records]
        delivered: list[int] = []
        for event in events:
            try:
                for subscriber in self.subscribers:
                    await subscriber(event)
            except Exception:
                log.exception("event.publish_failed", event_id=event.id, name=event.name)
                break
            delivered.append(event.id)
        if delivered:
            async with self.db.unit_of_work() as session:
                await session.execute(
                    update(EventRecord)
                    .where(EventRecord.id.in_(delivered), EventRecord.published_at.is_(None))
                    .values(published_at=utcnow())
                )
        return len(delivered)

    async def republish_stale(self, *, older_than: dt.timedelta, limit: int = 200) -> int:
        """Worker duty: publish what a process that died after its commit left behind."""
        async with self.db.unit_of_work(write=False) as session:
            ids = (
                await session.scalars(
                    select(EventRecord.id)
                    .where(
                        EventRecord.published_at.is_(None),
                        EventRecord.created_at <= utcnow() - older_than,
                    )
                    .order_by(EventRecord.id)
                    .limit(limit)
                )
            ).all()
        return await self.publish(list(ids)) if ids else 0
