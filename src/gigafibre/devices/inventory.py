"""Which of our equipment each device service manages, and the seeds the simulators build on.

GenieACS (TR-069) manages the ONTs and the TP-Link gateways that speak CWMP; Oktopus (TR-369)
the TP-Link models with a USP agent. Eero, set-top boxes and ATAs are not remotely managed.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.core.db import Database
from gigafibre.customers.models import Customer
from gigafibre.devices.simulated_acs import Inventory
from gigafibre.devices.simulated_documents import DeviceSeed
from gigafibre.equipment.models import EquipmentStatus, EquipmentType, ServiceEquipment


class Protocol(StrEnum):
    tr069 = "tr069"
    tr369 = "tr369"


TR069_VENDORS = frozenset({"Nokia", "Huawei", "ZTE", "TP-Link"})
USP_MODELS = frozenset({("TP-Link", "Archer AX55"), ("TP-Link", "Deco X20")})
MANAGED_TYPES = (EquipmentType.ont, EquipmentType.router)


def protocol_for(vendor: str, model: str, equipment_type: str) -> Protocol | None:
    if equipment_type not in MANAGED_TYPES:
        return None
    if (vendor, model) in USP_MODELS:
        return Protocol.tr369
    if vendor in TR069_VENDORS:
        return Protocol.tr069
    return None


def _installed() -> list[ColumnElement[bool]]:
    return [
        ServiceEquipment.status == EquipmentStatus.installed,
        ServiceEquipment.equipment_type.in_(MANAGED_TYPES),
        ServiceEquipment.vendor.in_(TR069_VENDORS),
    ]


async def installed_seeds(session: AsyncSession, protocol: Protocol) -> list[DeviceSeed]:
    rows = (
        await session.execute(
            select(
                ServiceEquipment.serial_number,
                ServiceEquipment.vendor,
                ServiceEquipment.model,
                ServiceEquipment.equipment_type,
                ServiceEquipment.mac_address,
                Customer.name,
            )
            .outerjoin(Customer, Customer.id == ServiceEquipment.customer_id)
            .where(*_installed())
            .order_by(ServiceEquipment.id)
        )
    ).all()
    return [
        DeviceSeed(
            serial=serial,
            vendor=vendor,
            model=model,
            equipment_type=str(kind),
            mac=mac,
            customer=customer,
        )
        for serial, vendor, model, kind, mac, customer in rows
        if protocol_for(vendor, model, kind) is protocol
    ]


def inventory_of(db: Database, protocol: Protocol) -> Inventory:
    """The simulators' view of our records: installed units of one protocol.

    A cheap fingerprint query (count, last id, last change) decides whether the full list must
    be read again, so a simulator answering many NBI calls does not reload thousands of rows.
    """
    cache: dict[str, Any] = {}

    async def load() -> Sequence[DeviceSeed]:
        async with db.unit_of_work(write=False) as session:
            fingerprint = tuple(
                (
                    await session.execute(
                        select(
                            func.count(ServiceEquipment.id),
                            func.max(ServiceEquipment.id),
                            func.max(ServiceEquipment.updated_at),
                        ).where(*_installed())
                    )
                ).one()
            )
            if cache.get("fingerprint") != fingerprint:
                cache["seeds"] = await installed_seeds(session, protocol)
                cache["fingerprint"] = fingerprint
            seeds: Sequence[DeviceSeed] = cache["seeds"]
            return seeds

    return load
