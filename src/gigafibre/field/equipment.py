"""Equipment on the site: find a unit by serial then MAC, create one, install it on a job.

Installing emits `equipment.installed` `{equipment, serial, mac, customer, job}`: provisioning
(devices) subscribes to it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.core.db import utcnow
from gigafibre.core.errors import ConflictError, NotFoundError, ValidationFailedError
from gigafibre.core.events import emit
from gigafibre.core.i18n import N_
from gigafibre.core.naming import assign_name
from gigafibre.customers.models import Customer
from gigafibre.dispatch.models import DispatchJob, JobStatus
from gigafibre.equipment.models import EquipmentStatus, EquipmentType, ServiceEquipment
from gigafibre.field.models import JobEquipment
from gigafibre.field.service import job_topics

SERIAL = re.compile(r"[A-Z0-9][A-Z0-9\-]{2,59}")
MIN_QUERY = 3


def normalise_serial(text: str) -> str:
    return re.sub(r"\s+", "", text).upper()


def normalise_mac(text: str) -> str | None:
    """`00-1a-2b-3c-4d-5e`, `001a.2b3c.4d5e`, `001A2B3C4D5E` → `00:1A:2B:3C:4D:5E`."""
    raw = re.sub(r"[\s:\-.]", "", text).upper()
    if not re.fullmatch(r"[0-9A-F]{12}", raw):
        return None
    return ":".join(raw[i : i + 2] for i in range(0, 12, 2))


def _mac_prefix(text: str) -> str | None:
    """A partial MAC typed on the phone (`00:1a:2b`, `001A2B`) as a stored-form prefix."""
    raw = re.sub(r"[\s:\-.]", "", text).upper()
    if len(raw) < 4 or not re.fullmatch(r"[0-9A-F]+", raw):
        return None
    pairs = [raw[i : i + 2] for i in range(0, len(raw), 2)]
    return ":".join(pairs)


def _like_prefix(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


@dataclass(frozen=True)
class Matches:
    matched_by: str  # "serial", "mac" or "none"
    results: Sequence[ServiceEquipment]


async def search_equipment(session: AsyncSession, query: str, *, limit: int = 10) -> Matches:
    """Serial first (exact, then prefix, also the GPON serial); only if none match, the MAC."""
    text = query.strip()
    if len(text) < MIN_QUERY:
        return Matches("none", [])
    serial = normalise_serial(text)
    found = (
        await session.scalars(
            select(ServiceEquipment)
            .where(
                (func.upper(ServiceEquipment.serial_number).like(_like_prefix(serial), "\\"))
                | (ServiceEquipment.gpon_serial.like(_like_prefix(serial), "\\"))
            )
            .order_by((func.upper(ServiceEquipment.serial_number) != serial), ServiceEquipment.name)
            .limit(limit)
        )
    ).all()
    if found:
        return Matches("serial", found)
    prefix = _mac_prefix(text)
    if prefix is None:
        return Matches("none", [])
    by_mac = (
        await session.scalars(
            select(ServiceEquipment)
            .where(ServiceEquipment.mac_address.like(_like_prefix(prefix), "\\"))
            .order_by(ServiceEquipment.name)
            .limit(limit)
        )
    ).all()
    return Matches("mac" if by_mac else "none", by_mac)


async def equipment_by_name(session: AsyncSession, name: str) -> ServiceEquipment:
    found = await session.scalar(select(ServiceEquipment).where(ServiceEquipment.name == name))
    if found is None:
        raise NotFoundError(N_("This equipment does not exist."))
    return found


async def create_equipment(
    session: AsyncSession,
    *,
    equipment_type: EquipmentType,
    serial_number: str,
    vendor: str = "",
    model: str = "",
    mac_address: str | None = None,
) -> ServiceEquipment:
    """A new unit in stock; serial unique, MAC checked and stored as `AA:BB:…`."""
    serial = normalise_serial(serial_number)
    if not SERIAL.fullmatch(serial):
        raise ValidationFailedError(
            N_("The serial number is not valid."),
            fields={"serial_number": N_("Letters, digits and dashes, 3 to 60.")},
        )
    mac: str | None = None
    if mac_address and mac_address.strip():
        mac = normalise_mac(mac_address)
        if mac is None:
            raise ValidationFailedError(
                N_("The MAC address is not valid."),
                fields={"mac_address": N_("12 hexadecimal digits, e.g. 00:1A:2B:3C:4D:5E.")},
            )
    existing = await session.scalar(
        select(ServiceEquipment.name).where(func.upper(ServiceEquipment.serial_number) == serial)
    )
    if existing is not None:
        raise ConflictError(
            N_("Equipment {name} already has this serial number."),
            fields={"serial_number": N_("Already used.")},
            name=existing,
        )
    equipment = ServiceEquipment(
        equipment_type=EquipmentType(equipment_type),
        serial_number=serial,
        vendor=vendor.strip()[:60],
        model=model.strip()[:60],
        mac_address=mac,
        status=EquipmentStatus.in_stock,
    )
    await assign_name(session, equipment)
    session.add(equipment)
    await session.flush()
    return equipment


async def install_on_job(
    session: AsyncSession,
    job: DispatchJob,
    equipment: ServiceEquipment,
    *,
    actor: str,
    notes: str = "",
) -> JobEquipment:
    """Give the unit to the job's customer and location; announce it once (a repeat is a no-op)."""
    already = await session.scalar(
        select(JobEquipment).where(
            JobEquipment.job_id == job.id, JobEquipment.equipment_id == equipment.id
        )
    )
    if already is not None:
        return already
    if job.status in (JobStatus.completed, JobStatus.cancelled):
        raise ValidationFailedError(
            N_("This job is closed."), fields={"job": N_("The job is closed.")}
        )
    if job.customer_id is None:
        raise ValidationFailedError(
            N_("This job has no customer to install equipment for."),
            fields={"job": N_("No customer on this job.")},
        )
    if equipment.status == EquipmentStatus.installed and equipment.customer_id != job.customer_id:
        raise ConflictError(
            N_("Equipment {name} is installed at another customer."),
            fields={"equipment": N_("Installed elsewhere.")},
            name=equipment.name,
        )
    if equipment.status == EquipmentStatus.defective:
        raise ConflictError(
            N_("Equipment {name} is marked defective."),
            fields={"equipment": N_("Defective.")},
            name=equipment.name,
        )
    now = utcnow()
    equipment.status = EquipmentStatus.installed
    equipment.customer_id = job.customer_id
    equipment.service_location_id = job.service_location_id
    equipment.installed_at = now
    link = JobEquipment(
        job_id=job.id, equipment_id=equipment.id, installed_by=actor[:80], notes=notes[:2000]
    )
    link.installed_at = now
    session.add(link)
    await session.flush()
    customer = await session.scalar(select(Customer.name).where(Customer.id == job.customer_id))
    await emit(
        session,
        "equipment.installed",
        {
            "equipment": equipment.name,
            "serial": equipment.serial_number,
            "mac": equipment.mac_address,
            "customer": customer,
            "job": job.name,
        },
        topics=await job_topics(session, job),
    )
    return link


async def equipment_of_job(session: AsyncSession, job: DispatchJob) -> Sequence[ServiceEquipment]:
    return (
        await session.scalars(
            select(ServiceEquipment)
            .join(JobEquipment, JobEquipment.equipment_id == ServiceEquipment.id)
            .where(JobEquipment.job_id == job.id)
            .order_by(JobEquipment.id)
        )
    ).all()
