"""Double-entry postings for invoices, payments, credits and refunds.

Every voucher posts entries whose debits equal their credits, or nothing is posted at all.
Revenue is kept per item (`4000:FIBRE-500`) so reports can show revenue by plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.billing.models import GLEntry, PaymentMode
from gigafibre.core.i18n import N_

RECEIVABLE = "1100"
BANK = "1000"
STRIPE_CLEARING = "1050"
GST_PAYABLE = "2310"
QST_PAYABLE = "2320"
CUSTOMER_CREDITS = "2400"
CREDITS_GRANTED = "6100"
REVENUE = "4000"
ACCOUNT_NAMES = {
    RECEIVABLE: N_("Accounts receivable"),
    BANK: N_("Bank"),
    STRIPE_CLEARING: N_("Card payments clearing"),
    GST_PAYABLE: N_("GST payable"),
    QST_PAYABLE: N_("QST payable"),
    CUSTOMER_CREDITS: N_("Customer credits"),
    CREDITS_GRANTED: N_("Credits granted"),
    REVENUE: N_("Revenue"),
}
CARD_MODES = (PaymentMode.card, PaymentMode.preauthorized)


class UnbalancedPostingError(ValueError):
    """A programming error: a voucher whose debits and credits differ must never be written."""


@dataclass(frozen=True)
class Posting:
    account: str
    debit: Decimal = Decimal(0)
    credit: Decimal = Decimal(0)


@dataclass(frozen=True)
class Voucher:
    voucher_type: str
    voucher_name: str
    posting_date: dt.date
    customer_id: int | None
    postings: Sequence[Posting]


def revenue_account(item_code: str) -> str:
    return f"{REVENUE}:{item_code}"


def check_balanced(voucher: Voucher) -> None:
    debits = sum((p.debit for p in voucher.postings), Decimal(0))
    credits = sum((p.credit for p in voucher.postings), Decimal(0))
    if debits != credits:
        raise UnbalancedPostingError(
            f"{voucher.voucher_type} {voucher.voucher_name}: {debits} != {credits}"
        )


async def post(session: AsyncSession, vouchers: Iterable[Voucher]) -> int:
    """Write the GL entries of many vouchers in one statement; returns how many rows."""
    rows = []
    for voucher in vouchers:
        check_balanced(voucher)
        rows += [
            {
                "posting_date": voucher.posting_date,
                "account": p.account,
                "debit": p.debit,
                "credit": p.credit,
                "voucher_type": voucher.voucher_type,
                "voucher_name": voucher.voucher_name,
                "customer_id": voucher.customer_id,
            }
            for p in voucher.postings
            if p.debit or p.credit
        ]
    if rows:
        await session.execute(insert(GLEntry), rows)
    return len(rows)


def invoice_voucher(
    *,
    name: str,
    posting_date: dt.date,
    customer_id: int,
    revenue_by_item: dict[str, Decimal],
    gst: Decimal,
    qst: Decimal,
) -> Voucher:
    total = sum(revenue_by_item.values(), Decimal(0)) + gst + qst
    postings = [Posting(RECEIVABLE, debit=total)]
    postings += [
        Posting(revenue_account(code), credit=amount)
        for code, amount in sorted(revenue_by_item.items())
    ]
    postings += [Posting(GST_PAYABLE, credit=gst), Posting(QST_PAYABLE, credit=qst)]
    return Voucher("Sales Invoice", name, posting_date, customer_id, postings)


def payment_voucher(
    *, name: str, posting_date: dt.date, customer_id: int, amount: Decimal, mode: PaymentMode
) -> Voucher:
    cash = STRIPE_CLEARING if mode in CARD_MODES else BANK
    return Voucher(
        "Payment Entry",
        name,
        posting_date,
        customer_id,
        [Posting(cash, debit=amount), Posting(RECEIVABLE, credit=amount)],
    )


def refund_voucher(
    *, name: str, posting_date: dt.date, customer_id: int, amount: Decimal, mode: PaymentMode
) -> Voucher:
    cash = STRIPE_CLEARING if mode in CARD_MODES else BANK
    return Voucher(
        "Refund",
        name,
        posting_date,
        customer_id,
        [Posting(RECEIVABLE, debit=amount), Posting(cash, credit=amount)],
    )


def credit_granted_voucher(
    *, name: str, posting_date: dt.date, customer_id: int, amount: Decimal
) -> Voucher:
    return Voucher(
        "Customer Credit",
        name,
        posting_date,
        customer_id,
        [Posting(CREDITS_GRANTED, debit=amount), Posting(CUSTOMER_CREDITS, credit=amount)],
    )


def credit_applied_voucher(
    *, name: str, posting_date: dt.date, customer_id: int, amount: Decimal
) -> Voucher:
    return Voucher(
        "Credit Application",
        name,
        posting_date,
        customer_id,
        [Posting(CUSTOMER_CREDITS, debit=amount), Posting(RECEIVABLE, credit=amount)],
    )
