"""The demo seed: deterministic, consistent with the billing rules, searchable, seeded once."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import defaultdict
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import pytest_asyncio
from sqlalchemy import func, select, text

from gigafibre.billing.models import (
    GLEntry,
    PaymentEntry,
    SalesInvoice,
    SalesInvoiceLine,
    Subscription,
)
from gigafibre.catalog.models import Item
from gigafibre.core.db import Database
from gigafibre.core.migrate import upgrade_to_head
from gigafibre.core.money import quebec_taxes
from gigafibre.core.naming import NamingSeries, next_name
from gigafibre.customers.models import Customer, CustomerSearchTerm, ServiceLocation
from gigafibre.customers.normalize import normalize_phone, normalize_postal_code, phone_digits
from gigafibre.demo.seed import SeedError, SeedReport, seed_demo
from gigafibre.dispatch.models import DispatchJob, Technician
from gigafibre.equipment.models import ServiceEquipment
from gigafibre.tickets.models import Communication, HDTicket
from tests.conftest import BACKEND, create_postgres_database, drop_postgres_database

TODAY = dt.date(2026, 11, 27)  # a Friday
QUEBEC = ZoneInfo("America/Toronto")
COUNTED = {
    "customers": Customer,
    "locations": ServiceLocation,
    "items": Item,
    "technicians": Technician,
    "subscriptions": Subscription,
    "invoices": SalesInvoice,
    "payments": PaymentEntry,
    "tickets": HDTicket,
    "communications": Communication,
    "equipment": ServiceEquipment,
    "jobs": DispatchJob,
}


async def fresh(tmp_path: Path, name: str) -> Database:
    url = f"sqlite+aiosqlite:///{tmp_path / name}"
    await asyncio.to_thread(upgrade_to_head, url)
    return Database.from_url(url)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def seeded(
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[tuple[Database, SeedReport]]:
    db = await fresh(tmp_path_factory.mktemp("demo"), "demo.db")
    async with db.unit_of_work() as session:
        report = await seed_demo(session, customers=300, today=TODAY)
    yield db, report
    await db.dispose()


async def test_the_report_counts_what_is_in_the_database(
    seeded: tuple[Database, SeedReport],
) -> None:
    db, report = seeded
    assert (report.customers, report.items, report.technicians) == (300, 11, 10)
    assert 300 <= report.locations <= 330
    assert 3 * 250 <= report.invoices <= 3 * report.customers
    assert report.payments > 0.85 * report.invoices
    assert 60 < report.jobs <= 130  # history, plus today's and tomorrow's dispatch board
    async with db.unit_of_work(write=False) as session:
        for field, model in COUNTED.items():
            stored = await session.scalar(select(func.count()).select_from(model))
            assert stored == getattr(report, field), field
        without_plan = await session.scalar(
            select(func.count())
            .select_from(Customer)
            .where(
                Customer.status != "inactive",
                ~select(Subscription.id)
                .join(Item, Item.id == Subscription.item_id)
                .where(Subscription.customer_id == Customer.id, Item.item_group == "plan")
                .exists(),
            )
        )
        assert without_plan == 0


async def test_invoices_add_up_and_the_ledger_matches_them(
    seeded: tuple[Database, SeedReport],
) -> None:
    db, _report = seeded
    async with db.unit_of_work(write=False) as session:
        paid: dict[int, Decimal] = defaultdict(Decimal)
        for invoice_id, amount in await session.execute(
            select(PaymentEntry.invoice_id, PaymentEntry.amount)
        ):
            paid[invoice_id] += amount
        lines: dict[int, Decimal] = defaultdict(Decimal)
        for invoice_id, amount in await session.execute(
            select(SalesInvoiceLine.invoice_id, SalesInvoiceLine.amount)
        ):
            lines[invoice_id] += amount
        invoices = (await session.scalars(select(SalesInvoice))).all()
        for invoice in invoices:
            gst, qst = quebec_taxes(invoice.taxable_subtotal)
            assert (invoice.gst, invoice.qst) == (gst, qst)
            assert invoice.subtotal == lines[invoice.id]
            assert invoice.total == invoice.subtotal + gst + qst
            assert invoice.outstanding_amount == invoice.total - paid[invoice.id]
            expected = (
                "paid"
                if invoice.outstanding_amount == 0
                else "overdue"
                if invoice.due_date < TODAY
                else "unpaid"
                if invoice.outstanding_amount == invoice.total
                else "partly_paid"
            )
            assert invoice.status == expected, invoice.name
        statuses = {invoice.status for invoice in invoices}
        assert {"paid", "unpaid", "overdue"} <= statuses
        debit, credit = (
            await session.execute(select(func.sum(GLEntry.debit), func.sum(GLEntry.credit)))
        ).one()
        assert debit == credit
        receivable = await session.scalar(
            select(func.sum(GLEntry.debit) - func.sum(GLEntry.credit)).where(
                GLEntry.account == "1100"
            )
        )
        assert Decimal(receivable) / 100 == sum(i.outstanding_amount for i in invoices)


async def test_contact_details_are_valid_and_unique(seeded: tuple[Database, SeedReport]) -> None:
    db, report = seeded
    async with db.unit_of_work(write=False) as session:
        customers = (await session.execute(select(Customer.phone, Customer.email))).all()
        techs = (await session.scalars(select(Technician.phone))).all()
        phones = [phone for phone, _email in customers] + list(techs)
        assert all(phone and normalize_phone(phone) == phone for phone in phones)
        assert len(set(phones)) == len(phones)
        assert len({email for _phone, email in customers}) == report.customers
        locations = (await session.scalars(select(ServiceLocation))).all()
        for location in locations:
            assert normalize_postal_code(location.postal_code) == location.postal_code
            assert location.postal_code.startswith("G")
            assert location.latitude is not None
            assert 46.6 < location.latitude < 47.1
            assert location.longitude is not None
            assert -71.5 < location.longitude < -71.0
            assert location.onu_id is not None
            assert 1 <= location.onu_id <= 128
        onus = {(loc.olt_name, loc.pon_port, loc.onu_id) for loc in locations}
        assert len(onus) == len(locations)
        for column in (ServiceEquipment.gpon_serial, ServiceEquipment.mac_address):
            values = [v for v in (await session.scalars(select(column))).all() if v]
            assert len(set(values)) == len(values)


async def test_marie_eve_is_customer_one_and_everyone_is_searchable(
    seeded: tuple[Database, SeedReport],
) -> None:
    db, report = seeded
    async with db.unit_of_work() as session:
        marie = await session.scalar(select(Customer).where(Customer.name == "C-000001"))
        assert marie is not None
        assert (marie.customer_name, marie.phone, marie.email, marie.language) == (
            "Marie-Ève Tremblay",
            "+14185550123",
            "marie-eve.tremblay@example.ca",
            "fr",
        )
        place = await session.scalar(
            select(ServiceLocation).where(ServiceLocation.customer_id == marie.id)
        )
        assert place is not None
        assert (place.address_line, place.city, place.postal_code) == (
            "12 rue Saint-Jean",
            "Québec",
            "G1R 1N8",
        )
        terms = set(
            await session.scalars(
                select(CustomerSearchTerm.term).where(CustomerSearchTerm.customer_id == marie.id)
            )
        )
        assert {"4185550123", "marie", "eve", "tremblay", "g1r1n8", "saint-jean"} <= terms
        by_phone = (
            await session.execute(
                select(Customer.phone, CustomerSearchTerm.term).join(
                    CustomerSearchTerm, CustomerSearchTerm.customer_id == Customer.id
                )
            )
        ).all()
        found = {phone for phone, term in by_phone if phone and term == phone_digits(phone)}
        assert len(found) == report.customers
        series = dict(
            (await session.execute(select(NamingSeries.prefix, NamingSeries.current))).all()
        )
        assert series["C-"] == report.customers
        assert (series["INV-"], series["DJ-"]) == (report.invoices, report.jobs)
        assert await next_name(session, "C-", 6) == "C-000301"
        await session.rollback()


async def test_jobs_fit_the_technicians_skills_and_shifts(
    seeded: tuple[Database, SeedReport],
) -> None:
    db, _report = seeded
    async with db.unit_of_work(write=False) as session:
        techs = {tech.id: tech for tech in (await session.scalars(select(Technician))).all()}
        jobs = (await session.scalars(select(DispatchJob))).all()
    upcoming = [job for job in jobs if job.status != "completed"]
    # Friday, then a lighter Saturday and Sunday; plus the board's 40 for today and tomorrow.
    assert len(upcoming) == 9 + 6 + 4 + 40
    assert {job.scheduled_date for job in upcoming} == {
        TODAY + dt.timedelta(days=offset) for offset in range(3)
    }
    assert {job.status for job in upcoming} == {"assigned", "open"}
    for job in jobs:
        assert job.window_start is not None
        assert job.window_end is not None
        start, end = job.window_start.astimezone(QUEBEC), job.window_end.astimezone(QUEBEC)
        assert start.date() == job.scheduled_date
        assert start < end
        if job.technician_id is None:
            continue
        tech = techs[job.technician_id]
        shift = tech.shifts[("mon", "tue", "wed", "thu", "fri", "sat", "sun")[start.weekday()]]
        assert shift[0] <= start.strftime("%H:%M")
        assert end.strftime("%H:%M") <= shift[1]
        if job.status == "assigned":
            assert set(job.required_skills) <= set(tech.skills)
    assert sum(job.status == "completed" for job in jobs) == 60


async def test_the_same_seed_gives_the_same_demo(tmp_path: Path) -> None:
    found = []
    for name, seed in (("a.db", 7), ("b.db", 7), ("c.db", 8)):
        db = await fresh(tmp_path, name)
        async with db.unit_of_work() as session:
            await seed_demo(session, customers=80, seed=seed, today=TODAY)
        async with db.unit_of_work(write=False) as session:
            people = await session.execute(
                select(
                    Customer.name, Customer.customer_name, Customer.email, Customer.phone
                ).order_by(Customer.id)
            )
            money = await session.execute(
                select(SalesInvoice.name, SalesInvoice.total, SalesInvoice.status).order_by(
                    SalesInvoice.id
                )
            )
            found.append((people.all(), money.all()))
        await db.dispose()
    assert found[0] == found[1]
    assert found[0][0] != found[2][0]


async def test_a_second_seed_is_refused(seeded: tuple[Database, SeedReport]) -> None:
    db, report = seeded
    with pytest.raises(SeedError):
        async with db.unit_of_work() as session:
            await seed_demo(session, customers=10, today=TODAY)
    with pytest.raises(SeedError):
        async with db.unit_of_work() as session:
            await seed_demo(session, customers=0, today=TODAY)
    async with db.unit_of_work(write=False) as session:
        assert await session.scalar(select(func.count()).select_from(Customer)) == report.customers


@pytest.mark.skipif(BACKEND != "postgresql", reason="PostgreSQL sequences")
async def test_postgres_ids_continue_after_the_seed() -> None:
    url = await create_postgres_database()
    try:
        await asyncio.to_thread(upgrade_to_head, url)
        db = Database.from_url(url)
        async with db.unit_of_work() as session:
            report = await seed_demo(session, customers=40, today=TODAY)
        async with db.unit_of_work() as session:
            for table in ("customer", "sales_invoice", "payment_entry", "service_equipment"):
                sequence = await session.scalar(
                    text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table}
                )
                last = await session.scalar(text(f"SELECT last_value FROM {sequence}"))
                assert last == await session.scalar(text(f"SELECT max(id) FROM {table}"))
            customer = Customer(name=await next_name(session, "C-", 6), customer_name="Nouveau")
            session.add(customer)
            await session.flush()
            assert (customer.id, customer.name) == (report.customers + 1, "C-000041")
        await db.dispose()
    finally:
        await drop_postgres_database(url)
