"""Billing reads used by other modules. The billing cycle itself arrives with its own issue."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import Row, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.billing.models import InvoiceStatus, SalesInvoice, Subscription
from gigafibre.catalog.models import Item
from gigafibre.core.money import to_money

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


async def customer_balance(session: AsyncSession, *, customer_id: int) -> Decimal:
    """What the customer owes now: the outstanding amounts of open invoices."""
    owed = await session.scalar(
        select(func.coalesce(func.sum(SalesInvoice.outstanding_amount), 0)).where(
            SalesInvoice.customer_id == customer_id, SalesInvoice.status.in_(OPEN_STATUSES)
        )
    )
    return to_money(owed or 0)
