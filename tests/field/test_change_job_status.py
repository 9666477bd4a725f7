"""Contract #4 as the dispatch board uses it: transitions, stamps, events."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.core.errors import ValidationFailedError
from gigafibre.core.events import EventRecord
from gigafibre.dispatch.models import DispatchJob, JobStatus
from gigafibre.dispatch.service import create_job
from gigafibre.field.service import TRANSITIONS, change_job_status
from tests.field.conftest import Site


async def _job(session: AsyncSession, site: Site) -> DispatchJob:
    job = await session.scalar(select(DispatchJob).where(DispatchJob.id == site.job.id))
    assert job is not None
    return job


async def test_an_open_job_needs_a_technician_to_be_assigned(session: AsyncSession) -> None:
    job = await create_job(session, job_type="repair")
    with pytest.raises(ValidationFailedError):
        await change_job_status(session, job, JobStatus.assigned, actor="staff:chef")
    cancelled = await change_job_status(session, job, JobStatus.cancelled, actor="staff:chef")
    assert cancelled.status == JobStatus.cancelled
    reopened = await change_job_status(session, job, JobStatus.open, actor="staff:chef")
    assert reopened.status == JobStatus.open


async def test_a_completed_job_stays_completed(session: AsyncSession, site: Site) -> None:
    job = await _job(session, site)
    for status in (JobStatus.on_site, JobStatus.completed):
        await change_job_status(session, job, status, actor="staff:chef")
    assert job.completed_at is not None
    assert TRANSITIONS[JobStatus.completed] == frozenset()
    with pytest.raises(ValidationFailedError):
        await change_job_status(session, job, JobStatus.cancelled, actor="staff:chef")


async def test_the_same_status_changes_nothing(session: AsyncSession, site: Site) -> None:
    job = await _job(session, site)
    sequence = job.sequence
    await change_job_status(session, job, JobStatus.assigned, actor="staff:chef")
    assert job.sequence == sequence
    events = (
        await session.scalars(select(EventRecord).where(EventRecord.name == "job.status_changed"))
    ).all()
    assert events == []


async def test_status_events_name_the_job_status_and_technician(
    session: AsyncSession, site: Site
) -> None:
    job = await _job(session, site)
    await change_job_status(session, job, JobStatus.en_route, actor="staff:chef")
    event = await session.scalar(
        select(EventRecord).where(EventRecord.name == "job.status_changed")
    )
    assert event is not None
    assert event.payload["job"] == site.job.name
    assert event.payload["status"] == "en_route"
    assert event.payload["technician"] == site.technician.name
    assert "dispatch" in event.topics
    assert f"technician:{site.technician.name}" in event.topics


async def test_a_half_position_is_refused(session: AsyncSession, site: Site) -> None:
    job = await _job(session, site)
    with pytest.raises(ValidationFailedError):
        await change_job_status(session, job, JobStatus.on_site, actor="t", latitude=46.8)
