"""The technician's view of jobs, built once for the JSON API and the phone pages alike."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.core.i18n import current_language, gettext
from gigafibre.customers.models import Customer, ServiceLocation
from gigafibre.dispatch.models import DispatchJob, JobTemplate, Technician
from gigafibre.field import schemas
from gigafibre.field.equipment import equipment_of_job
from gigafibre.field.photos import photos_of_job
from gigafibre.field.service import STATUS_LABELS, jobs_of_day


async def job_types(session: AsyncSession) -> dict[str, str]:
    """Active job types (code → label in the current language), for the Type select."""
    language = current_language.get()
    templates = (
        await session.scalars(
            select(JobTemplate).where(JobTemplate.active.is_(True)).order_by(JobTemplate.code)
        )
    ).all()
    return {template.code: template.label(language) for template in templates}


def _summary(
    job: DispatchJob,
    customer: Customer | None,
    location: ServiceLocation | None,
    types: dict[str, str],
) -> schemas.JobSummary:
    return schemas.JobSummary(
        name=job.name,
        job_type=job.job_type,
        job_type_label=types.get(job.job_type, job.job_type),
        subject=job.subject,
        status=job.status,
        status_label=gettext(STATUS_LABELS[job.status]),
        priority=job.priority,
        scheduled_date=job.scheduled_date,
        window_start=job.window_start,
        window_end=job.window_end,
        planned_arrival=job.planned_arrival,
        route_position=job.route_position,
        customer_name=customer.customer_name if customer else None,
        address=f"{location.address_line}, {location.city}" if location else None,
    )


async def _parties(
    session: AsyncSession, jobs: Sequence[DispatchJob]
) -> tuple[dict[int, Customer], dict[int, ServiceLocation]]:
    customer_ids = {job.customer_id for job in jobs if job.customer_id is not None}
    location_ids = {job.service_location_id for job in jobs if job.service_location_id is not None}
    customers = (
        {
            customer.id: customer
            for customer in (
                await session.scalars(select(Customer).where(Customer.id.in_(customer_ids)))
            ).all()
        }
        if customer_ids
        else {}
    )
    locations = (
        {
            location.id: location
            for location in (
                await session.scalars(
                    select(ServiceLocation).where(ServiceLocation.id.in_(location_ids))
                )
            ).all()
        }
        if location_ids
        else {}
    )
    return customers, locations


async def day_summaries(
    session: AsyncSession, technician: Technician, day: dt.date
) -> list[schemas.JobSummary]:
    jobs = await jobs_of_day(session, technician, day)
    customers, locations = await _parties(session, jobs)
    types = await job_types(session)
    return [
        _summary(
            job,
            customers.get(job.customer_id) if job.customer_id is not None else None,
            locations.get(job.service_location_id) if job.service_location_id is not None else None,
            types,
        )
        for job in jobs
    ]


async def job_detail(session: AsyncSession, job: DispatchJob) -> schemas.JobDetail:
    customers, locations = await _parties(session, [job])
    customer = customers.get(job.customer_id) if job.customer_id is not None else None
    location = (
        locations.get(job.service_location_id) if job.service_location_id is not None else None
    )
    summary = _summary(job, customer, location, await job_types(session))
    language = current_language.get()
    checklist = [
        schemas.ChecklistItem(
            index=index,
            label=str(item.get(language) or item.get("fr") or item.get("en") or ""),
            done=bool(item.get("done")),
        )
        for index, item in enumerate(job.checklist or [])
    ]
    base = f"/field/api/jobs/{job.name}/photos"
    return schemas.JobDetail(
        **summary.model_dump(),
        notes=job.notes,
        completed_at=job.completed_at,
        customer=schemas.CustomerContact(
            name=customer.name,
            customer_name=customer.customer_name,
            phone=customer.phone,
            email=customer.email,
        )
        if customer
        else None,
        location=schemas.LocationDetails(
            name=location.name,
            address_line=location.address_line,
            city=location.city,
            postal_code=location.postal_code,
            access_notes=location.access_notes,
            olt_name=location.olt_name,
            pon_port=location.pon_port,
            onu_id=location.onu_id,
            latitude=location.latitude,
            longitude=location.longitude,
        )
        if location
        else None,
        checklist=checklist,
        equipment=[
            schemas.EquipmentOut.model_validate(item)
            for item in await equipment_of_job(session, job)
        ],
        photos=[
            schemas.PhotoOut(
                id=photo.id,
                caption=photo.caption,
                content_type=photo.content_type,
                size_bytes=photo.size_bytes,
                uploaded_at=photo.uploaded_at,
                url=f"{base}/{photo.id}",
                thumbnail_url=f"{base}/{photo.id}?thumbnail=true",
            )
            for photo in await photos_of_job(session, job)
        ],
    )
