from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.billing import cycle, dunning, service
from gigafibre.billing.models import InvoiceStatus, PaymentMode, SalesInvoice
from gigafibre.core.events import EventRecord
from gigafibre.customers.models import CustomerStatus, TimelineEntry
from tests.billing.conftest import make_customer, make_item, subscribe


async def test_late_invoices_are_reminded_then_suspended_then_restored_on_payment(
    session: AsyncSession,
) -> None:
    plan = await make_item(session, "D-PLAN", "50.00")
    customer = await make_customer(session, billing_day=1)
    await subscribe(session, customer, plan, dt.date(2026, 1, 1))
    await cycle.run_billing(session, as_of=dt.date(2026, 10, 1))
    invoice = await session.scalar(
        select(SalesInvoice).where(SalesInvoice.customer_id == customer.id)
    )
    assert invoice is not None
    assert invoice.due_date == dt.date(2026, 10, 22)

    first = await dunning.run_dunning(session, today=dt.date(2026, 10, 23))
    again = await dunning.run_dunning(session, today=dt.date(2026, 10, 25))
    assert (first.reminders, again.reminders) == (1, 0)  # at most one a week
    assert invoice.status is InvoiceStatus.overdue
    assert customer.status is CustomerStatus.active

    later = await dunning.run_dunning(session, today=dt.date(2026, 11, 5))
    assert (later.reminders, later.suspended) == (1, 0)
    past_grace = await dunning.run_dunning(session, today=dt.date(2026, 11, 6))
    assert past_grace.suspended == 1
    assert customer.status is CustomerStatus.suspended

    await service.record_payment(
        session,
        invoice_name=invoice.name,
        amount=invoice.total,
        mode=PaymentMode.interac,
        on=dt.date(2026, 11, 8),
    )
    assert customer.status is CustomerStatus.active
    names = (
        await session.scalars(
            select(EventRecord.name)
            .where(EventRecord.payload["customer"].as_string() == customer.name)
            .order_by(EventRecord.id)
        )
    ).all()
    assert [n for n in names if n != "invoice.issued"] == [
        "invoice.overdue",
        "invoice.overdue",
        "service.suspend_requested",
        "service.restore_requested",
    ]
    kinds = (
        await session.scalars(
            select(TimelineEntry.kind)
            .where(TimelineEntry.customer_id == customer.id)
            .order_by(TimelineEntry.id)
        )
    ).all()
    assert kinds == [
        "invoice.overdue",
        "invoice.overdue",
        "service.suspend_requested",
        "service.restore_requested",
    ]


async def test_a_partial_payment_does_not_restore_service(session: AsyncSession) -> None:
    plan = await make_item(session, "D-PLAN2", "50.00")
    customer = await make_customer(session, billing_day=1)
    await subscribe(session, customer, plan, dt.date(2026, 1, 1))
    await cycle.run_billing(session, as_of=dt.date(2026, 9, 1))
    await dunning.run_dunning(session, today=dt.date(2026, 10, 20))
    assert customer.status is CustomerStatus.suspended
    invoice = await session.scalar(
        select(SalesInvoice).where(SalesInvoice.customer_id == customer.id)
    )
    assert invoice is not None
    await service.record_payment(
        session,
        invoice_name=invoice.name,
        amount=Decimal("10"),
        mode=PaymentMode.cash,
        on=dt.date(2026, 10, 21),
    )
    assert customer.status is CustomerStatus.suspended
