"""The support inbox over 100,000 Communications on 10,000 tickets, SQLite and PostgreSQL.

    .venv/bin/python bench/inbox.py --backend both

Seeds customers, tickets and messages with bulk inserts, runs ANALYZE, then times, each in its
own read unit of work as a request would: the inbox's first page (50 tickets, newest activity
first, with each one's last message and SLA state), the same page filtered on status `open`,
and a thread view (a random ticket with all its messages, attachments and delivery status).
Beside them, in the same run, the baseline: one primary-key read of a ticket, the least a
request costs on this machine and driver. The query plans are printed so index use shows.

Target (issue #7): p99 < 100 ms for the inbox page and the thread view. Exit status 0 whatever
the figures; figures are judged as a share of the baseline, not against another machine.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import secrets
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

import gigafibre.models  # noqa: F401  (every mapper)
from gigafibre.conversations import queries
from gigafibre.conversations.sla import SlaTargets
from gigafibre.core.db import Database, make_engine, utcnow
from gigafibre.core.migrate import upgrade_to_head
from gigafibre.customers.models import Customer
from gigafibre.settings import Settings
from gigafibre.tickets.models import Communication, HDTicket, TicketStatus

ADMIN_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
TARGET_MS = 100.0
CHUNK = 5000
STATUSES = ["open"] * 3 + ["replied"] * 2 + ["paused"] + ["resolved"] * 3 + ["closed"]
PRIORITIES = ["low", "medium", "medium", "high", "urgent"]
CHANNELS = ["sms", "email", "web", "phone"]


async def seed(db: Database, tickets: int, messages: int, rng: random.Random) -> None:
    now = utcnow()
    customers = max(1, tickets // 5)
    async with db.unit_of_work() as session:
        for start in range(0, customers, CHUNK):
            await session.execute(
                insert(Customer),
                [
                    {
                        "id": n,
                        "name": f"C-{n:06d}",
                        "customer_name": f"Client {n}",
                        "phone": f"+1418{n:07d}",
                        "created_at": now,
                        "updated_at": now,
                    }
                    for n in range(start + 1, min(start + CHUNK, customers) + 1)
                ],
            )
        opened = {
            n: now - dt.timedelta(minutes=rng.randint(60, 60 * 24 * 365))
            for n in range(1, tickets + 1)
        }
        per_ticket = [1] * tickets
        for _ in range(messages - tickets):
            per_ticket[rng.randrange(tickets)] += 1
        rows: list[dict[str, Any]] = []
        last: dict[int, dt.datetime] = {}
        message_id = 0
        for ticket_id, n_messages in enumerate(per_ticket, start=1):
            moment = opened[ticket_id]
            for turn in range(n_messages):
                message_id += 1
                moment += dt.timedelta(minutes=rng.randint(5, 600))
                rows.append(
                    {
                        "id": message_id,
                        "name": f"COM-{message_id:07d}",
                        "customer_id": 1 + (ticket_id - 1) % customers,
                        "ticket_id": ticket_id,
                        "channel": CHANNELS[ticket_id % 4],
                        "direction": "outbound" if turn % 2 else "inbound",
                        "sender": "",
                        "recipient": "",
                        "subject": "",
                        "content": f"Message {message_id} " + "texte " * rng.randint(3, 40),
                        "status": "sent" if turn % 2 else "received",
                        "internal": turn % 7 == 6,
                        "author": "agent" if turn % 2 else "",
                        "created_at": moment,
                    }
                )
            last[ticket_id] = moment
        for start in range(0, tickets, CHUNK):
            await session.execute(
                insert(HDTicket),
                [
                    {
                        "id": n,
                        "name": f"TKT-{n:06d}",
                        "customer_id": 1 + (n - 1) % customers,
                        "subject": f"Demande {n}",
                        "status": rng.choice(STATUSES),
                        "priority": rng.choice(PRIORITIES),
                        "channel": CHANNELS[n % 4],
                        "assignee": rng.choice([None, "julie", "marc", "sophie"]),
                        "opened_at": opened[n],
                        "last_message_at": last[n],
                        "created_at": opened[n],
                        "updated_at": last[n],
                    }
                    for n in range(start + 1, min(start + CHUNK, tickets) + 1)
                ],
            )
        for start in range(0, len(rows), CHUNK):
            await session.execute(insert(Communication), rows[start : start + CHUNK])
    async with db.engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(text("ANALYZE"))


async def timed(
    db: Database, runs: int, work: Callable[[AsyncSession, int], Awaitable[object]]
) -> list[float]:
    durations = []
    for run in range(runs):
        started = time.perf_counter()
        async with db.unit_of_work(write=False) as session:
            await work(session, run)
        durations.append((time.perf_counter() - started) * 1000)
    return durations


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def plans(db: Database, sqlite: bool) -> list[str]:
    """The plans of the two queries, so a missing index shows as a scan."""
    inbox = queries.inbox_query(queries.InboxFilters(status=TicketStatus.open)).limit(51)
    thread = (
        select(Communication)
        .where(Communication.ticket_id == 42)
        .order_by(Communication.created_at, Communication.id)
    )
    found: list[str] = []
    async with db.engine.connect() as connection:
        for label, query in (("inbox", inbox), ("thread", thread)):
            compiled = query.compile(connection.engine, compile_kwargs={"literal_binds": True})
            prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
            rows = (await connection.execute(text(prefix + str(compiled)))).all()
            lines = [str(row[-1]) if sqlite else str(row[0]) for row in rows]
            found.append(f"  plan {label}: " + " | ".join(line.strip() for line in lines[:6]))
    return found


async def measure(url: str, tickets: int, messages: int, runs: int) -> list[str]:
    await asyncio.to_thread(upgrade_to_head, url)
    db = Database.from_url(url)
    rng = random.Random(7)
    await seed(db, tickets, messages, rng)
    defaults = Settings()
    targets = SlaTargets(defaults.sla_first_response_minutes, defaults.sla_resolution_minutes)
    picks = [rng.randint(1, tickets) for _ in range(runs)]

    async def baseline(session: AsyncSession, run: int) -> object:
        return await session.get(HDTicket, picks[run])

    async def inbox(session: AsyncSession, _run: int) -> object:
        return await queries.list_inbox(session, queries.InboxFilters(), targets)

    async def inbox_open(session: AsyncSession, _run: int) -> object:
        return await queries.list_inbox(
            session, queries.InboxFilters(status=TicketStatus.open), targets
        )

    async def thread(session: AsyncSession, run: int) -> object:
        return await queries.thread(session, f"TKT-{picks[run]:06d}", targets)

    await timed(db, 20, inbox)  # warm the caches and the connection pool
    results = []
    base = await timed(db, runs, baseline)
    base_p50 = percentile(base, 0.5)
    results.append(("baseline  ticket by id", base))
    results.append(("inbox     first page", await timed(db, runs, inbox)))
    results.append(("inbox     status=open", await timed(db, runs, inbox_open)))
    results.append(("thread    one ticket", await timed(db, runs, thread)))
    lines = []
    for label, values in results:
        p50, p99 = percentile(values, 0.5), percentile(values, 0.99)
        verdict = "" if label.startswith("baseline") else ("ok" if p99 < TARGET_MS else "MISSED")
        lines.append(f"  {label:<24}{p50:>9.2f}{p99:>9.2f}{p50 / base_p50:>9.1f}x  {verdict}")
    lines.extend(await plans(db, url.startswith("sqlite")))
    await db.dispose()
    return lines


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
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    print(f"inbox over {args.messages} communications on {args.tickets} tickets, {args.runs} runs")
    header = f"  {'query':<24}{'p50 ms':>9}{'p99 ms':>9}{'p50/base':>10}"
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
            print("sqlite")
            print(header)
            print("\n".join(await measure(url, args.tickets, args.messages, args.runs)))
    if args.backend in ("postgresql", "both"):
        url = await postgres_database()
        try:
            print("postgresql")
            print(header)
            print("\n".join(await measure(url, args.tickets, args.messages, args.runs)))
        finally:
            await drop_postgres(url)
    print(f"target: p99 < {TARGET_MS:.0f} ms for the inbox page and the thread view")


if __name__ == "__main__":
    asyncio.run(main())
