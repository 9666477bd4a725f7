"""Financial reports read from the ledger: revenue by month and plan, GST/QST for a filing
period, accounts-receivable aging and the trial balance. Each is plain rows, so the page, the
JSON API and the CSV export show the same figures."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.billing import ledger
from gigafibre.billing.models import GLEntry, InvoiceStatus, SalesInvoice
from gigafibre.customers.models import Customer

ZERO = Decimal("0.00")
AGING_BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")
OPEN = (InvoiceStatus.unpaid, InvoiceStatus.partly_paid, InvoiceStatus.overdue)


@dataclass(frozen=True)
class RevenueRow:
    month: str  # YYYY-MM
    item_code: str
    amount: Decimal


@dataclass(frozen=True)
class TaxReport:
    start: dt.date
    end: dt.date
    taxable_sales: Decimal
    gst_collected: Decimal
    qst_collected: Decimal


@dataclass(frozen=True)
class AgingRow:
    customer: str
    customer_name: str
    buckets: dict[str, Decimal]

    @property
    def total(self) -> Decimal:
        return sum(self.buckets.values(), ZERO)


@dataclass(frozen=True)
class BalanceRow:
    account: str
    debit: Decimal
    credit: Decimal

    @property
    def balance(self) -> Decimal:
        return self.debit - self.credit


async def revenue_by_month(
    session: AsyncSession, *, start: dt.date, end: dt.date
) -> list[RevenueRow]:
    rows = (
        await session.execute(
            select(
                GLEntry.posting_date,
                GLEntry.account,
                func.sum(GLEntry.debit),
                func.sum(GLEntry.credit),
            )
            .where(
                GLEntry.account.like(f"{ledger.REVENUE}:%"),
                GLEntry.posting_date >= start,
                GLEntry.posting_date <= end,
            )
            .group_by(GLEntry.posting_date, GLEntry.account)
        )
    ).all()
    totals: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    for day, account, debit, credit in rows:
        totals[(day.strftime("%Y-%m"), account.split(":", 1)[1])] += credit - debit
    return [RevenueRow(month, code, amount) for (month, code), amount in sorted(totals.items())]


async def taxes_collected(session: AsyncSession, *, start: dt.date, end: dt.date) -> TaxReport:
    sums = {
        account: (debit or ZERO, credit or ZERO)
        for account, debit, credit in (
            await session.execute(
                select(GLEntry.account, func.sum(GLEntry.debit), func.sum(GLEntry.credit))
                .where(
                    GLEntry.account.in_((ledger.GST_PAYABLE, ledger.QST_PAYABLE)),
                    GLEntry.posting_date >= start,
                    GLEntry.posting_date <= end,
                )
                .group_by(GLEntry.account)
            )
        ).all()
    }
    taxable = await session.scalar(
        select(func.sum(SalesInvoice.taxable_subtotal)).where(
            SalesInvoice.posting_date >= start,
            SalesInvoice.posting_date <= end,
            SalesInvoice.status != InvoiceStatus.cancelled,
        )
    )

    def collected(account: str) -> Decimal:
        debit, credit = sums.get(account, (ZERO, ZERO))
        return credit - debit

    return TaxReport(
        start=start,
        end=end,
        taxable_sales=taxable or ZERO,
        gst_collected=collected(ledger.GST_PAYABLE),
        qst_collected=collected(ledger.QST_PAYABLE),
    )


def aging_bucket(due: dt.date, as_of: dt.date) -> str:
    late = (as_of - due).days
    if late <= 0:
        return "current"
    if late <= 30:
        return "1-30"
    if late <= 60:
        return "31-60"
    return "61-90" if late <= 90 else "90+"


async def receivable_aging(session: AsyncSession, *, as_of: dt.date) -> list[AgingRow]:
    rows = (
        await session.execute(
            select(
                Customer.name,
                Customer.customer_name,
                SalesInvoice.due_date,
                SalesInvoice.outstanding_amount,
            )
            .join(Customer, Customer.id == SalesInvoice.customer_id)
            .where(
                SalesInvoice.status.in_(OPEN),
                SalesInvoice.outstanding_amount > 0,
                SalesInvoice.posting_date <= as_of,
            )
            .order_by(Customer.customer_name)
        )
    ).all()
    by_customer: dict[str, AgingRow] = {}
    for name, customer_name, due, outstanding in rows:
        row = by_customer.setdefault(
            name, AgingRow(name, customer_name, dict.fromkeys(AGING_BUCKETS, ZERO))
        )
        row.buckets[aging_bucket(due, as_of)] += outstanding
    return list(by_customer.values())


def aging_totals(rows: Iterable[AgingRow]) -> dict[str, Decimal]:
    totals = dict.fromkeys(AGING_BUCKETS, ZERO)
    for row in rows:
        for bucket, amount in row.buckets.items():
            totals[bucket] += amount
    return totals


async def trial_balance(session: AsyncSession, *, as_of: dt.date) -> list[BalanceRow]:
    rows = (
        await session.execute(
            select(GLEntry.account, func.sum(GLEntry.debit), func.sum(GLEntry.credit))
            .where(GLEntry.posting_date <= as_of)
            .group_by(GLEntry.account)
            .order_by(GLEntry.account)
        )
    ).all()
    return [BalanceRow(account, debit or ZERO, credit or ZERO) for account, debit, credit in rows]


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()
