"""The demo's board for today and tomorrow: full days, templates, checklists, routes and ETAs."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from gigafibre.core.db import Database
from gigafibre.core.migrate import upgrade_to_head
from gigafibre.demo.seed import seed_demo
from gigafibre.dispatch.models import DispatchJob, JobStatus

TODAY = dt.date(2026, 12, 1)  # a Tuesday: every weekday crew works


@pytest.mark.skipif(
    os.environ.get("GF_TEST_DATABASE", "sqlite") != "sqlite",
    reason="the demo is checked once, on SQLite",
)
async def test_today_and_tomorrow_are_full_routed_days(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}"
    await asyncio.to_thread(upgrade_to_head, url)
    db = Database.from_url(url)
    try:
        async with db.unit_of_work() as session:
            await seed_demo(session, customers=150, today=TODAY)
        async with db.unit_of_work(write=False) as session:
            jobs = list((await session.scalars(select(DispatchJob))).all())
    finally:
        await db.dispose()
    for day in (TODAY, TODAY + dt.timedelta(days=1)):
        upcoming = [job for job in jobs if job.scheduled_date == day]
        assigned = [job for job in upcoming if job.status is JobStatus.assigned]
        per_tech = Counter(job.technician_id for job in assigned)
        assert len(per_tech) >= 7
        assert sum(per_tech.values()) >= 2 * len(per_tech)  # two-hour windows: 3 or 4 a shift
        assert any(job.technician_id is None for job in upcoming)
        for job in upcoming:
            assert job.template_id is not None
            assert job.checklist
            assert not any(item["done"] for item in job.checklist)
        for tech in per_tech:
            lane = sorted(
                (job for job in assigned if job.technician_id == tech),
                key=lambda job: job.route_position or 0,
            )
            assert [job.route_position for job in lane] == list(range(len(lane)))
            arrivals = [job.planned_arrival for job in lane]
            assert all(arrivals)
            assert arrivals == sorted(arrivals)  # type: ignore[type-var]
    done = [job for job in jobs if job.status is JobStatus.completed]
    assert all(item["done"] for job in done for item in job.checklist)
