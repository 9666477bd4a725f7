"""Messages a dispatch decision sends: the technician's job link, the customer's appointment.

Queued in the caller's transaction through the outbox, so they leave only if the assignment
commits. Dedupe keys carry the job's `sequence`, so one assignment sends each message once
however often the request is retried, and a later re-assignment sends again.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.core.links import Audience, issue_link_token
from gigafibre.customers.models import Customer, ServiceLocation
from gigafibre.dispatch.models import DispatchJob, Technician
from gigafibre.dispatch.routing import LOCAL_TZ
from gigafibre.notify.service import queue_email, queue_sms
from gigafibre.portal.preferences import Notice, customer_wants
from gigafibre.settings import Settings

TECH_LINK_LIFETIME = dt.timedelta(hours=36)  # an evening's assignment still opens next morning


def tech_link(settings: Settings, tech: Technician) -> str:
    """Contract #5: `{public_base_url}/j/<token>`, a `tech` token naming the technician."""
    token = issue_link_token(
        settings.jwt_secret, subject=tech.name, audience=Audience.tech, lifetime=TECH_LINK_LIFETIME
    )
    return f"{settings.public_base_url.rstrip('/')}/j/{token}"


async def _place(session: AsyncSession, job: DispatchJob) -> tuple[Customer | None, str]:
    customer = await session.get(Customer, job.customer_id) if job.customer_id else None
    location = (
        await session.get(ServiceLocation, job.service_location_id)
        if job.service_location_id
        else None
    )
    address = f"{location.address_line}, {location.city}" if location else ""
    return customer, address


def _window(job: DispatchJob) -> tuple[dt.time, dt.time] | str:
    if job.window_start is None or job.window_end is None:
        return ""
    return (
        job.window_start.astimezone(LOCAL_TZ).time(),
        job.window_end.astimezone(LOCAL_TZ).time(),
    )


def _language(customer: Customer) -> str:
    return str(customer.language) if customer.language else "fr"


async def notify_assignment(
    session: AsyncSession, *, job: DispatchJob, tech: Technician, settings: Settings
) -> None:
    """SMS the technician their link, and give the customer the appointment by SMS and email."""
    customer, address = await _place(session, job)
    key = f"dispatch:{job.name}:{job.sequence}"
    if tech.phone:
        await queue_sms(
            session,
            to=tech.phone,
            template="tech_job_link",
            language=settings.default_language,
            context={
                "url": tech_link(settings, tech),
                "job": job.name,
                "technician_name": tech.full_name,
                "date": job.scheduled_date,
                "address": address,
                "company_name": settings.company_name,
            },
            reference=job.name,
            dedupe_key=f"{key}:tech",
        )
    if customer is None or job.scheduled_date is None:
        return
    context = {
        "date": job.scheduled_date,
        "window": _window(job),
        "address": address,
        "technician": tech.full_name.split(" ")[0],
        "job": job.name,
        "customer_name": customer.customer_name,
        "company_name": settings.company_name,
    }
    if customer.phone and await customer_wants(session, customer.id, Notice.appointment_sms):
        await queue_sms(
            session,
            to=customer.phone,
            template="appointment_confirmed",
            language=_language(customer),
            context=context,
            reference=job.name,
            dedupe_key=f"{key}:customer-sms",
        )
    if customer.email:
        await queue_email(
            session,
            to=customer.email,
            template="appointment_confirmed",
            language=_language(customer),
            context=context,
            reference=job.name,
            dedupe_key=f"{key}:customer-email",
        )


async def notify_technician_absent(
    session: AsyncSession, *, job: DispatchJob, settings: Settings
) -> bool:
    """Tell the customer their technician is away and we will call to confirm a new time."""
    customer, _address = await _place(session, job)
    if customer is None or not customer.phone or job.scheduled_date is None:
        return False
    await queue_sms(
        session,
        to=customer.phone,
        template="technician_absent",
        language=_language(customer),
        context={
            "date": job.scheduled_date,
            "window": _window(job),
            "job": job.name,
            "customer_name": customer.customer_name,
            "company_name": settings.company_name,
        },
        reference=job.name,
        dedupe_key=f"dispatch:{job.name}:{job.sequence}:absent",
    )
    return True
