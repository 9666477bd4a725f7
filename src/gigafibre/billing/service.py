"""Billing rules: reads for other modules, credits, payments, refunds, cancellations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Row, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.billing import cycle, dunning, ledger
from gigafibre.billing.invoice_pdf import InvoiceLineView, InvoiceView
from gigafibre.billing.models import (
    CreditReason,
    CustomerCredit,
    InvoiceStatus,
    PaymentEntry,
    PaymentMode,
    SalesInvoice,
    SalesInvoiceLine,
    Subscription,
    SubscriptionStatus,
)
from gigafibre.catalog.models import Item
from gigafibre.core.errors import NotFoundError, ValidationFailedError
from gigafibre.core.i18n import N_
from gigafibre.core.money import quebec_taxes, to_money
from gigafibre.core.naming import assign_name
from gigafibre.customers.models import Customer, ServiceLocation
from gigafibre.settings import Settings

OPEN_STATUSES = (InvoiceStatus.unpaid, InvoiceStatus.partly_paid, InvoiceStatus.overdue)


async def subscriptions_for_customer(
    session: AsyncSession, *, customer_id: int
) -> Sequence[Row[Subscription, Item]]:
    return (
        await session.execute(
            select(Subscription, Item)
            .join(Item, Item.id == Subscription.item_id)
            .where(Subscription.customer_id == customer_id)
            .order_by(Subscription.status, Subscription.start_date.desc())
        )
    ).all()


async def invoices_for_customer(
    session: AsyncSession, *, customer_id: int, limit: int = 24
) -> Sequence[SalesInvoice]:
    return (
        await session.scalars(
            select(SalesInvoice)
            .where(SalesInvoice.customer_id == customer_id)
            .order_by(SalesInvoice.posting_date.desc(), SalesInvoice.id.desc())
            .limit(limit)
        )
    ).all()


async def payments_for_customer(
    session: AsyncSession, *, customer_id: int, limit: int = 24
) -> Sequence[PaymentEntry]:
    return (
        await session.scalars(
            select(PaymentEntry)
            .where(PaymentEntry.customer_id == customer_id)
            .order_by(PaymentEntry.posting_date.desc(), PaymentEntry.id.desc())
            .limit(limit)
        )
    ).all()


async def credits_for_customer(
    session: AsyncSession, *, customer_id: int
) -> Sequence[CustomerCredit]:
    return (
        await session.scalars(
            select(CustomerCredit)
            .where(CustomerCredit.customer_id == customer_id)
            .order_by(CustomerCredit.id.desc())
        )
    ).all()


async def customer_balance(session: AsyncSession, *, customer_id: int) -> Decimal:
    """What the customer owes now: the outstanding amounts of open invoices."""
    owed = await session.scalar(
        select(func.coalesce(func.sum(SalesInvoice.outstanding_amount), 0)).where(
            SalesInvoice.customer_id == customer_id, SalesInvoice.status.in_(OPEN_STATUSES)
        )
    )
    return to_money(owed or 0)


async def grant_credit(
    session: AsyncSession,
    *,
    customer_id: int,
    amount: Decimal,
    reason: CreditReason,
    note: str = "",
    on: dt.date | None = None,
) -> CustomerCredit:
    """A credit taken off the customer's next invoice(s); posted as an expense now."""
    amount = to_money(amount)
    if amount <= 0:
        raise ValidationFailedError(
            "Some fields are not valid.", fields={"amount": N_("Enter an amount above zero.")}
        )
    on = on or dt.date.today()
    credit = CustomerCredit(
        customer_id=customer_id,
        amount=amount,
        remaining=amount,
        reason=reason,
        note=note[:300],
        posting_date=on,
    )
    await assign_name(session, credit)
    session.add(credit)
    await session.flush()
    await ledger.post(
        session,
        [
            ledger.credit_granted_voucher(
                name=credit.name,
                posting_date=on,
                customer_id=customer_id,
                amount=amount,
            )
        ],
    )
    return credit


def _settle(invoice: SalesInvoice, paid: Decimal) -> None:
    invoice.outstanding_amount = invoice.outstanding_amount - paid
    if invoice.outstanding_amount <= 0:
        invoice.status = InvoiceStatus.paid
    elif invoice.outstanding_amount < invoice.total:
        invoice.status = InvoiceStatus.partly_paid


async def record_payment(
    session: AsyncSession,
    *,
    invoice_name: str,
    amount: Decimal,
    mode: PaymentMode,
    reference: str | None = None,
    on: dt.date | None = None,
) -> PaymentEntry:
    """A payment against an invoice; what exceeds the balance is kept as a credit."""
    amount = to_money(amount)
    if amount <= 0:
        raise ValidationFailedError(
            "Some fields are not valid.", fields={"amount": N_("Enter an amount above zero.")}
        )
    invoice = await session.scalar(
        select(SalesInvoice).where(SalesInvoice.name == invoice_name).with_for_update()
    )
    if invoice is None:
        raise NotFoundError("No invoice is named {name}.", name=invoice_name)
    on = on or dt.date.today()
    payment = PaymentEntry(
        customer_id=invoice.customer_id,
        invoice_id=invoice.id,
        posting_date=on,
        amount=amount,
        mode=mode,
        reference=reference,
    )
    await assign_name(session, payment)
    session.add(payment)
    await session.flush()
    vouchers = [
        ledger.payment_voucher(
            name=payment.name,
            posting_date=on,
            customer_id=invoice.customer_id,
            amount=amount,
            mode=mode,
        )
    ]
    applied = min(amount, max(invoice.outstanding_amount, Decimal(0)))
    _settle(invoice, applied)
    await session.flush()
    await dunning.restore_if_settled(session, customer_id=invoice.customer_id, today=on)
    excess = amount - applied
    await ledger.post(session, vouchers)
    if excess > 0:
        credit = CustomerCredit(
            customer_id=invoice.customer_id,
            amount=excess,
            remaining=excess,
            reason=CreditReason.overpayment,
            note=payment.name,
            posting_date=on,
        )
        await assign_name(session, credit)
        session.add(credit)
        await session.flush()
        await ledger.post(
            session,
            [
                ledger.Voucher(
                    "Overpayment",
                    credit.name,
                    on,
                    invoice.customer_id,
                    [
                        ledger.Posting(ledger.RECEIVABLE, debit=excess),
                        ledger.Posting(ledger.CUSTOMER_CREDITS, credit=excess),
                    ],
                )
            ],
        )
    return payment


async def cancel_subscription(
    session: AsyncSession, *, name: str, end_date: dt.date
) -> Subscription:
    """End a subscription; days already invoiced after `end_date` come back as a credit."""
    subscription = await session.scalar(select(Subscription).where(Subscription.name == name))
    if subscription is None:
        raise NotFoundError("No subscription is named {name}.", name=name)
    subscription.end_date = end_date
    subscription.status = SubscriptionStatus.cancelled
    lines = (
        await session.execute(
            select(SalesInvoiceLine, SalesInvoice)
            .join(SalesInvoice, SalesInvoice.id == SalesInvoiceLine.invoice_id)
            .where(
                SalesInvoiceLine.subscription_id == subscription.id,
                SalesInvoice.period_end > end_date,
            )
        )
    ).all()
    unused = Decimal(0)
    for line, invoice in lines:
        assert invoice.period_start is not None
        assert invoice.period_end is not None
        period = (invoice.period_start, invoice.period_end)
        kept = cycle.prorated(
            line.rate,
            line.qty,
            period=period,
            active_from=subscription.start_date,
            active_to=end_date,
        )
        unused += max(line.amount - kept, Decimal(0))
        if line.taxable:
            gst, qst = quebec_taxes(max(line.amount - kept, Decimal(0)))
            unused += gst + qst
    if unused > 0:
        await grant_credit(
            session,
            customer_id=subscription.customer_id,
            amount=unused,
            reason=CreditReason.proration,
            note=subscription.name,
            on=end_date,
        )
    await session.flush()
    return subscription


@dataclass(frozen=True)
class Company:
    name: str
    address: str
    gst_number: str
    qst_number: str

    @classmethod
    def of(cls, settings: Settings) -> Company:
        return cls(
            name=settings.company_name,
            address=settings.company_address,
            gst_number=settings.company_gst_number,
            qst_number=settings.company_qst_number,
        )


async def invoice_view(
    session: AsyncSession, *, name: str, company: Company, language: str | None = None
) -> InvoiceView:
    """Everything the invoice PDF shows, in the customer's language unless told otherwise."""
    invoice = await session.scalar(select(SalesInvoice).where(SalesInvoice.name == name))
    if invoice is None:
        raise NotFoundError("No invoice is named {name}.", name=name)
    customer = await session.get(Customer, invoice.customer_id)
    assert customer is not None
    location = await session.scalar(
        select(ServiceLocation)
        .where(ServiceLocation.customer_id == customer.id)
        .order_by(ServiceLocation.id)
        .limit(1)
    )
    lines = (
        await session.scalars(
            select(SalesInvoiceLine)
            .where(SalesInvoiceLine.invoice_id == invoice.id)
            .order_by(SalesInvoiceLine.id)
        )
    ).all()
    address = (
        (location.address_line, f"{location.city} ({location.province}) {location.postal_code}")
        if location
        else ()
    )
    period = (
        (invoice.period_start, invoice.period_end)
        if invoice.period_start and invoice.period_end
        else None
    )
    return InvoiceView(
        name=invoice.name,
        language=language or customer.language,
        posting_date=invoice.posting_date,
        due_date=invoice.due_date,
        period=period,
        customer_name=customer.customer_name,
        customer_number=customer.name,
        address_lines=address,
        lines=tuple(
            InvoiceLineView(line.description, line.qty, line.rate, line.amount) for line in lines
        ),
        subtotal=invoice.subtotal,
        gst=invoice.gst,
        qst=invoice.qst,
        total=invoice.total,
        credit_applied=invoice.credit_applied,
        outstanding=invoice.outstanding_amount,
        company_name=company.name,
        company_address=company.address,
        gst_number=company.gst_number,
        qst_number=company.qst_number,
    )
