"""A small dispatch world: three technicians, two customers (fr, en) with homes, four jobs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.core.naming import assign_name
from gigafibre.core.outbox import OutboxMessage
from gigafibre.customers import schemas
from gigafibre.customers import service as customer_service
from gigafibre.customers.models import Customer, ServiceLocation
from gigafibre.dispatch import service
from gigafibre.dispatch.models import DispatchJob, Technician
from gigafibre.dispatch.routing import local_datetime
from tests.conftest import TransactionalDatabase


def next_tuesday() -> dt.date:
    """A Tuesday one to two weeks ahead: inside the calendar feed, a working day."""
    today = dt.date.today()
    return today + dt.timedelta(days=(1 - today.weekday()) % 7 + 7)


DAY = next_tuesday()
WEEK = {day: ["08:00", "16:30"] for day in ("mon", "tue", "wed", "thu", "fri")}


@dataclass
class World:
    day: dt.date
    techs: dict[str, str]  # role in the test -> TECH-…
    jobs: dict[str, str]  # role in the test -> DJ-…
    customers: dict[str, str]  # role -> C-…


async def _tech(
    session: AsyncSession,
    full_name: str,
    skills: list[str],
    home: tuple[float, float],
    shifts: dict[str, list[str]],
    phone: str,
) -> Technician:
    tech = Technician(
        full_name=full_name,
        skills=skills,
        shifts=shifts,
        phone=phone,
        home_base="Québec",
        home_latitude=home[0],
        home_longitude=home[1],
    )
    await assign_name(session, tech)
    session.add(tech)
    await session.flush()
    return tech


async def _customer(
    session: AsyncSession,
    name: str,
    language: str,
    phone: str,
    email: str,
    where: tuple[float, float],
) -> Customer:
    return await customer_service.create_customer(
        session,
        data=schemas.CustomerCreate(
            customer_name=name,
            language=language,
            phone=phone,
            email=email,
            location=schemas.LocationInput(
                civic_number="12",
                street="rue Saint-Jean",
                city="Québec",
                postal_code="G1R 1N8",
                latitude=where[0],
                longitude=where[1],
            ),
        ),
        actor="test",
    )


async def _job(
    session: AsyncSession, kind: str, customer: Customer, day: dt.date, window: tuple[str, str]
) -> DispatchJob:
    location = await session.scalar(
        select(ServiceLocation.id).where(ServiceLocation.customer_id == customer.id)
    )
    return await service.create_job(
        session,
        job_type=kind,
        subject=f"{kind} chez {customer.customer_name}",
        customer_id=customer.id,
        service_location_id=location,
        scheduled_date=day,
        window_start=local_datetime(day, window[0]),
        window_end=local_datetime(day, window[1]),
    )


@pytest.fixture
async def world(tx_database: TransactionalDatabase) -> World:
    async with tx_database.unit_of_work() as session:
        ana = await _tech(
            session, "Ana Roy", ["fibre_install", "repair"], (46.80, -71.25), WEEK, "418-555-0101"
        )
        ben = await _tech(session, "Ben Côté", ["repair"], (46.75, -71.10), WEEK, "418-555-0102")
        cy = await _tech(
            session, "Cy Dubé", ["splicing", "aerial"], (46.85, -71.30),
            {"sat": ["08:00", "16:00"]}, "418-555-0103",
        )  # fmt: skip
        marie = await _customer(
            session, "Marie Tremblay", "fr", "418-555-0123", "marie@example.ca", (46.8123, -71.2145)
        )
        john = await _customer(
            session, "John Smith", "en", "581-555-0199", "john@example.com", (46.7900, -71.2600)
        )
        install = await _job(session, "fibre_install", marie, DAY, ("08:00", "10:00"))
        repair = await _job(session, "repair", john, DAY, ("10:00", "12:00"))
        late = await _job(session, "repair", marie, DAY, ("13:00", "15:00"))
        drop = await _job(session, "drop_replacement", john, DAY, ("08:00", "12:00"))
        return World(
            day=DAY,
            techs={"ana": ana.name, "ben": ben.name, "cy": cy.name},
            jobs={
                "install": install.name,
                "repair": repair.name,
                "late": late.name,
                "drop": drop.name,
            },
            customers={"marie": marie.name, "john": john.name},
        )


async def outbox(tx_database: TransactionalDatabase, reference: str) -> list[OutboxMessage]:
    async with tx_database.unit_of_work() as session:
        return list(
            (
                await session.scalars(
                    select(OutboxMessage)
                    .where(OutboxMessage.reference == reference)
                    .order_by(OutboxMessage.id)
                )
            ).all()
        )


async def job_named(tx_database: TransactionalDatabase, name: str) -> DispatchJob:
    async with tx_database.unit_of_work() as session:
        return await service.get_job(session, name)
