"""Tickets: what other modules need today. The inbox arrives with its own issue."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.core.db import utcnow
from gigafibre.core.naming import assign_name
from gigafibre.tickets.models import (
    Channel,
    Communication,
    Direction,
    HDTicket,
    TicketPriority,
)


async def tickets_for_customer(
    session: AsyncSession, *, customer_id: int, limit: int = 20
) -> Sequence[HDTicket]:
    return (
        await session.scalars(
            select(HDTicket)
            .where(HDTicket.customer_id == customer_id)
            .order_by(HDTicket.opened_at.desc())
            .limit(limit)
        )
    ).all()


async def open_ticket(
    session: AsyncSession,
    *,
    customer_id: int | None,
    subject: str,
    channel: Channel = Channel.web,
    priority: TicketPriority = TicketPriority.medium,
    note: str = "",
    actor: str = "",
) -> HDTicket:
    """A new ticket, with its first message when there is one. Flushes; the caller commits."""
    ticket = HDTicket(
        customer_id=customer_id,
        subject=subject[:200],
        channel=channel,
        priority=priority,
        opened_at=utcnow(),
    )
    await assign_name(session, ticket)
    session.add(ticket)
    await session.flush()
    if note:
        message = Communication(
            customer_id=customer_id,
            ticket_id=ticket.id,
            channel=channel,
            direction=Direction.inbound,
            sender=actor,
            content=note,
            status="received",
            created_at=utcnow(),
        )
        await assign_name(session, message)
        session.add(message)
        await session.flush()
    return ticket
