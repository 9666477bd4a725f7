"""Dispatch: what other modules need today. Scheduling arrives with its own issue."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.core.naming import assign_name
from gigafibre.dispatch.models import DispatchJob, JobPriority, Technician


async def jobs_for_customer(
    session: AsyncSession, *, customer_id: int, limit: int = 20
) -> Sequence[Row[DispatchJob, str]]:
    return (
        await session.execute(
            select(DispatchJob, Technician.full_name)
            .outerjoin(Technician, Technician.id == DispatchJob.technician_id)
            .where(DispatchJob.customer_id == customer_id)
            .order_by(DispatchJob.scheduled_date.desc().nulls_last(), DispatchJob.id.desc())
            .limit(limit)
        )
    ).all()


async def create_job(
    session: AsyncSession,
    *,
    job_type: str,
    subject: str = "",
    customer_id: int | None = None,
    service_location_id: int | None = None,
    priority: JobPriority = JobPriority.normal,
    duration_minutes: int = 60,
    required_skills: Sequence[str] = (),
    notes: str = "",
) -> DispatchJob:
    """An open job waiting for the dispatcher. Flushes; the caller commits."""
    job = DispatchJob(
        job_type=job_type,
        subject=subject[:200],
        customer_id=customer_id,
        service_location_id=service_location_id,
        priority=priority,
        duration_minutes=duration_minutes,
        required_skills=list(required_skills),
        notes=notes,
    )
    await assign_name(session, job)
    session.add(job)
    await session.flush()
    return job
