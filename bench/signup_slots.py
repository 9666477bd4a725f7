"""Sign-up speed: installation slots over two weeks, and the website's page, on SQLite.

    .venv/bin/python bench/signup_slots.py --technicians 30 --jobs-per-day 5 --rounds 20

`available_slots` (technicians, shifts, planned jobs, holds, absences, travel to and from the
address) is timed against a baseline measured in the same run: loading the same technicians and
jobs as ORM entities, the naive way to start (the function reads columns only).
`GET /` (server-rendered catalogue) is timed against `/healthz`
through the ASGI app in process, so the ratio is the cost of the page, not of the network.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from decimal import Decimal
from pathlib import Path

import httpx
from sqlalchemy import insert, select

from gigafibre.app import create_app
from gigafibre.catalog.models import Item
from gigafibre.core.db import Database, utcnow
from gigafibre.core.migrate import upgrade_to_head
from gigafibre.customers.models import Customer, ServiceLocation
from gigafibre.dispatch.models import DispatchJob, Technician
from gigafibre.dispatch.travel import HaversineTravel
from gigafibre.settings import Settings
from gigafibre.signup import slots

DAYS = 14
WEEK = {d: ["08:00", "16:30"] for d in ("mon", "tue", "wed", "thu", "fri", "sat")}
CENTRE = (46.8139, -71.2080)


async def seed(db: Database, technicians: int, jobs_per_day: int) -> None:
    rng = random.Random(7)
    now = utcnow()
    today = now.astimezone(slots.LOCAL_TZ).date()
    async with db.unit_of_work() as session:
        await session.execute(
            insert(Technician),
            [
                {
                    "name": f"TECH-{n:04d}",
                    "full_name": f"Tech {n}",
                    "skills": ["fibre_install"],
                    "shifts": WEEK,
                    "home_latitude": CENTRE[0] + rng.uniform(-0.1, 0.1),
                    "home_longitude": CENTRE[1] + rng.uniform(-0.1, 0.1),
                    "active": True,
                    "created_at": now,
                    "updated_at": now,
                }
                for n in range(1, technicians + 1)
            ],
        )
        await session.execute(
            insert(Customer),
            [{"name": "C-000001", "customer_name": "Bench", "created_at": now, "updated_at": now}],
        )
        customer = await session.scalar(select(Customer.id))
        await session.execute(
            insert(ServiceLocation),
            [
                {
                    "name": f"LOC-{n:06d}",
                    "customer_id": customer,
                    "civic_number": str(n),
                    "street": "rue du Banc",
                    "city": "Québec",
                    "postal_code": "G1R 2B5",
                    "latitude": CENTRE[0] + rng.uniform(-0.1, 0.1),
                    "longitude": CENTRE[1] + rng.uniform(-0.1, 0.1),
                    "created_at": now,
                    "updated_at": now,
                }
                for n in range(1, 201)
            ],
        )
        tech_ids = list((await session.scalars(select(Technician.id))).all())
        rows: list[dict[str, object]] = []
        for offset in range(1, DAYS + 1):
            day = today + dt.timedelta(days=offset)
            for tech in tech_ids:
                for slot in range(jobs_per_day):
                    start = dt.datetime.combine(day, dt.time(8 + slot * 2), slots.LOCAL_TZ)
                    rows.append(
                        {
                            "name": f"DJ-{len(rows) + 1:06d}",
                            "job_type": "repair",
                            "technician_id": tech,
                            "service_location_id": rng.randint(1, 200),
                            "status": "assigned",
                            "scheduled_date": day,
                            "window_start": start.astimezone(dt.UTC),
                            "window_end": (start + dt.timedelta(minutes=60)).astimezone(dt.UTC),
                            "duration_minutes": 60,
                            "created_at": now,
                            "updated_at": now,
                        }
                    )
        await session.execute(insert(DispatchJob), rows)
        session.add(
            Item(
                item_code="FIBRE-500",
                item_group="plan",
                name_fr="Fibre 500",
                name_en="Fibre 500",
                price=Decimal("75.00"),
                billing_interval="month",
            )
        )
    print(f"seeded {technicians} technicians, {len(rows)} planned jobs over {DAYS} days")


async def timed(rounds: int, call: Callable[[], Awaitable[object]]) -> list[float]:
    await call()
    durations = []
    for _ in range(rounds):
        started = time.perf_counter()
        await call()
        durations.append((time.perf_counter() - started) * 1000)
    return durations


def report(label: str, durations: list[float], baseline: list[float]) -> None:
    median, base = statistics.median(durations), statistics.median(baseline)
    p95 = sorted(durations)[int(len(durations) * 0.95) - 1]
    print(
        f"{label:<34} median {median:8.2f} ms  p95 {p95:8.2f} ms"
        f"  baseline {base:7.2f} ms  ratio {median / base:6.1f}x"
    )


async def main(technicians: int, jobs_per_day: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        await asyncio.to_thread(upgrade_to_head, url)
        db = Database.from_url(url)
        await seed(db, technicians, jobs_per_day)
        travel = HaversineTravel()
        found: list[slots.Slot] = []

        async def compute() -> None:
            async with db.unit_of_work(write=False) as session:
                found[:] = await slots.available_slots(session, CENTRE, days=DAYS, travel=travel)

        async def bare_reads() -> None:
            async with db.unit_of_work(write=False) as session:
                await session.scalars(select(Technician))
                (await session.execute(select(DispatchJob))).all()

        report(
            "available_slots (14 days)",
            await timed(rounds, compute),
            await timed(rounds, bare_reads),
        )
        print(f"  {len(found)} slots offered")
        settings = Settings(
            database_url=url, secret_key="b" * 40, jwt_secret="c" * 40, log_level="WARNING"
        )
        app = create_app(settings, database=db)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            page = await client.get("/", headers={"accept": "text/html"})
            script = await client.get("/signup.js")
            sizes = len(page.content) / 1024, len(script.content) / 1024
            print(f"  GET / is {sizes[0]:.1f} KiB, /signup.js {sizes[1]:.1f} KiB")
            home = await timed(rounds * 5, lambda: client.get("/", headers={"accept": "text/html"}))
            health = await timed(rounds * 5, lambda: client.get("/healthz"))
            report("GET / (website)", home, health)
        await db.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--technicians", type=int, default=30)
    parser.add_argument("--jobs-per-day", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(main(args.technicians, args.jobs_per_day, args.rounds))
