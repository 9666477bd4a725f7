from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from gigafibre.billing.models import PaymentEntry, SalesInvoice
from gigafibre.core.db import Database
from gigafibre.core.migrate import upgrade_to_head
from gigafibre.core.money import quebec_taxes
from gigafibre.core.naming import NamingSeries, next_name
from gigafibre.customers.models import Customer, CustomerSearchTerm, ServiceLocation
from gigafibre.customers.normalize import normalize_phone, normalize_postal_code
from gigafibre.demo.seed import SeedError, seed_demo

TODAY = dt.date(2026, 11, 29)


async def fresh(tmp_path: Path, name: str) -> Database:
    url = f"sqlite+aiosqlite:///{tmp_path / name}"
    await asyncio.to_thread(upgrade_to_head, url)
    return Database.from_url(url)


async def test_the_demo_is_consistent_and_the_series_continue(tmp_path: Path) -> None:
    db = await fresh(tmp_path, "a.db")
    async with db.unit_of_work() as session:
        report = await seed_demo(session, customers=300, today=TODAY)
    assert report.customers == 300
    assert report.technicians == 10
    assert report.invoices > 600
    async with db.unit_of_work() as session:
        for invoice in (await session.scalars(select(SalesInvoice))).all():
            gst, qst = quebec_taxes(invoice.taxable_subtotal)
            assert (invoice.gst, invoice.qst) == (gst, qst)
            assert invoice.total == invoice.subtotal + gst + qst
            paid = await session.scalar(
                select(func.coalesce(func.sum(PaymentEntry.amount), 0)).where(
                    PaymentEntry.invoice_id == invoice.id
                )
            )
            assert invoice.outstanding_amount == invoice.total - Decimal(paid)
        for customer in (await session.scalars(select(Customer))).all():
            assert customer.phone == normalize_phone(customer.phone or "")
        for code in (await session.scalars(select(ServiceLocation.postal_code))).all():
            assert normalize_postal_code(code) == code
        series = await session.get(NamingSeries, "C-")
        assert series is not None
        assert series.current == 300
        assert await next_name(session, "C-", 6) == "C-000301"
        marie = await session.scalar(select(Customer).where(Customer.name == "C-000001"))
        assert marie is not None
        assert marie.customer_name == "Marie-Ève Tremblay"
        terms = set(
            (
                await session.scalars(
                    select(CustomerSearchTerm.term).where(
                        CustomerSearchTerm.customer_id == marie.id
                    )
                )
            ).all()
        )
        assert {"4185550123", "tremblay", "g1r1n8"} <= terms
    await db.dispose()


async def test_the_same_seed_gives_the_same_demo_and_a_second_seed_is_refused(
    tmp_path: Path,
) -> None:
    found = []
    for name in ("b.db", "c.db"):
        db = await fresh(tmp_path, name)
        async with db.unit_of_work() as session:
            await seed_demo(session, customers=120, seed=7, today=TODAY)
        async with db.unit_of_work() as session:
            rows = await session.execute(
                select(Customer.name, Customer.customer_name, Customer.email, Customer.phone)
            )
            found.append(rows.all())
            with pytest.raises(SeedError):
                await seed_demo(session, customers=10, today=TODAY)
        await db.dispose()
    assert found[0] == found[1]
