"""What the sign-up browser test needs on the live server: an address passed by fibre (through
the address service), an installation fee and an installer working every day."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.addresses.service import AddressRecord, upsert_addresses
from gigafibre.catalog.models import Item
from gigafibre.core.naming import assign_name
from gigafibre.dispatch.models import Technician

LIVE_ADDRESS = "100 rue Saint-Paul"
EVERY_DAY = {day: ["08:00", "16:30"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


async def seed_signup_world(session: AsyncSession) -> None:
    await upsert_addresses(
        session,
        [
            AddressRecord(
                "live-signup-1",
                100,
                "rue",
                "Saint-Paul",
                "Québec",
                postal_code="G1K 3V9",
                latitude=46.8165,
                longitude=-71.2065,
                fibre_passed=True,
                olt_name="OLT-QC-01",
                pon_port="1/2/7",
            )
        ],
    )
    session.add(
        Item(
            item_code="INSTALL",
            item_group="fee",
            name_fr="Frais d'installation",
            name_en="Installation fee",
            price=Decimal("99.00"),
            billing_interval="once",
            taxable=True,
        )
    )
    tech = Technician(
        full_name="Inès Installatrice",
        phone="+14185550177",
        skills=["fibre_install"],
        shifts=EVERY_DAY,
        home_latitude=46.8419,
        home_longitude=-71.2929,
    )
    await assign_name(session, tech)
    session.add(tech)
    await session.flush()
