"""A technician signed in on the phone, with a job of today at a customer's, and stock."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.core.links import Audience, issue_link_token
from gigafibre.core.naming import assign_name
from gigafibre.customers import schemas as customer_schemas
from gigafibre.customers import service as customer_service
from gigafibre.dispatch.models import DispatchJob, JobStatus, Technician
from gigafibre.equipment.models import EquipmentStatus, EquipmentType, ServiceEquipment
from gigafibre.field.service import local_today
from gigafibre.settings import Settings
from tests.conftest import TransactionalDatabase


@dataclass
class Site:
    technician: Technician
    other: Technician
    job: DispatchJob
    other_job: DispatchJob
    stock: ServiceEquipment
    customer: str


async def _technician(session: AsyncSession, full_name: str, phone: str) -> Technician:
    technician = Technician(full_name=full_name, phone=phone, skills=["fibre"], shifts={})
    await assign_name(session, technician)
    session.add(technician)
    await session.flush()
    return technician


async def _job(
    session: AsyncSession, technician: Technician, customer_id: int, location_id: int, position: int
) -> DispatchJob:
    job = DispatchJob(
        job_type="fibre_install",
        subject="Installation fibre",
        customer_id=customer_id,
        service_location_id=location_id,
        technician_id=technician.id,
        status=JobStatus.assigned,
        scheduled_date=local_today(),
        route_position=position,
        checklist=[
            {"fr": "Mesurer le signal", "en": "Measure the signal", "done": False},
            {"fr": "Photo de l'ONT", "en": "Photo of the ONT", "done": False},
        ],
    )
    await assign_name(session, job)
    session.add(job)
    await session.flush()
    return job


@pytest.fixture
async def site(tx_database: TransactionalDatabase) -> Site:
    async with tx_database.unit_of_work() as session:
        customer = await customer_service.create_customer(
            session,
            data=customer_schemas.CustomerCreate(
                customer_name="Marie-Ève Tremblay",
                phone="+14185550123",
                location=customer_schemas.LocationInput(
                    civic_number="12",
                    street="rue Saint-Jean",
                    city="Québec",
                    postal_code="G1R 1N8",
                    olt_name="OLT-QC-01",
                    pon_port="0/1/3",
                    onu_id=7,
                    access_notes="Chien dans la cour",
                ),
            ),
            actor="test",
        )
        loaded = await customer_service.get_customer(session, name=customer.name)
        location = loaded.locations[0]
        technician = await _technician(session, "Luc Côté", "+14185550111")
        other = await _technician(session, "Ana Silva", "+14185550222")
        job = await _job(session, technician, customer.id, location.id, 0)
        other_job = await _job(session, other, customer.id, location.id, 0)
        stock = ServiceEquipment(
            equipment_type=EquipmentType.ont,
            vendor="Nokia",
            model="G-010G-Q",
            serial_number="ALCLB1234567",
            gpon_serial="ALCLB1234567",
            mac_address="00:1A:2B:3C:4D:5E",
            status=EquipmentStatus.in_stock,
        )
        await assign_name(session, stock)
        session.add(stock)
        await session.flush()
        return Site(technician, other, job, other_job, stock, customer.name)


SignIn = Callable[[Technician], Awaitable[str]]


@pytest.fixture
def sign_in(client: httpx.AsyncClient, settings: Settings) -> SignIn:
    """Open the technician's SMS link with the client; returns (and sets) the CSRF token."""

    async def _sign_in(technician: Technician) -> str:
        token = issue_link_token(
            settings.jwt_secret, subject=technician.name, audience=Audience.tech
        )
        opened = await client.get(f"/j/{token}")
        assert opened.status_code == 303, opened.text
        assert opened.headers["location"] == "/field/"
        day = await client.get("/field/")
        assert day.status_code == 200, day.text
        found = re.search(r'<meta name="csrf-token" content="([^"]+)"', day.text)
        assert found is not None
        client.headers["X-CSRF-Token"] = found.group(1)
        return found.group(1)

    return _sign_in
