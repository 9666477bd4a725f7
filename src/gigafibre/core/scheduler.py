"""Periodic jobs (billing runs, pollers) that run exactly once per period across all workers.

Each job has a row; a worker runs a job only if its conditional `UPDATE … WHERE next_run_at <=
now` moved the row forward. Two workers can race on the same row, but only one update matches,
so only one of them runs the job.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import structlog
from sqlalchemy import Integer, String, Text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from gigafibre.core.db import Base, Database, utcnow
from gigafibre.core.types import UTCDateTime

log = structlog.get_logger("gigafibre.scheduler")
Job = Callable[[AsyncSession], Awaitable[None]]


class ScheduledJob(Base):
    __tablename__ = "scheduled_job"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    interval_seconds: Mapped[int] = mapped_column(Integer)
    next_run_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    last_run_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str] = mapped_column(Text, default="")


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    interval: dt.timedelta
    run: Job


class Scheduler:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.jobs: dict[str, PeriodicJob] = {}
        self._registered = False

    def every(self, interval: dt.timedelta, name: str, run: Job) -> None:
        self.jobs[name] = PeriodicJob(name=name, interval=interval, run=run)
        self._registered = False

    async def _register(self) -> None:
        async with self.db.unit_of_work() as session:
            dialect = session.get_bind().dialect.name
            insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
            for job in self.jobs.values():
                statement = insert(ScheduledJob).values(
                    name=job.name,
                    interval_seconds=int(job.interval.total_seconds()),
                    next_run_at=utcnow(),
                )
                await session.execute(
                    statement.on_conflict_do_update(
                        index_elements=[ScheduledJob.name],
                        set_={"interval_seconds": int(job.interval.total_seconds())},
                    )
                )
        self._registered = True

    async def _claim(self, job: PeriodicJob) -> bool:
        now = utcnow()
        async with self.db.unit_of_work() as session:
            claimed = await session.scalar(
                update(ScheduledJob)
                .where(ScheduledJob.name == job.name, ScheduledJob.next_run_at <= now)
                .values(next_run_at=now + job.interval, last_run_at=now)
                .returning(ScheduledJob.name)
            )
        return claimed is not None

    async def run_due(self) -> list[str]:
        """Run every job whose time has come and that no other worker took; returns their names."""
        if not self._registered:
            await self._register()
        ran: list[str] = []
        for job in self.jobs.values():
            if not await self._claim(job):
                continue
            error = ""
            try:
                async with self.db.unit_of_work() as session:
                    await job.run(session)
            except Exception as failure:
                error = f"{type(failure).__name__}: {failure}"[:2000]
                log.exception("scheduler.job_failed", job=job.name)
            async with self.db.unit_of_work() as session:
                await session.execute(
                    update(ScheduledJob)
                    .where(ScheduledJob.name == job.name)
                    .values(last_error=error)
                )
            ran.append(job.name)
        return ran
