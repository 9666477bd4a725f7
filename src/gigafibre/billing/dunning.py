"""Dunning: reminders for overdue invoices, suspension after a grace period, restoration on payment.

Everything goes through events so other modules act on it: `invoice.overdue` (the
`on_invoice_overdue` flow sends the reminder), `service.suspend_requested` and
`service.restore_requested` (provisioning acts on those). Each step is on the customer's timeline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.billing.models import InvoiceStatus, SalesInvoice
from gigafibre.core.db import utcnow
from gigafibre.core.events import emit
from gigafibre.customers.models import Customer, CustomerStatus, TimelineEntry
from gigafibre.portal.preferences import Notice, customer_wants

REMINDER_EVERY = dt.timedelta(days=7)
GRACE_PERIOD = dt.timedelta(days=14)
LATE = (InvoiceStatus.unpaid, InvoiceStatus.partly_paid, InvoiceStatus.overdue)


@dataclass(frozen=True)
class DunningResult:
    reminders: int
    suspended: int


def _timeline(session: AsyncSession, customer: Customer, kind: str, detail: str) -> None:
    session.add(
        TimelineEntry(
            customer_id=customer.id,
            kind=kind,
            summary=detail[:500],
            actor="dunning",
            created_at=utcnow(),
        )
    )


async def run_dunning(
    session: AsyncSession, *, today: dt.date, grace: dt.timedelta = GRACE_PERIOD
) -> DunningResult:
    """Daily: remind for late invoices (at most weekly each), suspend past the grace period."""
    late = (
        await session.execute(
            select(SalesInvoice, Customer)
            .join(Customer, Customer.id == SalesInvoice.customer_id)
            .where(
                SalesInvoice.status.in_(LATE),
                SalesInvoice.outstanding_amount > 0,
                SalesInvoice.due_date < today,
                or_(
                    SalesInvoice.last_reminder_on.is_(None),
                    SalesInvoice.last_reminder_on <= today - REMINDER_EVERY,
                ),
            )
            .order_by(SalesInvoice.id)
        )
    ).all()
    for invoice, customer in late:
        invoice.status = InvoiceStatus.overdue
        invoice.reminders_sent += 1
        invoice.last_reminder_on = today
        _timeline(
            session, customer, "invoice.overdue", f"{invoice.name} ({invoice.reminders_sent})"
        )
        await emit(
            session,
            "invoice.overdue",
            {
                "customer": customer.name,
                "invoice": invoice.name,
                "outstanding": str(invoice.outstanding_amount),
                "due_date": invoice.due_date.isoformat(),
                "reminder": invoice.reminders_sent,
                "reminders_by_sms": await customer_wants(
                    session, customer.id, Notice.reminder_sms
                ),
            },
            topics=[f"customer:{customer.name}"],
        )
    overdue_too_long = exists().where(
        SalesInvoice.customer_id == Customer.id,
        SalesInvoice.status == InvoiceStatus.overdue,
        SalesInvoice.outstanding_amount > 0,
        SalesInvoice.due_date < today - grace,
    )
    to_suspend = (
        await session.scalars(
            select(Customer).where(Customer.status == CustomerStatus.active, overdue_too_long)
        )
    ).all()
    for customer in to_suspend:
        customer.status = CustomerStatus.suspended
        _timeline(session, customer, "service.suspend_requested", "")
        await emit(
            session,
            "service.suspend_requested",
            {"customer": customer.name, "reason": "overdue"},
            topics=[f"customer:{customer.name}", "network"],
        )
    await session.flush()
    return DunningResult(reminders=len(late), suspended=len(to_suspend))


async def restore_if_settled(session: AsyncSession, *, customer_id: int, today: dt.date) -> bool:
    """After a payment: a customer suspended for non-payment who owes nothing late comes back."""
    customer = await session.get(Customer, customer_id)
    if customer is None or customer.status is not CustomerStatus.suspended:
        return False
    still_late = await session.scalar(
        select(SalesInvoice.id)
        .where(
            SalesInvoice.customer_id == customer_id,
            SalesInvoice.status.in_(LATE),
            SalesInvoice.outstanding_amount > 0,
            SalesInvoice.due_date < today,
        )
        .limit(1)
    )
    if still_late is not None:
        return False
    customer.status = CustomerStatus.active
    _timeline(session, customer, "service.restore_requested", "")
    await emit(
        session,
        "service.restore_requested",
        {"customer": customer.name},
        topics=[f"customer:{customer.name}", "network"],
    )
    await session.flush()
    return True
