"""Reads of the inbox: the ticket list with filters, a thread, the unmatched queue, calls.

The list is one indexed query (`hd_ticket.last_message_at`, or `status, last_message_at`)
plus one query for the last message of each ticket on the page; a thread reads its
messages through `communication (ticket_id, created_at)`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.conversations.models import CommunicationAttachment, TicketTag
from gigafibre.conversations.service import get_ticket
from gigafibre.conversations.sla import SlaState, SlaTargets, sla_state
from gigafibre.core.db import utcnow
from gigafibre.core.errors import NotFoundError
from gigafibre.core.outbox import OutboxMessage
from gigafibre.customers.models import Customer
from gigafibre.tickets.models import (
    Channel,
    Communication,
    Direction,
    HDTicket,
    TicketPriority,
    TicketStatus,
)

PAGE_SIZE = 50


@dataclass(frozen=True)
class InboxFilters:
    status: TicketStatus | None = None
    priority: TicketPriority | None = None
    channel: Channel | None = None
    assignee: str | None = None
    tag: str | None = None
    customer_id: int | None = None


@dataclass(frozen=True)
class InboxRow:
    ticket: HDTicket
    customer_name: str | None
    customer: str | None
    last_message: Communication | None
    sla: SlaState


@dataclass(frozen=True)
class Message:
    communication: Communication
    attachments: list[CommunicationAttachment]
    delivery: str  # what became of it: received, queued, sent, delivered, failed, note…


@dataclass(frozen=True)
class Thread:
    ticket: HDTicket
    customer: Customer | None
    messages: list[Message]
    tags: list[str]
    sla: SlaState


def inbox_query(filters: InboxFilters):  # type: ignore[no-untyped-def]
    """The page query: tickets newest activity first, with the customer's name."""
    query = select(HDTicket, Customer.customer_name, Customer.name).outerjoin(
        Customer, Customer.id == HDTicket.customer_id
    )
    if filters.status is not None:
        query = query.where(HDTicket.status == filters.status)
    if filters.priority is not None:
        query = query.where(HDTicket.priority == filters.priority)
    if filters.channel is not None:
        query = query.where(HDTicket.channel == filters.channel)
    if filters.assignee:
        query = query.where(HDTicket.assignee == filters.assignee)
    if filters.customer_id is not None:
        query = query.where(HDTicket.customer_id == filters.customer_id)
    if filters.tag:
        query = query.where(
            exists().where(TicketTag.ticket_id == HDTicket.id, TicketTag.tag == filters.tag)
        )
    return query.order_by(HDTicket.last_message_at.desc(), HDTicket.id.desc())


async def last_messages(
    session: AsyncSession, ticket_ids: Sequence[int], *, public_only: bool = False
) -> dict[int, Communication]:
    if not ticket_ids:
        return {}
    latest = select(func.max(Communication.id)).where(Communication.ticket_id.in_(ticket_ids))
    if public_only:
        latest = latest.where(Communication.internal.is_(False))
    latest = latest.group_by(Communication.ticket_id)
    rows = (await session.scalars(select(Communication).where(Communication.id.in_(latest)))).all()
    return {row.ticket_id: row for row in rows if row.ticket_id is not None}


async def list_inbox(
    session: AsyncSession,
    filters: InboxFilters,
    targets: SlaTargets,
    *,
    offset: int = 0,
    limit: int = PAGE_SIZE,
) -> tuple[list[InboxRow], bool]:
    """A page of the inbox and whether there is a next one."""
    rows = (await session.execute(inbox_query(filters).offset(offset).limit(limit + 1))).all()
    page = rows[:limit]
    latest = await last_messages(session, [row[0].id for row in page])
    now = utcnow()
    return [
        InboxRow(
            ticket=ticket,
            customer_name=customer_name,
            customer=customer,
            last_message=latest.get(ticket.id),
            sla=sla_state(ticket, targets, now),
        )
        for ticket, customer_name, customer in page
    ], len(rows) > limit


def delivery_of(message: Communication, outbox: OutboxMessage | None) -> str:
    """The outbox's word for a reply (Twilio's report once it came), else the message's own."""
    if outbox is None:
        return message.status
    return outbox.delivery_status or str(outbox.status)


async def messages_of(
    session: AsyncSession, ticket_id: int, *, public_only: bool = False
) -> list[Message]:
    query = (
        select(Communication, OutboxMessage)
        .outerjoin(OutboxMessage, OutboxMessage.id == Communication.outbox_message_id)
        .where(Communication.ticket_id == ticket_id)
        .order_by(Communication.created_at, Communication.id)
    )
    if public_only:
        query = query.where(Communication.internal.is_(False))
    rows = (await session.execute(query)).all()
    files: dict[int, list[CommunicationAttachment]] = {}
    ids = [row[0].id for row in rows]
    if ids:
        for item in (
            await session.scalars(
                select(CommunicationAttachment)
                .where(CommunicationAttachment.communication_id.in_(ids))
                .order_by(CommunicationAttachment.id)
            )
        ).all():
            files.setdefault(item.communication_id, []).append(item)
    return [
        Message(
            communication=message,
            attachments=files.get(message.id, []),
            delivery=delivery_of(message, outbox),
        )
        for message, outbox in rows
    ]


async def thread(session: AsyncSession, name: str, targets: SlaTargets) -> Thread:
    ticket = await get_ticket(session, name)
    customer = await session.get(Customer, ticket.customer_id) if ticket.customer_id else None
    tags = (
        await session.scalars(
            select(TicketTag.tag).where(TicketTag.ticket_id == ticket.id).order_by(TicketTag.tag)
        )
    ).all()
    return Thread(
        ticket=ticket,
        customer=customer,
        messages=await messages_of(session, ticket.id),
        tags=list(tags),
        sla=sla_state(ticket, targets, utcnow()),
    )


async def unmatched(session: AsyncSession, *, limit: int = 100) -> Sequence[Communication]:
    """Messages from senders we could not recognise, oldest first (they wait the longest)."""
    return (
        await session.scalars(
            select(Communication)
            .where(
                Communication.customer_id.is_(None),
                Communication.ticket_id.is_(None),
                Communication.direction == Direction.inbound,
                Communication.channel.in_((Channel.sms, Channel.email)),
            )
            .order_by(Communication.created_at, Communication.id)
            .limit(limit)
        )
    ).all()


async def calls(
    session: AsyncSession, *, limit: int = 100, since: dt.datetime | None = None
) -> list[tuple[Communication, str | None, str | None]]:
    """The call log, newest first, with the customer's name and number when we know them."""
    query = (
        select(Communication, Customer.customer_name, Customer.name)
        .outerjoin(Customer, Customer.id == Communication.customer_id)
        .where(Communication.channel == Channel.phone, Communication.internal.is_(False))
        .order_by(Communication.created_at.desc(), Communication.id.desc())
        .limit(limit)
    )
    if since is not None:
        query = query.where(Communication.created_at >= since)
    return [(row[0], row[1], row[2]) for row in (await session.execute(query)).all()]


async def attachment(
    session: AsyncSession, attachment_id: int
) -> tuple[CommunicationAttachment, Communication]:
    row = (
        await session.execute(
            select(CommunicationAttachment, Communication)
            .join(Communication, Communication.id == CommunicationAttachment.communication_id)
            .where(CommunicationAttachment.id == attachment_id)
        )
    ).first()
    if row is None:
        raise NotFoundError("No attachment has the number {id}.", id=attachment_id)
    return row[0], row[1]
