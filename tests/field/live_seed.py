"""What the dispatch browser test (flow 4.2) needs in the live server's database."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.core.naming import assign_name
from gigafibre.customers.models import Customer, ServiceLocation
from gigafibre.dispatch.models import DispatchJob, JobStatus, Technician
from gigafibre.equipment.models import EquipmentStatus, EquipmentType, ServiceEquipment
from gigafibre.field.service import local_today

TECHNICIAN_NAME = "Luc Côté"
JOB_SUBJECT = "Installation fibre (parcours terrain)"
STOCK_SERIAL = "ALCLF0000042"
OFFLINE_TECHNICIAN_NAME = "Ana Silva"
OFFLINE_JOB_SUBJECT = "Réparation (hors ligne)"


async def seed_dispatch_flow(session: AsyncSession) -> None:
    """A technician with a phone, an open job of today at Marie-Ève's, an ONT in stock; and a
    second technician already given a job of today, for the offline test."""
    marie = await session.scalar(select(Customer).where(Customer.name == "C-000001"))
    assert marie is not None
    location = await session.scalar(
        select(ServiceLocation).where(ServiceLocation.customer_id == marie.id)
    )
    assert location is not None
    location.olt_name, location.pon_port, location.onu_id = "OLT-QC-01", "0/1/3", 7
    location.access_notes = "Sonner deux fois; chien dans la cour."
    technician = Technician(
        full_name=TECHNICIAN_NAME, phone="+14185550111", skills=["fibre"], shifts={}
    )
    await assign_name(session, technician)
    job = DispatchJob(
        job_type="fibre_install",
        subject=JOB_SUBJECT,
        customer_id=marie.id,
        service_location_id=location.id,
        status=JobStatus.open,
        scheduled_date=local_today(),
        duration_minutes=60,
    )
    await assign_name(session, job)
    stock = ServiceEquipment(
        equipment_type=EquipmentType.ont,
        vendor="Nokia",
        model="G-010G-Q",
        serial_number=STOCK_SERIAL,
        gpon_serial=STOCK_SERIAL,
        mac_address="00:1A:2B:00:00:42",
        status=EquipmentStatus.in_stock,
    )
    await assign_name(session, stock)
    session.add_all([technician, job, stock])
    await session.flush()
    offline_technician = Technician(
        full_name=OFFLINE_TECHNICIAN_NAME, phone="+14185550222", skills=["fibre"], shifts={}
    )
    await assign_name(session, offline_technician)
    session.add(offline_technician)
    await session.flush()
    offline_job = DispatchJob(
        job_type="repair",
        subject=OFFLINE_JOB_SUBJECT,
        customer_id=marie.id,
        service_location_id=location.id,
        technician_id=offline_technician.id,
        status=JobStatus.assigned,
        scheduled_date=local_today(),
        route_position=0,
        duration_minutes=45,
        checklist=[{"fr": "Vérifier le signal", "en": "Check the signal", "done": False}],
    )
    await assign_name(session, offline_job)
    session.add(offline_job)
    await session.flush()
