"""Rows the gps tests need: technicians (with a device, home and shifts) and their jobs."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.customers.models import Customer, ServiceLocation
from gigafibre.dispatch.models import DispatchJob, JobStatus, Technician

EVERY_DAY = {day: ["08:00", "16:00"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


async def technician(
    session: AsyncSession,
    name: str,
    *,
    device: str | None = None,
    home: tuple[float, float] | None = (46.8139, -71.2080),
) -> Technician:
    tech = Technician(
        name=name,
        full_name=f"Tech {name}",
        skills=["repair"],
        shifts=EVERY_DAY,
        home_base="Québec",
        home_latitude=home[0] if home else None,
        home_longitude=home[1] if home else None,
        gps_device_id=device,
    )
    session.add(tech)
    await session.flush()
    return tech


async def job_at(
    session: AsyncSession,
    tech: Technician,
    day: dt.date,
    point: tuple[float, float],
    *,
    position: int,
    minutes: int = 60,
    window_start: dt.datetime | None = None,
) -> DispatchJob:
    suffix = secrets.token_hex(3)
    customer = Customer(name=f"C-GPS{suffix}", customer_name="Client GPS")
    session.add(customer)
    await session.flush()
    location = ServiceLocation(
        name=f"LOC-GPS{suffix}",
        customer_id=customer.id,
        civic_number="1",
        street="rue Saint-Jean",
        city="Québec",
        postal_code="G1R 1N8",
        latitude=point[0],
        longitude=point[1],
    )
    session.add(location)
    await session.flush()
    job = DispatchJob(
        name=f"DJ-G{suffix}",
        job_type="repair",
        customer_id=customer.id,
        service_location_id=location.id,
        technician_id=tech.id,
        status=JobStatus.assigned,
        scheduled_date=day,
        window_start=window_start,
        duration_minutes=minutes,
        route_position=position,
    )
    session.add(job)
    await session.flush()
    return job
