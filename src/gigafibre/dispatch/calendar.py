"""A technician's jobs as an iCalendar feed, behind a signed token, for Apple/Google Calendar.

Calendar apps cannot sign in, so the feed URL carries a token: an HMAC of the technician's name
under the app's secret key. It does not expire (subscriptions poll for months); changing
`GF_SECRET_KEY` revokes every feed. Each job is one VEVENT whose UID (`DJ-000123@gigafibre`)
never changes, whose SEQUENCE is the job's, and a cancelled job stays as STATUS:CANCELLED so the
app removes it instead of keeping a stale copy.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.core.db import utcnow
from gigafibre.core.errors import AuthenticationRequiredError, ForbiddenError
from gigafibre.core.i18n import N_
from gigafibre.customers.models import Customer, ServiceLocation
from gigafibre.dispatch.models import DispatchJob, JobStatus, JobTemplate, Technician
from gigafibre.dispatch.routing import local_clock
from gigafibre.settings import Settings

UID_DOMAIN = "gigafibre"
PAST = dt.timedelta(days=30)
FUTURE = dt.timedelta(days=120)
TOKEN_MISSING = N_("This calendar needs its token.")
TOKEN_INVALID = N_("This calendar token is not valid.")


def feed_token(secret_key: str, technician: str) -> str:
    return hmac.new(secret_key.encode(), f"ical:{technician}".encode(), hashlib.sha256).hexdigest()


def check_feed_token(secret_key: str, technician: str, token: str | None) -> None:
    """401 without a token, 403 with a wrong one; verified before anything is read."""
    if not token:
        raise AuthenticationRequiredError(TOKEN_MISSING)
    if not hmac.compare_digest(feed_token(secret_key, technician).encode(), token.encode()):
        raise ForbiddenError(TOKEN_INVALID)


def feed_url(settings: Settings, technician: str) -> str:
    token = feed_token(settings.secret_key, technician)
    return (
        f"{settings.public_base_url.rstrip('/')}/dispatch/calendar/{technician}.ics?token={token}"
    )


def event_uid(job_name: str) -> str:
    return f"{job_name}@{UID_DOMAIN}"


async def technician_calendar(
    session: AsyncSession, tech: Technician, *, company_name: str, today: dt.date
) -> bytes:
    rows = (
        await session.execute(
            select(DispatchJob, Customer, ServiceLocation, JobTemplate)
            .outerjoin(Customer, Customer.id == DispatchJob.customer_id)
            .outerjoin(ServiceLocation, ServiceLocation.id == DispatchJob.service_location_id)
            .outerjoin(JobTemplate, JobTemplate.id == DispatchJob.template_id)
            .where(
                DispatchJob.technician_id == tech.id,
                DispatchJob.scheduled_date >= today - PAST,
                DispatchJob.scheduled_date <= today + FUTURE,
            )
            .order_by(DispatchJob.scheduled_date, DispatchJob.route_position, DispatchJob.id)
        )
    ).all()
    calendar = Calendar()
    calendar.add("prodid", f"-//{company_name}//FSM Dispatch//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{company_name} · {tech.full_name}")
    stamp = utcnow().replace(microsecond=0)
    for job, customer, location, template in rows:
        calendar.add_component(_event(job, customer, location, template, stamp))
    return bytes(calendar.to_ical())


def _event(
    job: DispatchJob,
    customer: Customer | None,
    location: ServiceLocation | None,
    template: JobTemplate | None,
    stamp: dt.datetime,
) -> Event:
    event = Event()
    event.add("uid", event_uid(job.name))
    event.add("dtstamp", stamp)
    start = job.planned_arrival or job.window_start
    if start is not None:
        event.add("dtstart", start.astimezone(dt.UTC).replace(microsecond=0))
        event.add("dtend", (start + dt.timedelta(minutes=job.duration_minutes)).astimezone(dt.UTC))
    elif job.scheduled_date is not None:
        event.add("dtstart", job.scheduled_date)
        event.add("dtend", job.scheduled_date + dt.timedelta(days=1))
    kind = template.label_fr if template else job.job_type
    event.add("summary", f"{job.name} · {kind}" + (f" · {job.subject}" if job.subject else ""))
    if location is not None:
        event.add("location", f"{location.address_line}, {location.city} {location.postal_code}")
        if location.latitude is not None and location.longitude is not None:
            event.add("geo", (location.latitude, location.longitude))
    lines = [customer.customer_name if customer else "", job.notes]
    if job.window_start and job.window_end:
        lines.insert(1, f"{local_clock(job.window_start)}–{local_clock(job.window_end)}")
    event.add("description", "\n".join(line for line in lines if line))
    event.add("sequence", job.sequence)
    event.add("last-modified", job.updated_at.astimezone(dt.UTC).replace(microsecond=0))
    event.add("status", "CANCELLED" if job.status is JobStatus.cancelled else "CONFIRMED")
    return event
