"""The outbox: every SMS, email and outgoing webhook is a row written in the business transaction.

The worker claims due rows (on PostgreSQL with `FOR UPDATE SKIP LOCKED`, so several workers
share the load), sends them through the sender registered for their channel, and records the
outcome. A retriable failure comes back later with exponential back-off; after the last attempt,
or on a permanent failure, the row is a dead letter that staff can see and send again.
A claimed row carries a lease: if its worker dies, another takes it once the lease runs out.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from collections.abc import Awaitable, Callable, Mapping
from enum import StrEnum
from typing import Any

import structlog
from sqlalchemy import JSON, Integer, String, Text, and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from gigafibre.core.db import Base, Database, utcnow
from gigafibre.core.errors import ConflictError, NotFoundError
from gigafibre.core.types import UTCDateTime, enum_column

log = structlog.get_logger("gigafibre.outbox")
BASE_DELAY_SECONDS = 15.0
MAX_DELAY_SECONDS = 3600.0
LEASE_SECONDS = 120


class OutboxStatus(StrEnum):
    pending = "pending"
    sending = "sending"
    sent = "sent"
    dead = "dead"


class OutboxMessage(Base):
    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), index=True)
    recipient: Mapped[str] = mapped_column(String(500))
    subject: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reference: Mapped[str] = mapped_column(String(40), default="", index=True)
    status: Mapped[OutboxStatus] = mapped_column(
        enum_column(OutboxStatus, "outbox_status"), default=OutboxStatus.pending, index=True
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=8)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str] = mapped_column(Text, default="")
    provider_reference: Mapped[str] = mapped_column(String(120), default="", index=True)
    delivery_status: Mapped[str] = mapped_column(String(40), default="")
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class RetriableSendError(Exception):
    """The provider could not take the message now; try again (after `delay_seconds` if given)."""

    def __init__(self, message: str, *, delay_seconds: float | None = None) -> None:
        super().__init__(message)
        self.delay_seconds = delay_seconds


class PermanentSendError(Exception):
    """The message can never be sent as it is (bad number, rejected address)."""


Sender = Callable[[OutboxMessage], Awaitable[str]]


async def enqueue(
    session: AsyncSession,
    *,
    channel: str,
    recipient: str,
    body: str,
    subject: str = "",
    payload: Mapping[str, Any] | None = None,
    reference: str = "",
    dedupe_key: str | None = None,
    max_attempts: int = 8,
) -> OutboxMessage:
    """Queue a message in the caller's transaction; it leaves only if that transaction commits."""
    if dedupe_key is not None:
        existing = await session.scalar(
            select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key)
        )
        if existing is not None:
            return existing
    message = OutboxMessage(
        channel=channel,
        recipient=recipient,
        subject=subject,
        body=body,
        payload=dict(payload or {}),
        reference=reference,
        dedupe_key=dedupe_key,
        max_attempts=max_attempts,
        next_attempt_at=utcnow(),
        created_at=utcnow(),
    )
    session.add(message)
    await session.flush()
    return message


def backoff_seconds(attempts: int, *, jitter: float = 0.1) -> float:
    """15 s, 30 s, 1 min, 2 min … capped at an hour, with a little jitter to spread retries."""
    delay = min(BASE_DELAY_SECONDS * 2 ** max(attempts - 1, 0), MAX_DELAY_SECONDS)
    return float(delay * (1 + random.uniform(-jitter, jitter)))


async def send_again(session: AsyncSession, *, message_id: int) -> OutboxMessage:
    """Staff put a dead letter back in line, with a fresh set of attempts."""
    message = await session.get(OutboxMessage, message_id)
    if message is None:
        raise NotFoundError("No message has the number {id}.", id=message_id)
    if message.status is not OutboxStatus.dead:
        raise ConflictError("Only a message that failed for good can be sent again.")
    message.status = OutboxStatus.pending
    message.attempts = 0
    message.next_attempt_at = utcnow()
    message.last_error = ""
    await session.flush()
    return message


class OutboxWorker:
    """Claims due messages and sends them through the sender of their channel."""

    def __init__(
        self, db: Database, senders: Mapping[str, Sender], *, batch: int = 20, concurrency: int = 5
    ) -> None:
        self.db = db
        self.senders = dict(senders)
        self.batch = batch
        self.concurrency = concurrency

    async def claim(self) -> list[OutboxMessage]:
        now = utcnow()
        due = or_(
            and_(
                OutboxMessage.status == OutboxStatus.pending,
                OutboxMessage.next_attempt_at <= now,
            ),
            and_(
                OutboxMessage.status == OutboxStatus.sending,
                OutboxMessage.locked_until < now,
            ),
        )
        async with self.db.unit_of_work() as session:
            candidates = (
                select(OutboxMessage.id)
                .where(due)
                .order_by(OutboxMessage.next_attempt_at)
                .limit(self.batch)
                .with_for_update(skip_locked=True)
            )
            claimed = (
                await session.scalars(
                    update(OutboxMessage)
                    .where(OutboxMessage.id.in_(candidates), due)
                    .values(
                        status=OutboxStatus.sending,
                        locked_until=now + dt.timedelta(seconds=LEASE_SECONDS),
                        attempts=OutboxMessage.attempts + 1,
                    )
                    .returning(OutboxMessage)
                )
            ).all()
            return list(claimed)

    async def run_once(self) -> int:
        """Send what is due now; returns how many messages were tried."""
        messages = await self.claim()
        if not messages:
            return 0
        limit = asyncio.Semaphore(self.concurrency)

        async def send(message: OutboxMessage) -> None:
            async with limit:
                await self._send(message)

        await asyncio.gather(*(send(message) for message in messages))
        return len(messages)

    async def _send(self, message: OutboxMessage) -> None:
        sender = self.senders.get(message.channel)
        values: dict[str, Any] = {"locked_until": None}
        try:
            if sender is None:
                raise PermanentSendError(f"no sender for channel {message.channel!r}")
            values["provider_reference"] = (await sender(message))[:120]
            values.update(status=OutboxStatus.sent, sent_at=utcnow(), last_error="")
            log.info("outbox.sent", id=message.id, channel=message.channel)
        except PermanentSendError as error:
            values.update(status=OutboxStatus.dead, last_error=str(error)[:2000])
            log.warning("outbox.dead", id=message.id, channel=message.channel, error=str(error))
        except Exception as error:
            delay = getattr(error, "delay_seconds", None) or backoff_seconds(message.attempts)
            final = message.attempts >= message.max_attempts
            values.update(
                status=OutboxStatus.dead if final else OutboxStatus.pending,
                next_attempt_at=utcnow() + dt.timedelta(seconds=delay),
                last_error=f"{type(error).__name__}: {error}"[:2000],
            )
            log.warning(
                "outbox.retry" if not final else "outbox.dead",
                id=message.id,
                channel=message.channel,
                attempts=message.attempts,
                error=str(error),
            )
        async with self.db.unit_of_work() as session:
            await session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.id == message.id,
                    OutboxMessage.status == OutboxStatus.sending,
                    OutboxMessage.attempts == message.attempts,
                )
                .values(**values)
            )
