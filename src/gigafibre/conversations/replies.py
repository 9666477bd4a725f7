"""Staff replies: on the customer's channel through the outbox, or an internal note.

SMS and email are queued in the caller's transaction (they leave only if it commits); an email
carries our own Message-ID and In-Reply-To/References to the customer's messages, so their
mail client threads it and their answer finds the ticket again. A portal reply needs no
delivery: the customer's topic brings it to their open page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.conversations.service import announce, get_ticket
from gigafibre.core.db import utcnow
from gigafibre.core.errors import ConflictError
from gigafibre.core.naming import assign_name
from gigafibre.customers.models import Customer
from gigafibre.notify import service as notify
from gigafibre.notify.providers.email import mail_domain
from gigafibre.settings import Settings
from gigafibre.tickets.models import Channel, Communication, Direction, HDTicket, TicketStatus

REPLY_TEMPLATE = "ticket_reply"
MAX_REFERENCES = 10


@dataclass(frozen=True)
class Outgoing:
    """What replies need from settings: who we are and where the customer follows up."""

    company_name: str
    portal_url: str
    mail_domain: str

    @classmethod
    def of(cls, settings: Settings) -> Outgoing:
        return cls(
            company_name=settings.company_name,
            portal_url=settings.public_base_url.rstrip("/") + "/portal/messages",
            mail_domain=mail_domain(settings.smtp_from),
        )


def reply_channel(history: Sequence[Communication], ticket: HDTicket) -> Channel:
    """The channel the customer last wrote on; a call is answered by SMS."""
    for message in reversed(history):
        if message.direction is Direction.inbound and not message.internal:
            return Channel.sms if message.channel is Channel.phone else message.channel
    return Channel.sms if ticket.channel is Channel.phone else ticket.channel


async def _history(session: AsyncSession, ticket: HDTicket) -> Sequence[Communication]:
    return (
        await session.scalars(
            select(Communication)
            .where(Communication.ticket_id == ticket.id)
            .order_by(Communication.created_at, Communication.id)
        )
    ).all()


def _email_headers(history: Sequence[Communication]) -> dict[str, str]:
    ids = [
        message.external_id
        for message in history
        if message.channel is Channel.email and message.external_id
    ][-MAX_REFERENCES:]
    theirs = [
        message.external_id
        for message in history
        if message.channel is Channel.email
        and message.direction is Direction.inbound
        and message.external_id
    ]
    headers: dict[str, str] = {}
    if theirs:
        headers["In-Reply-To"] = theirs[-1]
    if ids:
        headers["References"] = " ".join(ids)
    return headers


async def reply(
    session: AsyncSession,
    *,
    ticket_name: str,
    body: str,
    author: str,
    outgoing: Outgoing,
    internal: bool = False,
    signature: str = "",
) -> Communication:
    """Staff answer: an internal note stays inside; a reply leaves on the customer's channel."""
    ticket = await get_ticket(session, ticket_name)
    history = await _history(session, ticket)
    customer = await session.get(Customer, ticket.customer_id) if ticket.customer_id else None
    channel = ticket.channel if internal else reply_channel(history, ticket)
    if not internal:
        _check_reachable(customer, channel)
    now = utcnow()
    message = Communication(
        customer_id=ticket.customer_id,
        ticket_id=ticket.id,
        channel=channel,
        direction=Direction.outbound,
        sender=author,
        author=author,
        subject="" if internal else f"Re: {ticket.subject}"[:200],
        content=body,
        internal=internal,
        status="note" if internal else "queued",
        created_at=now,
    )
    await assign_name(session, message)
    session.add(message)
    await session.flush()
    if internal:
        await announce(session, "ticket.note", ticket, message, customer_sees=False)
        return message
    assert customer is not None
    await _deliver(session, message, ticket, customer, history, outgoing, signature or author)
    if ticket.first_responded_at is None:
        ticket.first_responded_at = now
    if ticket.status in (TicketStatus.open, TicketStatus.paused):
        ticket.status = TicketStatus.replied
    ticket.last_message_at = now
    await session.flush()
    await announce(session, "ticket.replied", ticket, message)
    return message


def _check_reachable(customer: Customer | None, channel: Channel) -> None:
    """Refuse before anything is written: a reply with nowhere to go is a 409."""
    if customer is None:
        raise ConflictError("This ticket has no customer to answer.")
    if channel is Channel.sms and not customer.phone:
        raise ConflictError("This customer has no phone number for an SMS.")
    if channel is Channel.email and not customer.email:
        raise ConflictError("This customer has no email address.")


async def _deliver(
    session: AsyncSession,
    message: Communication,
    ticket: HDTicket,
    customer: Customer,
    history: Sequence[Communication],
    outgoing: Outgoing,
    signature: str,
) -> None:
    context = {
        "company_name": outgoing.company_name,
        "ticket": ticket.name,
        "ticket_subject": ticket.subject,
        "message": message.content,
        "customer_name": customer.customer_name,
        "agent": signature,
        "url": outgoing.portal_url,
    }
    dedupe = f"ticket-reply:{message.name}"
    if message.channel is Channel.sms:
        queued = await notify.queue_sms(
            session,
            to=customer.phone or "",
            template=REPLY_TEMPLATE,
            language=str(customer.language),
            context=context,
            reference=ticket.name,
            dedupe_key=dedupe,
        )
        message.recipient = customer.phone or ""
    elif message.channel is Channel.email:
        message_id = f"<{message.name}.{ticket.name}@{outgoing.mail_domain}>"
        queued = await notify.queue_email(
            session,
            to=customer.email or "",
            template=REPLY_TEMPLATE,
            language=str(customer.language),
            context=context,
            reference=ticket.name,
            headers=_email_headers(history),
            dedupe_key=dedupe,
        )
        queued.payload = {**queued.payload, "message_id": message_id}
        message.external_id = message_id
        message.recipient = customer.email or ""
    else:
        message.status = "sent"  # the portal shows it: there is nothing to deliver
        message.recipient = customer.name
        return
    message.outbox_message_id = queued.id
