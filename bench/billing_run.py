"""Billing run over N subscriptions on SQLite and PostgreSQL: time and invoices per second.

    .venv/bin/python bench/billing_run.py --subscriptions 50000 --backend both

Seeds bare customers and subscriptions with bulk inserts (fast), then times one
`run_billing` in one unit of work, commit included, and a second run that must find nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import secrets
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, insert, select, text

from gigafibre.billing.cycle import run_billing
from gigafibre.billing.models import SalesInvoice, Subscription
from gigafibre.catalog.models import Item
from gigafibre.core.db import Database, make_engine, utcnow
from gigafibre.core.migrate import upgrade_to_head
from gigafibre.customers.models import Customer

ADMIN_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
AS_OF = dt.date(2026, 11, 15)


async def seed(db: Database, subscriptions: int) -> None:
    now = utcnow()
    customers = subscriptions * 2 // 3
    async with db.unit_of_work() as session:
        await session.execute(
            insert(Item),
            [
                {
                    "id": n,
                    "item_code": code,
                    "item_group": "plan",
                    "name_fr": code,
                    "name_en": code,
                    "price": Decimal(price),
                    "billing_interval": "month",
                    "taxable": True,
                    "created_at": now,
                    "updated_at": now,
                }
                for n, (code, price) in enumerate(
                    [("FIBRE-500", "75.00"), ("FIBRE-1000", "90.00"), ("PHONE", "25.00")], start=1
                )
            ],
        )
        for start in range(0, customers, 5000):
            await session.execute(
                insert(Customer),
                [
                    {
                        "id": n,
                        "name": f"C-{n:06d}",
                        "customer_name": f"Client {n}",
                        "billing_day": 1 + n % 28,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for n in range(start + 1, min(start + 5000, customers) + 1)
                ],
            )
        for start in range(0, subscriptions, 5000):
            await session.execute(
                insert(Subscription),
                [
                    {
                        "id": n,
                        "name": f"SUB-{n:06d}",
                        "customer_id": 1 + (n - 1) % customers,
                        "item_id": 1 + n % 3,
                        "rate": Decimal("75.00"),
                        "start_date": dt.date(2025, 1, 1) if n % 10 else dt.date(2026, 11, 5),
                        "created_at": now,
                        "updated_at": now,
                    }
                    for n in range(start + 1, min(start + 5000, subscriptions) + 1)
                ],
            )


async def measure(url: str, subscriptions: int) -> tuple[float, int, int]:
    await asyncio.to_thread(upgrade_to_head, url)
    db = Database.from_url(url)
    await seed(db, subscriptions)
    started = time.perf_counter()
    async with db.unit_of_work() as session:
        result = await run_billing(session, as_of=AS_OF)
    elapsed = time.perf_counter() - started
    async with db.unit_of_work() as session:
        second = await run_billing(session, as_of=AS_OF)
        made = await session.scalar(select(func.count()).select_from(SalesInvoice))
    await db.dispose()
    assert second.invoices == 0
    assert made == result.invoices
    return elapsed, result.invoices, second.already_billed


async def postgres_database() -> str:
    name = f"gf_bench_{secrets.token_hex(3)}"
    engine = make_engine(ADMIN_URL)
    async with engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    await engine.dispose()
    return ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


async def drop_postgres(url: str) -> None:
    engine = make_engine(ADMIN_URL)
    async with engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(
            text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
        )
    await engine.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subscriptions", type=int, default=50_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    print(f"billing run over {args.subscriptions} subscriptions (as of {AS_OF})")
    print(f"{'backend':<12}{'invoices':>10}{'seconds':>10}{'invoices/s':>12}")
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
            elapsed, invoices, _ = await measure(url, args.subscriptions)
            print(f"{'sqlite':<12}{invoices:>10}{elapsed:>10.2f}{invoices / elapsed:>12.0f}")
    if args.backend in ("postgresql", "both"):
        url = await postgres_database()
        try:
            elapsed, invoices, _ = await measure(url, args.subscriptions)
            print(f"{'postgresql':<12}{invoices:>10}{elapsed:>10.2f}{invoices / elapsed:>12.0f}")
        finally:
            await drop_postgres(url)
    print("target: >= 500 invoices/s on PostgreSQL; a second run finds nothing to bill")


if __name__ == "__main__":
    asyncio.run(main())
