"""A customer with a Nokia ONT (TR-069), a TP-Link gateway (TR-069) and an Archer (TR-369)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from gigafibre.core.naming import assign_name
from gigafibre.customers import schemas
from gigafibre.customers import service as customer_service
from gigafibre.equipment.models import EquipmentStatus, EquipmentType, ServiceEquipment
from tests.billing.conftest import make_item, subscribe
from tests.conftest import TransactionalDatabase

ONT_ID = "ALCL-G%2D240W%2DA-ALCL00000001"
GATEWAY_ID = "A42BB0-DecoXX230v-2200000000003"


@dataclass
class Household:
    customer: str
    customer_id: int
    location_id: int
    ont: str
    gateway: str
    archer: str


async def unit(
    db: TransactionalDatabase,
    *,
    serial: str,
    vendor: str,
    model: str,
    kind: EquipmentType,
    customer_id: int | None,
    location_id: int | None,
    mac: str | None = None,
) -> str:
    async with db.unit_of_work() as session:
        equipment = ServiceEquipment(
            equipment_type=kind,
            vendor=vendor,
            model=model,
            serial_number=serial,
            mac_address=mac,
            status=EquipmentStatus.installed,
            customer_id=customer_id,
            service_location_id=location_id,
            installed_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
        )
        await assign_name(session, equipment)
        session.add(equipment)
        await session.flush()
        return equipment.name


async def household(db: TransactionalDatabase) -> Household:
    async with db.unit_of_work() as session:
        customer = await customer_service.create_customer(
            session,
            data=schemas.CustomerCreate(
                customer_name="Marie-Ève Tremblay",
                phone="+14185550123",
                location=schemas.LocationInput(
                    civic_number="12", street="rue Saint-Jean", city="Québec", postal_code="G1R 1N8"
                ),
            ),
            actor="test",
        )
        plan = await make_item(session, "FIBRE-500", "75.00")
        await subscribe(session, customer, plan, dt.date(2026, 1, 1))
        name, customer_id = customer.name, customer.id
        location_id = (await customer_service.get_customer(session, name=name)).locations[0].id
    ont = await unit(
        db,
        serial="ALCL00000001",
        vendor="Nokia",
        model="G-240W-A",
        kind=EquipmentType.ont,
        customer_id=customer_id,
        location_id=location_id,
    )
    gateway = await unit(
        db,
        serial="2200000000003",
        vendor="TP-Link",
        model="Deco XX230v",
        kind=EquipmentType.router,
        customer_id=customer_id,
        location_id=location_id,
        mac="A4:2B:B0:12:34:56",
    )
    archer = await unit(
        db,
        serial="2200000000005",
        vendor="TP-Link",
        model="Archer AX55",
        kind=EquipmentType.router,
        customer_id=customer_id,
        location_id=location_id,
    )
    return Household(name, customer_id, location_id, ont, gateway, archer)
