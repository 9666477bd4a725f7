from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.billing.models import Subscription
from gigafibre.catalog.models import Item
from gigafibre.core.naming import assign_name
from gigafibre.customers.models import Customer


async def make_item(session: AsyncSession, code: str, price: str, taxable: bool = True) -> Item:
    item = Item(
        item_code=code,
        item_group="plan",
        name_fr=code,
        name_en=code,
        price=Decimal(price),
        billing_interval="month",
        taxable=taxable,
    )
    session.add(item)
    await session.flush()
    return item


async def make_customer(session: AsyncSession, billing_day: int = 1) -> Customer:
    customer = Customer(customer_name="Client Facturation", billing_day=billing_day)
    await assign_name(session, customer)
    session.add(customer)
    await session.flush()
    return customer


async def subscribe(
    session: AsyncSession,
    customer: Customer,
    item: Item,
    start: dt.date,
    end: dt.date | None = None,
) -> Subscription:
    subscription = Subscription(
        customer_id=customer.id,
        item_id=item.id,
        rate=item.price,
        start_date=start,
        end_date=end,
    )
    await assign_name(session, subscription)
    session.add(subscription)
    await session.flush()
    return subscription
