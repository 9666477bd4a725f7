from __future__ import annotations

import re
from decimal import Decimal

import httpx
from sqlalchemy import select

from gigafibre.catalog.models import Lead, Quotation
from gigafibre.core.links import Audience, issue_link_token
from tests.conftest import TransactionalDatabase
from tests.signup.conftest import World, order_input, place_order, verified

JWT = "test-jwt-secret-" + "y" * 32


async def test_an_order_makes_a_lead_and_a_quotation_with_quebec_taxes(
    client: httpx.AsyncClient, tx_database: TransactionalDatabase, world: World
) -> None:
    order = await place_order(client, tx_database, world)
    assert Decimal(str(order["subtotal"])) == Decimal("199.00")  # 75 + 25 + 99 (fee)
    assert Decimal(str(order["gst"])) == Decimal("9.95")
    assert Decimal(str(order["qst"])) == Decimal("19.85")
    assert Decimal(str(order["total"])) == Decimal("228.80")
    async with tx_database.unit_of_work(write=False) as session:
        lead = await session.scalar(select(Lead).where(Lead.email == "nadia@example.ca"))
        quotation = await session.scalar(
            select(Quotation).where(Quotation.name == order["quotation"])
        )
    assert lead is not None
    assert lead.phone == "+14185550142"
    assert "742 rue des Signups" in lead.address
    assert quotation is not None
    assert quotation.lead_id == lead.id
    assert quotation.total == Decimal("228.80")


async def test_an_order_needs_the_contact_it_verified(
    client: httpx.AsyncClient, tx_database: TransactionalDatabase, world: World
) -> None:
    token = await verified(client, tx_database, "autre@example.ca")
    other = await client.post("/api/order", json=order_input(world, token))
    assert other.status_code == 403
    forged = issue_link_token(JWT, subject="otp:nadia@example.ca", audience=Audience.portal)
    refused = await client.post("/api/order", json=order_input(world, forged))
    assert refused.status_code == 401


async def test_an_address_without_fibre_is_refused_in_the_callers_language(
    client: httpx.AsyncClient, tx_database: TransactionalDatabase, world: World
) -> None:
    token = await verified(client, tx_database, "nadia@example.ca")
    data = order_input(world, token, address_id=world.copper_address)
    french = await client.post("/api/order", json=data, headers={"accept-language": "fr-CA"})
    assert french.status_code == 409
    assert french.json()["fields"]["address_id"] == (
        "La fibre n'est pas encore disponible à cette adresse."
    )
    english = await client.post("/api/order", json=data, headers={"accept-language": "en"})
    assert english.json()["message"] == "Fibre is not available at this address yet."


async def test_the_catalogue_lists_plans_options_and_fees(
    client: httpx.AsyncClient, world: World
) -> None:
    body = (await client.get("/api/catalog", headers={"accept-language": "en"})).json()
    assert "SU-FIBRE-500" in [p["code"] for p in body["plans"]]
    assert "SU-PHONE" in [o["code"] for o in body["options"]]
    assert "SU-INSTALL" in [f["code"] for f in body["fees"]]
    home = await client.get("/", headers={"accept": "text/html"})
    assert home.status_code == 200
    assert "SU-FIBRE-500" in home.text
    assert re.search(r'src="/signup\.js"', home.text)
