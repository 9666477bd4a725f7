"""A small world to sign up in: a catalogue, two addresses (one with fibre), one installer."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import httpx
import pytest_asyncio
from sqlalchemy import select

from gigafibre.addresses.models import Address
from gigafibre.addresses.service import AddressRecord, upsert_addresses
from gigafibre.catalog.models import Item
from gigafibre.core.naming import assign_name
from gigafibre.core.outbox import OutboxMessage
from gigafibre.dispatch.models import Technician
from tests.conftest import TransactionalDatabase

EVERY_DAY = {day: ["08:00", "16:30"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
HOME = (46.8419, -71.2929)
FIBRE_ADDRESS = (46.8139, -71.2080)


@dataclass(frozen=True)
class World:
    fibre_address: int
    copper_address: int
    technician: str


def item(code: str, group: str, interval: str, price: str) -> Item:
    return Item(
        item_code=code,
        item_group=group,
        name_fr=f"{code} fr",
        name_en=f"{code} en",
        price=Decimal(price),
        billing_interval=interval,
        taxable=True,
    )


@pytest_asyncio.fixture(loop_scope="session")
async def world(tx_database: TransactionalDatabase) -> World:
    async with tx_database.unit_of_work() as session:
        session.add_all(
            [
                item("SU-FIBRE-500", "plan", "month", "75.00"),
                item("SU-PHONE", "service", "month", "25.00"),
                item("SU-INSTALL", "fee", "once", "99.00"),
            ]
        )
        await upsert_addresses(
            session,
            [
                AddressRecord(
                    "su-1",
                    742,
                    "rue",
                    "des Signups",
                    "Québec",
                    postal_code="G1R 2B5",
                    latitude=FIBRE_ADDRESS[0],
                    longitude=FIBRE_ADDRESS[1],
                    fibre_passed=True,
                    olt_name="OLT-QC-01",
                    pon_port="1/1/3",
                ),
                AddressRecord(
                    "su-2",
                    9,
                    "rang",
                    "du Cuivre",
                    "Québec",
                    postal_code="G1R 2B6",
                    latitude=46.9,
                    longitude=-71.3,
                ),
            ],
        )
        tech = Technician(
            full_name="Inès Installatrice",
            phone="+14185550177",
            skills=["fibre_install"],
            shifts=EVERY_DAY,
            home_latitude=HOME[0],
            home_longitude=HOME[1],
        )
        await assign_name(session, tech)
        session.add(tech)
        await session.flush()
        rows = await session.execute(
            select(Address.source_id, Address.id).where(Address.source_id.in_(["su-1", "su-2"]))
        )
        ids = dict(rows.all())
        return World(ids["su-1"], ids["su-2"], tech.name)


async def last_message(db: TransactionalDatabase, recipient: str) -> OutboxMessage:
    async with db.unit_of_work(write=False) as session:
        message = await session.scalar(
            select(OutboxMessage)
            .where(OutboxMessage.recipient == recipient)
            .order_by(OutboxMessage.id.desc())
        )
    assert message is not None
    return message


async def code_sent_to(db: TransactionalDatabase, recipient: str) -> str:
    found = re.search(r"\b(\d{6})\b", (await last_message(db, recipient)).body)
    assert found is not None
    return found.group(1)


async def verified(client: httpx.AsyncClient, db: TransactionalDatabase, contact: str) -> str:
    sent = await client.post("/api/otp/send", json={"contact": contact, "language": "fr"})
    assert sent.status_code == 202, sent.text
    code = await code_sent_to(db, contact)
    answer = await client.post("/api/otp/verify", json={"contact": contact, "code": code})
    assert answer.status_code == 200, answer.text
    token: str = answer.json()["verification"]
    return token


def order_input(world: World, verification: str, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "full_name": "Nadia Nouvelle",
        "email": "nadia@example.ca",
        "phone": "418 555-0142",
        "language": "fr",
        "address_id": world.fibre_address,
        "plan": "SU-FIBRE-500",
        "options": ["SU-PHONE"],
        "verification": verification,
    }
    data.update(changes)
    return data


async def place_order(
    client: httpx.AsyncClient, db: TransactionalDatabase, world: World, **changes: object
) -> dict[str, object]:
    contact = str(changes.get("email", "nadia@example.ca"))
    token = await verified(client, db, contact)
    response = await client.post("/api/order", json=order_input(world, token, **changes))
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body
