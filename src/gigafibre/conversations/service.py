"""One inbox for every channel: inbound messages thread onto tickets, staff answer on the
customer's channel (see replies.py), and every change is announced on `conversations`.

Inbound SMS, email, portal messages and calls all become `Communication` rows. A sender is
matched to a customer by E.164 phone or email; a message from nobody we know waits in the
unmatched queue (no customer, no ticket) until staff link it. Replies never send anything
here: replies.py queues them in the outbox, in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.conversations import attachments as files
from gigafibre.conversations.models import CommunicationAttachment, TicketTag
from gigafibre.core.db import utcnow
from gigafibre.core.errors import ConflictError, NotFoundError
from gigafibre.core.events import emit
from gigafibre.core.naming import assign_name
from gigafibre.customers.models import Customer
from gigafibre.customers.normalize import InvalidPhoneError, normalize_phone
from gigafibre.live.topics import customer_topic
from gigafibre.tickets.models import (
    Channel,
    Communication,
    Direction,
    HDTicket,
    TicketPriority,
    TicketStatus,
)
from gigafibre.tickets.service import open_ticket

TOPIC = "conversations"
OPEN_STATES = (TicketStatus.open, TicketStatus.replied, TicketStatus.paused)
REOPEN_STATES = (TicketStatus.replied, TicketStatus.paused, TicketStatus.resolved)


@dataclass(frozen=True)
class Inbound:
    """A message as it arrived, whatever the channel."""

    channel: Channel
    sender: str
    content: str
    recipient: str = ""
    subject: str = ""
    external_id: str | None = None
    in_reply_to: tuple[str, ...] = ()
    attachments: tuple[files.NewAttachment, ...] = field(default_factory=tuple)


def _snippet(text: str, size: int = 60) -> str:
    line = " ".join(text.split())
    return line if len(line) <= size else line[: size - 1] + "…"


async def customer_by_phone(session: AsyncSession, raw: str) -> Customer | None:
    try:
        number = normalize_phone(raw)
    except InvalidPhoneError:
        return None
    return await session.scalar(
        select(Customer).where(Customer.phone == number).order_by(Customer.id).limit(1)
    )


async def customer_by_email(session: AsyncSession, address: str) -> Customer | None:
    address = address.strip()
    if "@" not in address:
        return None
    return await session.scalar(
        select(Customer)
        .where(Customer.email.in_({address, address.lower()}))
        .order_by(Customer.id)
        .limit(1)
    )


async def get_ticket(session: AsyncSession, name: str) -> HDTicket:
    ticket = await session.scalar(select(HDTicket).where(HDTicket.name == name))
    if ticket is None:
        raise NotFoundError("No ticket is named {name}.", name=name)
    return ticket


async def open_ticket_of(session: AsyncSession, customer_id: int) -> HDTicket | None:
    """The customer's ticket still in progress, the most recently active first."""
    return await session.scalar(
        select(HDTicket)
        .where(HDTicket.customer_id == customer_id, HDTicket.status.in_(OPEN_STATES))
        .order_by(HDTicket.last_message_at.desc(), HDTicket.id.desc())
        .limit(1)
    )


async def _threaded_ticket(session: AsyncSession, message_ids: Sequence[str]) -> HDTicket | None:
    """The ticket of the message an email answers (In-Reply-To / References), if not closed."""
    if not message_ids:
        return None
    return await session.scalar(
        select(HDTicket)
        .join(Communication, Communication.ticket_id == HDTicket.id)
        .where(
            Communication.external_id.in_(list(message_ids)),
            HDTicket.status != TicketStatus.closed,
        )
        .order_by(Communication.id.desc())
        .limit(1)
    )


async def _customer_name(session: AsyncSession, customer_id: int | None) -> str | None:
    if customer_id is None:
        return None
    name: str | None = await session.scalar(select(Customer.name).where(Customer.id == customer_id))
    return name


async def announce(
    session: AsyncSession,
    name: str,
    ticket: HDTicket | None,
    message: Communication | None = None,
    *,
    customer_sees: bool = True,
    **extra: str,
) -> None:
    """Emit `name` on `conversations`, and on the customer's own topic when they may see it."""
    customer = await _customer_name(
        session, ticket.customer_id if ticket else (message.customer_id if message else None)
    )
    payload: dict[str, str | None] = {
        "ticket": ticket.name if ticket else None,
        "customer": customer,
        "communication": message.name if message else None,
        "channel": str(message.channel) if message else None,
        **extra,
    }
    topics = [TOPIC]
    if customer and customer_sees:
        topics.append(customer_topic(customer))
    await emit(session, name, payload, topics=topics)


async def _start_ticket(
    session: AsyncSession, customer_id: int, channel: Channel, subject: str
) -> HDTicket:
    ticket = await open_ticket(
        session, customer_id=customer_id, subject=subject or "—", channel=channel
    )
    ticket.last_message_at = utcnow()
    await announce(session, "ticket.created", ticket, subject=ticket.subject)
    return ticket


async def _save_attachments(
    session: AsyncSession,
    message: Communication,
    items: Sequence[files.NewAttachment],
    data_dir: Path,
) -> None:
    for item in items:
        session.add(
            CommunicationAttachment(
                communication_id=message.id,
                filename=item.filename,
                content_type=item.content_type,
                size=len(item.content),
                stored_as=files.store(data_dir, item),
                created_at=utcnow(),
            )
        )
    if items:
        await session.flush()


async def receive(
    session: AsyncSession, inbound: Inbound, *, customer: Customer | None, data_dir: Path
) -> Communication:
    """Thread an inbound message: onto the ticket it answers, the customer's open ticket, a new
    ticket, or (sender unknown) the unmatched queue. A provider's replay returns the first copy."""
    if inbound.external_id:
        seen = await session.scalar(
            select(Communication).where(
                Communication.external_id == inbound.external_id,
                Communication.channel == inbound.channel,
                Communication.direction == Direction.inbound,
            )
        )
        if seen is not None:
            return seen
    ticket = await _threaded_ticket(session, inbound.in_reply_to)
    owner = ticket.customer_id if ticket is not None else None
    if owner is not None and (customer is None or customer.id != owner):
        customer = await session.get(Customer, owner)  # a reply from another address
    if ticket is None and customer is not None:
        ticket = await open_ticket_of(session, customer.id)
        if ticket is None:
            subject = inbound.subject or _snippet(inbound.content)
            ticket = await _start_ticket(session, customer.id, inbound.channel, subject)
    now = utcnow()
    message = Communication(
        customer_id=customer.id if customer else None,
        ticket_id=ticket.id if ticket else None,
        channel=inbound.channel,
        direction=Direction.inbound,
        sender=inbound.sender[:254],
        recipient=inbound.recipient[:254],
        subject=inbound.subject[:200],
        content=inbound.content,
        status="received",
        external_id=inbound.external_id,
        created_at=now,
    )
    await assign_name(session, message)
    session.add(message)
    await session.flush()
    await _save_attachments(session, message, inbound.attachments, data_dir)
    if ticket is None:
        await emit(
            session,
            "conversation.unmatched",
            {"communication": message.name, "channel": str(inbound.channel)},
            topics=[TOPIC],
        )
        return message
    if ticket.status in REOPEN_STATES:
        ticket.status = TicketStatus.open
        ticket.resolved_at = None
    ticket.last_message_at = now
    await session.flush()
    await announce(session, "ticket.message", ticket, message)
    return message


async def update_ticket(
    session: AsyncSession,
    *,
    name: str,
    actor: str,
    status: TicketStatus | None = None,
    priority: TicketPriority | None = None,
    assignee: str | None = None,
    tags: Sequence[str] | None = None,
) -> HDTicket:
    """Status, priority, assignee (empty string: nobody) and tags; resolving stamps the time."""
    ticket = await get_ticket(session, name)
    changed: list[str] = []
    if priority is not None and priority is not ticket.priority:
        ticket.priority, changed = priority, [*changed, "priority"]
    if assignee is not None and (assignee or None) != ticket.assignee:
        ticket.assignee, changed = assignee or None, [*changed, "assignee"]
    if tags is not None:
        await set_tags(session, ticket, tags)
        changed.append("tags")
    resolved = False
    if status is not None and status is not ticket.status:
        ticket.status, changed = status, [*changed, "status"]
        if status is TicketStatus.resolved:
            ticket.resolved_at, resolved = utcnow(), True
        elif status in OPEN_STATES:
            ticket.resolved_at = None
    await session.flush()
    if changed:
        await announce(session, "ticket.updated", ticket, changed=",".join(changed), actor=actor)
    if resolved:
        await announce(session, "ticket.resolved", ticket, actor=actor)
    return ticket


async def set_tags(session: AsyncSession, ticket: HDTicket, tags: Sequence[str]) -> list[str]:
    wanted = sorted({tag.strip().lower()[:40] for tag in tags if tag.strip()})
    existing = {
        row.tag: row
        for row in (
            await session.scalars(select(TicketTag).where(TicketTag.ticket_id == ticket.id))
        ).all()
    }
    for tag, row in existing.items():
        if tag not in wanted:
            await session.delete(row)
    for tag in wanted:
        if tag not in existing:
            session.add(TicketTag(ticket_id=ticket.id, tag=tag))
    await session.flush()
    return wanted


async def link_unmatched(
    session: AsyncSession, *, communication: str, customer_name: str, actor: str
) -> Communication:
    """Staff say who wrote: the message joins that customer's open ticket (or a new one)."""
    message = await session.scalar(select(Communication).where(Communication.name == communication))
    if message is None:
        raise NotFoundError("No message is named {name}.", name=communication)
    if message.ticket_id is not None or message.customer_id is not None:
        raise ConflictError("This message is already linked to a customer.")
    customer = await session.scalar(select(Customer).where(Customer.name == customer_name))
    if customer is None:
        raise NotFoundError("No customer is named {name}.", name=customer_name)
    ticket = await open_ticket_of(session, customer.id)
    if ticket is None:
        subject = message.subject or _snippet(message.content)
        ticket = await _start_ticket(session, customer.id, message.channel, subject)
    message.customer_id = customer.id
    message.ticket_id = ticket.id
    if ticket.status in REOPEN_STATES:
        ticket.status = TicketStatus.open
    ticket.last_message_at = max(ticket.last_message_at, message.created_at)
    await session.flush()
    await announce(session, "ticket.message", ticket, message, actor=actor)
    return message
