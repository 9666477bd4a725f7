"""Referral codes: both sides get a credit; self-referral and reuse are refused clearly."""

from __future__ import annotations

from decimal import Decimal

import httpx
from sqlalchemy import select

from gigafibre.billing.models import CreditReason, CustomerCredit
from gigafibre.customers.models import Customer, ServiceLocation
from gigafibre.signup import referral
from tests.billing.conftest import make_customer
from tests.conftest import TransactionalDatabase
from tests.signup.conftest import World, order_input, verified
from tests.signup.test_acceptance import HTML, accept_token, contract_form


async def referrer(db: TransactionalDatabase, **fields: str) -> tuple[int, str]:
    async with db.unit_of_work() as session:
        customer = await make_customer(session)
        customer.email = fields.get("email", "parrain@example.ca")
        customer.phone = fields.get("phone", "+14185550111")
        await session.flush()
        if "street" in fields:
            session.add(
                ServiceLocation(
                    name="LOC-REF001",
                    customer_id=customer.id,
                    civic_number="742",
                    street=fields["street"],
                    city="Québec",
                    postal_code="G1R 2B5",
                )
            )
            await session.flush()
        code = await referral.code_for(session, customer)
        return customer.id, code.code


async def order_with(
    client: httpx.AsyncClient, db: TransactionalDatabase, world: World, code: str, email: str
) -> httpx.Response:
    token = await verified(client, db, email)
    data = order_input(world, token, email=email, phone=None, referral_code=code.lower())
    return await client.post("/api/order", json=data, headers={"accept-language": "fr"})


async def test_a_referred_sign_up_credits_both_customers(
    client: httpx.AsyncClient, tx_database: TransactionalDatabase, world: World
) -> None:
    referrer_id, code = await referrer(tx_database)
    checked = await client.get(f"/api/referral/{code}")
    assert checked.status_code == 200
    assert checked.json()["valid"] is True
    assert (await client.get("/api/referral/NOPE1234")).status_code == 422
    response = await order_with(client, tx_database, world, code, "filleul@example.ca")
    assert response.status_code == 201, response.text
    order = response.json()
    token = accept_token(order)
    _page, shown_hash = await contract_form(client, token)
    await client.post(
        "/accept", data={"token": token, "text_hash": shown_hash, "agree": "yes"}, headers=HTML
    )
    async with tx_database.unit_of_work(write=False) as session:
        newcomer = await session.scalar(
            select(Customer).where(Customer.email == "filleul@example.ca")
        )
        assert newcomer is not None
        credits = (
            await session.scalars(
                select(CustomerCredit).where(CustomerCredit.reason == CreditReason.referral)
            )
        ).all()
    assert sorted(c.customer_id for c in credits) == sorted([referrer_id, newcomer.id])
    assert {c.remaining for c in credits} == {Decimal("50.00")}
    again = await order_with(client, tx_database, world, code, "autre@example.ca")
    assert again.status_code == 409  # the same address was already referred
    assert again.json()["fields"]["referral_code"] == (
        "Un code de parrainage a déjà été utilisé pour ce client ou cette adresse."
    )


async def test_using_ones_own_code_is_refused_by_email_and_by_address(
    client: httpx.AsyncClient, tx_database: TransactionalDatabase, world: World
) -> None:
    _id, code = await referrer(tx_database, email="moi@example.ca")
    own = await order_with(client, tx_database, world, code, "moi@example.ca")
    assert own.status_code == 409
    assert own.json()["fields"]["referral_code"] == (
        "Vous ne pouvez pas utiliser votre propre code de parrainage."
    )
    _id2, code2 = await referrer(
        tx_database, email="voisin@example.ca", phone="+14185550112", street="rue des Signups"
    )
    same_address = await order_with(client, tx_database, world, code2, "cousin@example.ca")
    assert same_address.status_code == 409
    assert "propre code" in same_address.json()["message"]
