from __future__ import annotations

import datetime as dt
from decimal import Decimal

import httpx

from gigafibre.billing import cycle, reports, service
from gigafibre.billing.models import PaymentMode, SalesInvoice
from tests.billing.conftest import make_customer, make_item, subscribe
from tests.conftest import LoginAs, TransactionalDatabase


async def seed_books(db: TransactionalDatabase) -> str:
    async with db.unit_of_work() as session:
        fibre = await make_item(session, "R-FIBRE", "100.00")
        phone = await make_item(session, "R-PHONE", "20.00")
        first = await make_customer(session, billing_day=1)
        second = await make_customer(session, billing_day=1)
        await subscribe(session, first, fibre, dt.date(2026, 1, 1))
        await subscribe(session, second, phone, dt.date(2026, 1, 1))
        for month in (9, 10, 11):
            await cycle.run_billing(session, as_of=dt.date(2026, month, 2))
        paid = await session.scalar(
            SalesInvoice.__table__.select()
            .with_only_columns(SalesInvoice.name)
            .where(SalesInvoice.customer_id == first.id)
            .order_by(SalesInvoice.posting_date)
        )
        await service.record_payment(
            session,
            invoice_name=paid,
            amount=Decimal("114.98"),
            mode=PaymentMode.card,
            on=dt.date(2026, 9, 10),
        )
        return second.name


async def test_reports_agree_with_the_documents(tx_database: TransactionalDatabase) -> None:
    await seed_books(tx_database)
    async with tx_database.unit_of_work(write=False) as session:
        revenue = await reports.revenue_by_month(
            session, start=dt.date(2026, 9, 1), end=dt.date(2026, 11, 30)
        )
        taxes = await reports.taxes_collected(
            session, start=dt.date(2026, 9, 1), end=dt.date(2026, 11, 30)
        )
        aging = await reports.receivable_aging(session, as_of=dt.date(2026, 11, 29))
        balance = await reports.trial_balance(session, as_of=dt.date(2026, 11, 30))
    mine = [r for r in revenue if r.item_code.startswith("R-")]
    assert [(r.month, r.item_code, r.amount) for r in mine] == [
        ("2026-09", "R-FIBRE", Decimal("100.00")),
        ("2026-09", "R-PHONE", Decimal("20.00")),
        ("2026-10", "R-FIBRE", Decimal("100.00")),
        ("2026-10", "R-PHONE", Decimal("20.00")),
        ("2026-11", "R-FIBRE", Decimal("100.00")),
        ("2026-11", "R-PHONE", Decimal("20.00")),
    ]
    assert taxes.gst_collected >= Decimal("18.00")  # 5 % of 3 x 120.00
    assert sum((r.debit for r in balance), Decimal(0)) == sum(
        (r.credit for r in balance), Decimal(0)
    )
    buckets = {r.customer_name: r.buckets for r in aging}
    assert buckets["Client Facturation"]["current"] >= 0
    assert reports.aging_bucket(dt.date(2026, 10, 1), dt.date(2026, 11, 29)) == "31-60"
    assert reports.aging_bucket(dt.date(2026, 12, 1), dt.date(2026, 11, 29)) == "current"


async def test_reports_page_and_csv(
    client: httpx.AsyncClient, login_as: LoginAs, tx_database: TransactionalDatabase
) -> None:
    await seed_books(tx_database)
    await login_as("compta", ("billing",))
    page = await client.get(
        "/ops/reports?start=2026-09-01&end=2026-11-30", headers={"accept": "text/html"}
    )
    assert page.status_code == 200
    assert 'data-testid="trial-balance"' in page.text
    assert "R-FIBRE" in page.text
    csv = await client.get("/reports/revenue?start=2026-09-01&end=2026-11-30&format=csv")
    assert csv.headers["content-type"].startswith("text/csv")
    assert "2026-10,R-PHONE,20.00" in csv.text
    bad = await client.get("/reports/taxes?start=2026-12-01&end=2026-01-01")
    assert bad.status_code == 422
    assert "end" in bad.json()["fields"]
    aging = (await client.get("/reports/aging?as_of=2026-11-29")).json()
    assert set(aging["totals"]) == {"current", "1-30", "31-60", "61-90", "90+"}
