"""Calls from the 3CX PBX: each call is one phone Communication, updated as its events come."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.conversations.schemas import CallEvent
from gigafibre.conversations.service import TOPIC, customer_by_phone, open_ticket_of
from gigafibre.core.db import utcnow
from gigafibre.core.events import emit
from gigafibre.core.naming import assign_name
from gigafibre.customers.normalize import InvalidPhoneError, normalize_phone
from gigafibre.tickets.models import Channel, Communication, Direction

OUR_SIDE = "Gigafibre"


async def record_call(
    session: AsyncSession, event: CallEvent, *, source: str = "3cx"
) -> Communication:
    """Create the call on its first event, then update status, duration and agent.

    A call from a known number goes on the customer's open ticket when there is one, so the
    thread shows it; otherwise it stays on the customer's record (the telephony log).
    """
    external_id = f"{source}:{event.call_id}"
    call = await session.scalar(
        select(Communication).where(
            Communication.external_id == external_id, Communication.channel == Channel.phone
        )
    )
    if call is None:
        customer = await customer_by_phone(session, event.number)
        ticket = await open_ticket_of(session, customer.id) if customer else None
        inbound = event.direction is Direction.inbound
        try:
            number = normalize_phone(event.number)
        except InvalidPhoneError:
            number = event.number
        call = Communication(
            customer_id=customer.id if customer else None,
            ticket_id=ticket.id if ticket else None,
            channel=Channel.phone,
            direction=event.direction,
            sender=number if inbound else OUR_SIDE,
            recipient=OUR_SIDE if inbound else number,
            external_id=external_id,
            created_at=event.started_at or utcnow(),
        )
        await assign_name(session, call)
        session.add(call)
    call.status = event.status
    if event.agent:
        call.author = event.agent
    if event.duration_seconds is not None:
        call.duration_seconds = event.duration_seconds
    await session.flush()
    await emit(
        session,
        "call.updated",
        {"communication": call.name, "status": call.status},
        topics=[TOPIC],
    )
    return call
