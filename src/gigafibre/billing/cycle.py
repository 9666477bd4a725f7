"""The billing cycle: periods, proration, and billing runs that never invoice a period twice.

Customers are billed in advance, monthly, on their billing day. A subscription active for only
part of a period (start, plan change, cancellation) is charged for the days it is active, half-up
to the cent. A run computes every invoice in Python and writes them with bulk statements; the
unique (customer, period) constraint and the lock on the invoice series make a second run, or a
second worker at the same moment, a no-op instead of a duplicate.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlalchemy import insert, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.billing import ledger
from gigafibre.billing.models import (
    CustomerCredit,
    InvoiceStatus,
    SalesInvoice,
    SalesInvoiceLine,
    Subscription,
    SubscriptionStatus,
)
from gigafibre.catalog.models import BillingInterval, Item
from gigafibre.core.events import emit_many
from gigafibre.core.money import quebec_taxes, to_money
from gigafibre.core.naming import lock_series, reserve_names
from gigafibre.customers.models import Customer, CustomerStatus

PAYMENT_TERMS = dt.timedelta(days=21)
CHUNK = 1000


def period_containing(billing_day: int, on: dt.date) -> tuple[dt.date, dt.date]:
    """The monthly period that holds `on`, from the billing day to the day before the next."""
    start = on.replace(day=billing_day)
    if start > on:
        start = (on - relativedelta(months=1)).replace(day=billing_day)
    return start, start + relativedelta(months=1) - dt.timedelta(days=1)


def prorated(
    rate: Decimal,
    qty: int,
    *,
    period: tuple[dt.date, dt.date],
    active_from: dt.date,
    active_to: dt.date | None,
) -> Decimal:
    """The charge for the days of `period` the subscription is active (0 when none)."""
    start = max(period[0], active_from)
    end = min(period[1], active_to) if active_to else period[1]
    if end < start:
        return Decimal(0)
    days = (end - start).days + 1
    period_days = (period[1] - period[0]).days + 1
    if days == period_days:
        return to_money(rate * qty)
    return to_money(rate * qty * days / period_days)


@dataclass
class DraftLine:
    item_id: int
    item_code: str
    subscription_id: int
    description: str
    qty: int
    rate: Decimal
    amount: Decimal
    taxable: bool


@dataclass
class DraftInvoice:
    customer_id: int
    customer: str
    period: tuple[dt.date, dt.date]
    lines: list[DraftLine] = field(default_factory=list)

    @property
    def subtotal(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))

    @property
    def taxable_subtotal(self) -> Decimal:
        return sum((line.amount for line in self.lines if line.taxable), Decimal(0))


@dataclass(frozen=True)
class BillingRunResult:
    invoices: int
    already_billed: int
    credits_applied: Decimal


async def _drafts(session: AsyncSession, as_of: dt.date) -> dict[int, DraftInvoice]:
    rows = (
        await session.execute(
            select(Subscription, Item, Customer.name, Customer.billing_day, Customer.language)
            .join(Item, Item.id == Subscription.item_id)
            .join(Customer, Customer.id == Subscription.customer_id)
            .where(
                Subscription.status != SubscriptionStatus.paused,
                Subscription.start_date <= as_of,
                Item.billing_interval == BillingInterval.month,
                Customer.status != CustomerStatus.inactive,
            )
            .order_by(Subscription.customer_id, Subscription.id)
        )
    ).all()
    drafts: dict[int, DraftInvoice] = {}
    for subscription, item, customer, billing_day, language in rows:
        period = period_containing(billing_day, as_of)
        amount = prorated(
            subscription.rate,
            subscription.qty,
            period=period,
            active_from=subscription.start_date,
            active_to=subscription.end_date,
        )
        if amount <= 0:
            continue
        draft = drafts.setdefault(
            subscription.customer_id, DraftInvoice(subscription.customer_id, customer, period)
        )
        draft.lines.append(
            DraftLine(
                item_id=item.id,
                item_code=item.item_code,
                subscription_id=subscription.id,
                description=item.label(language),
                qty=subscription.qty,
                rate=subscription.rate,
                amount=amount,
                taxable=item.taxable,
            )
        )
    return drafts


async def _already_billed(session: AsyncSession, drafts: dict[int, DraftInvoice]) -> set[int]:
    billed: set[int] = set()
    keys = [(d.customer_id, d.period[0]) for d in drafts.values()]
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        found = await session.execute(
            select(SalesInvoice.customer_id).where(
                tuple_(SalesInvoice.customer_id, SalesInvoice.period_start).in_(chunk)
            )
        )
        billed.update(found.scalars().all())
    return billed


async def _open_credits(
    session: AsyncSession, customer_ids: Sequence[int]
) -> dict[int, list[CustomerCredit]]:
    credits: dict[int, list[CustomerCredit]] = defaultdict(list)
    for start in range(0, len(customer_ids), CHUNK):
        found = await session.scalars(
            select(CustomerCredit)
            .where(
                CustomerCredit.customer_id.in_(customer_ids[start : start + CHUNK]),
                CustomerCredit.remaining > 0,
            )
            .order_by(CustomerCredit.id)
        )
        for credit in found:
            credits[credit.customer_id].append(credit)
    return credits


async def run_billing(session: AsyncSession, *, as_of: dt.date) -> BillingRunResult:
    """Invoice every customer whose current period has no invoice yet. Flushes only.

    Credits taken are ORM objects of this session, so their new balance is written on flush.
    """
    await lock_series(session, "INV-")
    drafts = await _drafts(session, as_of)
    billed = await _already_billed(session, drafts)
    pending = [draft for customer_id, draft in drafts.items() if customer_id not in billed]
    credits = await _open_credits(session, [d.customer_id for d in pending])
    applied_total = Decimal(0)
    for start in range(0, len(pending), CHUNK):
        applied_total += await _write(session, pending[start : start + CHUNK], credits)
    return BillingRunResult(
        invoices=len(pending), already_billed=len(billed), credits_applied=applied_total
    )


async def _write(
    session: AsyncSession, drafts: list[DraftInvoice], credits: dict[int, list[CustomerCredit]]
) -> Decimal:
    prefix, digits = SalesInvoice.naming_series
    names = await reserve_names(session, prefix, digits, len(drafts))
    rows, vouchers, applied_total = [], [], Decimal(0)
    for draft, name in zip(drafts, names, strict=True):
        gst, qst = quebec_taxes(draft.taxable_subtotal)
        total = draft.subtotal + gst + qst
        applied = Decimal(0)
        for credit in credits.get(draft.customer_id, []):
            take = min(credit.remaining, total - applied)
            if take <= 0:
                break
            credit.remaining -= take
            applied += take
        applied_total += applied
        outstanding = total - applied
        posting_date = draft.period[0]
        rows.append(
            {
                "name": name,
                "customer_id": draft.customer_id,
                "status": InvoiceStatus.unpaid if outstanding > 0 else InvoiceStatus.paid,
                "posting_date": posting_date,
                "due_date": posting_date + PAYMENT_TERMS,
                "period_start": draft.period[0],
                "period_end": draft.period[1],
                "currency": "CAD",
                "subtotal": draft.subtotal,
                "taxable_subtotal": draft.taxable_subtotal,
                "gst": gst,
                "qst": qst,
                "total": total,
                "outstanding_amount": outstanding,
                "credit_applied": applied,
            }
        )
        revenue: dict[str, Decimal] = defaultdict(Decimal)
        for line in draft.lines:
            revenue[line.item_code] += line.amount
        vouchers.append(
            ledger.invoice_voucher(
                name=name,
                posting_date=posting_date,
                customer_id=draft.customer_id,
                revenue_by_item=dict(revenue),
                gst=gst,
                qst=qst,
            )
        )
        if applied:
            vouchers.append(
                ledger.credit_applied_voucher(
                    name=name,
                    posting_date=posting_date,
                    customer_id=draft.customer_id,
                    amount=applied,
                )
            )
    ids = (
        await session.execute(
            insert(SalesInvoice).returning(SalesInvoice.id, SalesInvoice.name), rows
        )
    ).all()
    id_of = {name: invoice_id for invoice_id, name in ids}
    await session.execute(
        insert(SalesInvoiceLine),
        [
            {
                "invoice_id": id_of[name],
                "item_id": line.item_id,
                "subscription_id": line.subscription_id,
                "description": line.description,
                "qty": line.qty,
                "rate": line.rate,
                "amount": line.amount,
                "taxable": line.taxable,
            }
            for draft, name in zip(drafts, names, strict=True)
            for line in draft.lines
        ],
    )
    await ledger.post(session, vouchers)
    await emit_many(
        session,
        [
            (
                "invoice.issued",
                {"invoice": name, "customer": draft.customer, "total": str(row["total"])},
                [f"customer:{draft.customer}"],
            )
            for draft, name, row in zip(drafts, names, rows, strict=True)
        ],
    )
    return applied_total
