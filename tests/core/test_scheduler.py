from __future__ import annotations

import asyncio
import datetime as dt

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.core.db import Database, utcnow
from gigafibre.core.scheduler import ScheduledJob, Scheduler


async def test_a_periodic_job_runs_once_per_period_across_workers(database: Database) -> None:
    runs: list[str] = []

    async def nightly_billing(_session: AsyncSession) -> None:
        runs.append("ran")

    schedulers = [Scheduler(database) for _ in range(3)]
    for scheduler in schedulers:
        scheduler.every(dt.timedelta(hours=24), "test.nightly_billing", nightly_billing)
    try:
        await asyncio.gather(*(scheduler.run_due() for scheduler in schedulers))
        assert runs == ["ran"]
        await asyncio.gather(*(scheduler.run_due() for scheduler in schedulers))
        assert runs == ["ran"]
        async with database.unit_of_work() as session:
            await session.execute(
                update(ScheduledJob)
                .where(ScheduledJob.name == "test.nightly_billing")
                .values(next_run_at=utcnow() - dt.timedelta(seconds=1))
            )
        await asyncio.gather(*(scheduler.run_due() for scheduler in schedulers))
        assert runs == ["ran", "ran"]
    finally:
        async with database.unit_of_work() as session:
            await session.execute(
                delete(ScheduledJob).where(ScheduledJob.name == "test.nightly_billing")
            )


async def test_a_failing_job_records_its_error_and_does_not_stop_others(
    database: Database,
) -> None:
    done: list[str] = []

    async def broken(_session: AsyncSession) -> None:
        raise RuntimeError("poller unreachable")

    async def fine(_session: AsyncSession) -> None:
        done.append("fine")

    scheduler = Scheduler(database)
    scheduler.every(dt.timedelta(minutes=5), "test.broken", broken)
    scheduler.every(dt.timedelta(minutes=5), "test.fine", fine)
    try:
        assert await scheduler.run_due() == ["test.broken", "test.fine"]
        assert done == ["fine"]
        async with database.unit_of_work(write=False) as session:
            job = await session.get(ScheduledJob, "test.broken")
            assert job is not None
            assert job.last_error == "RuntimeError: poller unreachable"
    finally:
        async with database.unit_of_work() as session:
            await session.execute(
                delete(ScheduledJob).where(ScheduledJob.name.in_(["test.broken", "test.fine"]))
            )
