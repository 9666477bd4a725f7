"""Job rules shared by the technician's phone and the dispatch board.

`change_job_status` is the only way a Dispatch Job changes status: it checks the transition,
stamps the times, keeps a `JobStatusChange` row (with the GPS fix of a check-in) and announces
`job.status_changed` on the `dispatch` and `technician:<name>` topics, plus `job.completed`
(which starts the `on_job_complete` flow) when the job is done.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.core.db import utcnow
from gigafibre.core.errors import NotFoundError, ValidationFailedError
from gigafibre.core.events import emit
from gigafibre.core.i18n import N_, gettext
from gigafibre.customers.models import Customer
from gigafibre.dispatch.models import DispatchJob, JobPriority, JobStatus, Technician
from gigafibre.field.models import JobStatusChange

LOCAL_TZ = ZoneInfo("America/Toronto")  # Québec keeps Eastern time: "today" is a local day

# Where a job may go from each status. Same status is a no-op, not an error.
TRANSITIONS: dict[JobStatus, frozenset[JobStatus]] = {
    JobStatus.open: frozenset({JobStatus.assigned, JobStatus.cancelled}),
    JobStatus.assigned: frozenset(
        {JobStatus.open, JobStatus.en_route, JobStatus.on_site, JobStatus.cancelled}
    ),
    JobStatus.en_route: frozenset({JobStatus.assigned, JobStatus.on_site, JobStatus.cancelled}),
    JobStatus.on_site: frozenset({JobStatus.completed, JobStatus.cancelled}),
    JobStatus.completed: frozenset(),
    JobStatus.cancelled: frozenset({JobStatus.open}),
}
# Statuses that need a technician on the job.
NEEDS_TECHNICIAN = frozenset(
    {JobStatus.assigned, JobStatus.en_route, JobStatus.on_site, JobStatus.completed}
)
STATUS_LABELS: dict[JobStatus, str] = {
    JobStatus.open: N_("Open"),
    JobStatus.assigned: N_("Assigned"),
    JobStatus.en_route: N_("En route"),
    JobStatus.on_site: N_("On site"),
    JobStatus.completed: N_("Completed"),
    JobStatus.cancelled: N_("Cancelled"),
}
PRIORITY_LABELS: dict[JobPriority, str] = {
    JobPriority.low: N_("Low"),
    JobPriority.normal: N_("Normal"),
    JobPriority.high: N_("High"),
    JobPriority.urgent: N_("Urgent"),
}


def local_today() -> dt.date:
    return dt.datetime.now(LOCAL_TZ).date()


def technician_topic(name: str) -> str:
    return f"technician:{name}"


async def _names(session: AsyncSession, job: DispatchJob) -> tuple[str | None, str | None]:
    """(technician name, customer name) of a job, for event payloads and topics."""
    technician = (
        await session.scalar(select(Technician.name).where(Technician.id == job.technician_id))
        if job.technician_id is not None
        else None
    )
    customer = (
        await session.scalar(select(Customer.name).where(Customer.id == job.customer_id))
        if job.customer_id is not None
        else None
    )
    return technician, customer


def _check_position(latitude: float | None, longitude: float | None) -> None:
    if (latitude is None) != (longitude is None):
        raise ValidationFailedError(
            N_("Give both latitude and longitude, or neither."),
            fields={"latitude": N_("Latitude and longitude go together.")},
        )
    if latitude is not None and not -90.0 <= latitude <= 90.0:
        raise ValidationFailedError(
            N_("The position is not valid."), fields={"latitude": N_("Between -90 and 90.")}
        )
    if longitude is not None and not -180.0 <= longitude <= 180.0:
        raise ValidationFailedError(
            N_("The position is not valid."), fields={"longitude": N_("Between -180 and 180.")}
        )


def _topics(technician: str | None, customer: str | None) -> list[str]:
    topics = ["dispatch"]
    if technician:
        topics.append(technician_topic(technician))
    if customer:
        topics.append(f"customer:{customer}")
    return topics


async def job_topics(session: AsyncSession, job: DispatchJob) -> list[str]:
    """`dispatch`, the technician's and the customer's topics of a job."""
    return _topics(*await _names(session, job))


async def change_job_status(
    session: AsyncSession,
    job: DispatchJob,
    status: JobStatus,
    *,
    actor: str,
    latitude: float | None = None,
    longitude: float | None = None,
) -> DispatchJob:
    """Move a job to `status` if the transition is allowed; announce it. Flushes, no commit."""
    status = JobStatus(status)
    _check_position(latitude, longitude)
    previous = JobStatus(job.status)
    if status == previous:
        return job
    if status not in TRANSITIONS[previous]:
        raise ValidationFailedError(
            N_("A job cannot go from {previous} to {status}."),
            fields={"status": N_("This change of status is not allowed.")},
            previous=gettext(STATUS_LABELS[previous]),
            status=gettext(STATUS_LABELS[status]),
        )
    if status in NEEDS_TECHNICIAN and job.technician_id is None:
        raise ValidationFailedError(
            N_("Assign a technician to the job first."),
            fields={"technician": N_("No technician on this job.")},
        )
    now = utcnow()
    job.status = status
    job.sequence = (job.sequence or 0) + 1
    if status == JobStatus.completed:
        job.completed_at = now
    elif status == JobStatus.open:
        job.completed_at = None
    session.add(
        JobStatusChange(
            job_id=job.id,
            from_status=previous.value,
            to_status=status.value,
            actor=actor[:80],
            latitude=latitude,
            longitude=longitude,
            changed_at=now,
        )
    )
    await session.flush()
    technician, customer = await _names(session, job)
    topics = _topics(technician, customer)
    payload: dict[str, Any] = {
        "job": job.name,
        "status": status.value,
        "previous": previous.value,
        "technician": technician,
        "customer": customer,
        "actor": actor,
    }
    if latitude is not None:
        payload["latitude"], payload["longitude"] = latitude, longitude
    await emit(session, "job.status_changed", payload, topics=topics)
    if status == JobStatus.completed:
        await emit(
            session,
            "job.completed",
            {
                "job": job.name,
                "job_type": job.job_type,
                "technician": technician,
                "customer": customer,
                "completed_at": now.isoformat(),
            },
            topics=topics,
        )
    return job


async def change_job_details(
    session: AsyncSession,
    job: DispatchJob,
    *,
    actor: str,
    job_type: str | None = None,
    priority: JobPriority | None = None,
) -> DispatchJob:
    """Type and priority, as the technician sees them on the site; announced like a status."""
    if job.status in (JobStatus.completed, JobStatus.cancelled):
        raise ValidationFailedError(
            N_("This job is closed."), fields={"job": N_("The job is closed.")}
        )
    changed: dict[str, str] = {}
    if job_type is not None:
        job_type = job_type.strip()
        if not job_type or len(job_type) > 40:
            raise ValidationFailedError(
                N_("The job type is not valid."), fields={"job_type": N_("1 to 40 characters.")}
            )
        if job_type != job.job_type:
            job.job_type = job_type
            changed["job_type"] = job_type
    if priority is not None and JobPriority(priority) != job.priority:
        job.priority = JobPriority(priority)
        changed["priority"] = job.priority.value
    if not changed:
        return job
    job.sequence = (job.sequence or 0) + 1
    await session.flush()
    await emit(
        session,
        "job.updated",
        {"job": job.name, "actor": actor, **changed},
        topics=await job_topics(session, job),
    )
    return job


async def tick_checklist(
    session: AsyncSession, job: DispatchJob, index: int, done: bool, *, actor: str
) -> DispatchJob:
    """Mark one checklist item done or not; the list is replaced so JSON changes are seen."""
    items = [dict(item) for item in (job.checklist or [])]
    if not 0 <= index < len(items):
        raise NotFoundError(N_("This checklist item does not exist."))
    if job.status in (JobStatus.completed, JobStatus.cancelled):
        raise ValidationFailedError(
            N_("This job is closed."), fields={"checklist": N_("The job is closed.")}
        )
    items[index]["done"] = bool(done)
    job.checklist = items
    await session.flush()
    await emit(
        session,
        "job.updated",
        {"job": job.name, "actor": actor, "checklist": index, "done": bool(done)},
        topics=await job_topics(session, job),
    )
    return job


async def technician_by_name(session: AsyncSession, name: str) -> Technician:
    technician = await session.scalar(
        select(Technician).where(Technician.name == name, Technician.active.is_(True))
    )
    if technician is None:
        raise NotFoundError(N_("This technician does not exist."))
    return technician


async def job_of_technician(
    session: AsyncSession, technician: Technician, job_name: str
) -> DispatchJob:
    """A job the technician may touch: only their own (another's is 404, not a hint)."""
    job = await session.scalar(select(DispatchJob).where(DispatchJob.name == job_name))
    if job is None or job.technician_id != technician.id:
        raise NotFoundError(N_("This job does not exist."))
    return job


async def jobs_of_day(
    session: AsyncSession, technician: Technician, day: dt.date
) -> Sequence[DispatchJob]:
    """The technician's jobs of a day in route order (unplanned ones last, by window)."""
    return (
        await session.scalars(
            select(DispatchJob)
            .where(
                DispatchJob.technician_id == technician.id,
                DispatchJob.scheduled_date == day,
                DispatchJob.status != JobStatus.cancelled,
            )
            .order_by(
                DispatchJob.route_position.asc().nulls_last(),
                DispatchJob.window_start.asc().nulls_last(),
                DispatchJob.id,
            )
        )
    ).all()
