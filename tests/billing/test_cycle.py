from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.billing import cycle, refunds, service
from gigafibre.billing.models import (
    CreditReason,
    CustomerCredit,
    GLEntry,
    InvoiceStatus,
    PaymentMode,
    SalesInvoice,
    SalesInvoiceLine,
    Subscription,
)
from gigafibre.catalog.models import Item
from gigafibre.core.db import Database
from gigafibre.core.money import quebec_taxes
from gigafibre.customers.models import Customer
from tests.billing.conftest import make_customer, make_item, subscribe
from tests.conftest import BACKEND

NOV_1 = dt.date(2026, 11, 1)


def test_taxes_on_a_hundred_dollars() -> None:
    gst, qst = quebec_taxes(Decimal("100.00"))
    assert (gst, qst, Decimal("100.00") + gst + qst) == (
        Decimal("5.00"),
        Decimal("9.98"),
        Decimal("114.98"),
    )


def test_periods_follow_the_billing_day() -> None:
    assert cycle.period_containing(15, dt.date(2026, 11, 29)) == (
        dt.date(2026, 11, 15),
        dt.date(2026, 12, 14),
    )
    assert cycle.period_containing(15, dt.date(2026, 11, 3)) == (
        dt.date(2026, 10, 15),
        dt.date(2026, 11, 14),
    )
    assert cycle.period_containing(1, dt.date(2026, 2, 1)) == (
        dt.date(2026, 2, 1),
        dt.date(2026, 2, 28),
    )


def test_proration_charges_the_active_days() -> None:
    november = (NOV_1, dt.date(2026, 11, 30))
    rate = Decimal("90.00")
    assert cycle.prorated(
        rate, 1, period=november, active_from=dt.date(2025, 1, 1), active_to=None
    ) == Decimal("90.00")
    # starts on the 16th: 15 of 30 days
    assert cycle.prorated(
        rate, 1, period=november, active_from=dt.date(2026, 11, 16), active_to=None
    ) == Decimal("45.00")
    # cancelled on the 10th: 10 of 30 days, 30.00
    assert cycle.prorated(
        rate, 1, period=november, active_from=dt.date(2025, 1, 1), active_to=dt.date(2026, 11, 10)
    ) == Decimal("30.00")
    assert cycle.prorated(
        rate, 1, period=november, active_from=dt.date(2026, 12, 1), active_to=None
    ) == Decimal(0)


async def test_a_run_invoices_each_period_once_with_taxes_and_ledger(
    session: AsyncSession,
) -> None:
    plan = await make_item(session, "T-FIBRE", "100.00")
    fee = await make_item(session, "T-RENTAL", "8.00", taxable=False)
    customer = await make_customer(session)
    await subscribe(session, customer, plan, dt.date(2025, 3, 1))
    await subscribe(session, customer, fee, dt.date(2026, 11, 16))
    first = await cycle.run_billing(session, as_of=dt.date(2026, 11, 20))
    again = await cycle.run_billing(session, as_of=dt.date(2026, 11, 25))
    assert (first.invoices, again.invoices, again.already_billed) == (1, 0, 1)
    invoice = await session.scalar(
        select(SalesInvoice).where(SalesInvoice.customer_id == customer.id)
    )
    assert invoice is not None
    assert (invoice.subtotal, invoice.taxable_subtotal) == (Decimal("104.00"), Decimal("100.00"))
    assert (invoice.gst, invoice.qst, invoice.total) == (
        Decimal("5.00"),
        Decimal("9.98"),
        Decimal("118.98"),
    )
    assert invoice.period_start == NOV_1
    assert invoice.status is InvoiceStatus.unpaid
    entries = (
        await session.execute(
            select(GLEntry.account, GLEntry.debit, GLEntry.credit).where(
                GLEntry.voucher_name == invoice.name
            )
        )
    ).all()
    assert sorted(entries) == sorted(
        [
            ("1100", Decimal("118.98"), Decimal(0)),
            ("4000:T-FIBRE", Decimal(0), Decimal("100.00")),
            ("4000:T-RENTAL", Decimal(0), Decimal("4.00")),
            ("2310", Decimal(0), Decimal("5.00")),
            ("2320", Decimal(0), Decimal("9.98")),
        ]
    )


async def test_credits_come_off_the_next_invoice(session: AsyncSession) -> None:
    plan = await make_item(session, "T-PLAN60", "60.00")
    customer = await make_customer(session)
    await subscribe(session, customer, plan, dt.date(2026, 1, 1))
    await service.grant_credit(
        session,
        customer_id=customer.id,
        amount=Decimal("25.00"),
        reason=CreditReason.referral,
        on=dt.date(2026, 10, 20),
    )
    await cycle.run_billing(session, as_of=NOV_1)
    invoice = await session.scalar(
        select(SalesInvoice).where(SalesInvoice.customer_id == customer.id)
    )
    assert invoice is not None
    assert invoice.total == Decimal("68.99")
    assert (invoice.credit_applied, invoice.outstanding_amount) == (
        Decimal("25.00"),
        Decimal("43.99"),
    )
    credit = await session.scalar(
        select(CustomerCredit).where(CustomerCredit.customer_id == customer.id)
    )
    assert credit is not None
    assert credit.remaining == Decimal(0)


async def test_payments_settle_partly_fully_and_overpayment_becomes_credit(
    session: AsyncSession,
) -> None:
    plan = await make_item(session, "T-PLAN100", "100.00")
    customer = await make_customer(session)
    await subscribe(session, customer, plan, dt.date(2026, 1, 1))
    await cycle.run_billing(session, as_of=NOV_1)
    invoice = await session.scalar(
        select(SalesInvoice).where(SalesInvoice.customer_id == customer.id)
    )
    assert invoice is not None
    await service.record_payment(
        session, invoice_name=invoice.name, amount=Decimal("50"), mode=PaymentMode.interac
    )
    assert (invoice.status, invoice.outstanding_amount) == (
        InvoiceStatus.partly_paid,
        Decimal("64.98"),
    )
    payment = await service.record_payment(
        session, invoice_name=invoice.name, amount=Decimal("70.00"), mode=PaymentMode.card
    )
    assert (invoice.status, invoice.outstanding_amount) == (InvoiceStatus.paid, Decimal(0))
    overpaid = await session.scalar(
        select(CustomerCredit).where(
            CustomerCredit.reason == CreditReason.overpayment,
            CustomerCredit.customer_id == customer.id,
        )
    )
    assert overpaid is not None
    assert overpaid.amount == Decimal("5.02")
    # The refund first takes back the 5.02 left as credit; only 14.98 is owed again.
    await refunds.refund_payment(session, payment_name=payment.name, amount=Decimal("20.00"))
    assert (invoice.status, invoice.outstanding_amount) == (
        InvoiceStatus.partly_paid,
        Decimal("14.98"),
    )
    assert overpaid.remaining == Decimal(0)
    await refunds.refund_payment(session, payment_name=payment.name, amount=Decimal("50.00"))
    assert (invoice.status, invoice.outstanding_amount) == (
        InvoiceStatus.partly_paid,
        Decimal("64.98"),
    )


async def test_cancelling_mid_period_credits_the_unused_days(session: AsyncSession) -> None:
    plan = await make_item(session, "T-PLAN90", "90.00")
    customer = await make_customer(session)
    subscription = await subscribe(session, customer, plan, dt.date(2026, 1, 1))
    await cycle.run_billing(session, as_of=NOV_1)
    await service.cancel_subscription(
        session, name=subscription.name, end_date=dt.date(2026, 11, 10)
    )
    credit = await session.scalar(
        select(CustomerCredit).where(CustomerCredit.customer_id == customer.id)
    )
    assert credit is not None
    gst, qst = quebec_taxes(Decimal("60.00"))
    assert credit.amount == Decimal("60.00") + gst + qst
    assert credit.reason is CreditReason.proration


@pytest.mark.skipif(BACKEND != "postgresql", reason="concurrent writers need PostgreSQL")
async def test_two_billing_runs_at_once_never_duplicate(database: Database) -> None:
    async with database.unit_of_work() as session:
        plan = await make_item(session, "T-RACE", "75.00")
        customers = [await make_customer(session, billing_day=3) for _ in range(30)]
        for customer in customers:
            await subscribe(session, customer, plan, dt.date(2026, 1, 1))
    ids = [c.id for c in customers]

    async def run() -> int:
        async with database.unit_of_work() as session:
            return (await cycle.run_billing(session, as_of=dt.date(2026, 11, 5))).invoices

    try:
        counts = await asyncio.gather(run(), run())
        async with database.unit_of_work(write=False) as session:
            made = await session.scalar(
                select(func.count())
                .select_from(SalesInvoice)
                .where(SalesInvoice.customer_id.in_(ids))
            )
        assert made == 30
        assert sorted(counts) == [0, 30]
    finally:
        async with database.unit_of_work() as session:
            await session.execute(delete(GLEntry).where(GLEntry.customer_id.in_(ids)))
            invoices = select(SalesInvoice.id).where(SalesInvoice.customer_id.in_(ids))
            await session.execute(
                delete(SalesInvoiceLine).where(SalesInvoiceLine.invoice_id.in_(invoices))
            )
            await session.execute(delete(SalesInvoice).where(SalesInvoice.customer_id.in_(ids)))
            await session.execute(delete(Subscription).where(Subscription.customer_id.in_(ids)))
            await session.execute(delete(Customer).where(Customer.id.in_(ids)))
            await session.execute(delete(Item).where(Item.id == plan.id))
