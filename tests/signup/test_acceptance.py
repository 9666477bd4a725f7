"""Contract acceptance: signed one-time links, the exact text's hash, and what it creates."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import httpx
import jwt
from sqlalchemy import func, select

from gigafibre.billing.models import SalesInvoice, Subscription
from gigafibre.catalog.models import Quotation, QuotationStatus
from gigafibre.core.links import Audience, issue_link_token
from gigafibre.customers.models import Customer
from gigafibre.dispatch.models import DispatchJob
from gigafibre.signup.contract import text_hash
from tests.conftest import LoginAs, TransactionalDatabase
from tests.signup.conftest import World, last_message, place_order

HTML = {"accept": "text/html"}
JWT = "test-jwt-secret-" + "y" * 32


def accept_token(order: dict[str, object]) -> str:
    return parse_qs(urlparse(str(order["accept_url"])).query)["token"][0]


async def contract_form(client: httpx.AsyncClient, token: str) -> tuple[str, str]:
    page = await client.get(f"/accept?token={token}", headers=HTML)
    assert page.status_code == 200, page.text
    found = re.search(r'name="text_hash" value="([0-9a-f]{64})"', page.text)
    assert found is not None
    return page.text, found.group(1)


async def count(db: TransactionalDatabase, model: type[object]) -> int:
    async with db.unit_of_work(write=False) as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_accepting_records_the_hash_and_creates_the_customer_then_goes_to_payment(
    client: httpx.AsyncClient, tx_database: TransactionalDatabase, world: World
) -> None:
    order = await place_order(client, tx_database, world)
    token = accept_token(order)
    page, shown_hash = await contract_form(client, token)
    assert "SU-FIBRE-500 fr : 75,00 $ par mois" in page
    assert "TVQ (9,975 %)" in page
    assert "228,80" in page
    accepted = await client.post(
        "/accept", data={"token": token, "text_hash": shown_hash, "agree": "yes"}, headers=HTML
    )
    assert accepted.status_code == 303, accepted.text
    assert "/sandbox/checkout/" in accepted.headers["location"]
    async with tx_database.unit_of_work(write=False) as session:
        quotation = await session.scalar(
            select(Quotation).where(Quotation.name == order["quotation"])
        )
        assert quotation is not None
        assert quotation.status is QuotationStatus.accepted
        assert quotation.acceptance_hash == shown_hash
        assert quotation.acceptance_ip == "203.0.113.5"
        assert quotation.accepted_at is not None
        customer = await session.get(Customer, quotation.customer_id)
        assert customer is not None
        assert customer.email == "nadia@example.ca"
        subscriptions = (
            await session.scalars(
                select(Subscription).where(Subscription.customer_id == customer.id)
            )
        ).all()
        assert len(subscriptions) == 2  # the plan and the phone option; the fee is billed once
        job = await session.scalar(
            select(DispatchJob).where(DispatchJob.customer_id == customer.id)
        )
        assert job is not None
        assert job.job_type == "fibre_install"
        invoice = await session.scalar(
            select(SalesInvoice).where(SalesInvoice.customer_id == customer.id)
        )
        assert invoice is not None
        assert invoice.outstanding_amount > 0
    copy = await last_message(tx_database, "nadia@example.ca")
    assert copy.subject.startswith("Votre contrat")
    assert shown_hash in copy.body
    assert "TVQ (9,975 %)" in copy.body


async def test_a_changed_text_hash_is_refused_and_creates_nothing(
    client: httpx.AsyncClient, tx_database: TransactionalDatabase, world: World
) -> None:
    order = await place_order(client, tx_database, world)
    token = accept_token(order)
    _page, shown_hash = await contract_form(client, token)
    before = await count(tx_database, Customer)
    tampered = text_hash("Durée : 36 mois, pénalité de résiliation de 500 $.")
    refused = await client.post(
        "/accept", data={"token": token, "text_hash": tampered, "agree": "yes"}, headers=HTML
    )
    assert refused.status_code == 409
    assert "Le contrat a changé" in refused.text
    odd = await client.post(
        "/accept", data={"token": token, "text_hash": "é" * 64, "agree": "yes"}, headers=HTML
    )
    assert odd.status_code == 409  # a refusal does not spend the link
    assert await count(tx_database, Customer) == before
    again = await client.post(
        "/accept", data={"token": token, "text_hash": shown_hash, "agree": "yes"}, headers=HTML
    )
    assert again.status_code == 303


async def test_forged_foreign_and_used_accept_links_are_refused(
    client: httpx.AsyncClient, tx_database: TransactionalDatabase, world: World
) -> None:
    order = await place_order(client, tx_database, world)
    quotation = str(order["quotation"])
    claims = {"sub": quotation, "aud": "accept", "exp": 9999999999, "jti": "x"}
    alg_none = jwt.encode(claims, None, algorithm="none")
    portal = issue_link_token(JWT, subject=quotation, audience=Audience.portal)
    for bad in (alg_none, portal):
        assert (await client.get(f"/accept?token={bad}", headers=HTML)).status_code == 401
        posted = await client.post(
            "/accept", data={"token": bad, "text_hash": "0" * 64, "agree": "yes"}, headers=HTML
        )
        assert posted.status_code == 401
    token = accept_token(order)
    _page, shown_hash = await contract_form(client, token)
    form = {"token": token, "text_hash": shown_hash, "agree": "yes"}
    assert (await client.post("/accept", data=form, headers=HTML)).status_code == 303
    again = await client.post("/accept", data=form, headers=HTML)
    assert again.status_code == 401
    assert "déjà été utilisé" in again.text
    assert (await client.get(f"/accept?token={token}", headers=HTML)).status_code == 401


async def test_staff_accept_on_behalf_of_a_customer_with_csrf(
    client: httpx.AsyncClient, tx_database: TransactionalDatabase, world: World, login_as: LoginAs
) -> None:
    order = await place_order(client, tx_database, world)
    quotation = str(order["quotation"])
    assert (await client.get(f"/api/accept-for-client/{quotation}")).status_code == 401
    await login_as("vente", roles=("support",))
    contract = (await client.get(f"/api/accept-for-client/{quotation}")).json()
    assert contract["text_hash"] == text_hash(contract["text"])
    csrf = client.headers.pop("X-CSRF-Token")
    body = {"quotation": quotation, "text_hash": contract["text_hash"]}
    assert (await client.post("/api/accept-for-client", json=body)).status_code == 403
    client.headers["X-CSRF-Token"] = csrf
    done = await client.post("/api/accept-for-client", json=body)
    assert done.status_code == 201, done.text
    assert done.json()["customer"].startswith("C-")
    assert (await client.post("/api/accept-for-client", json=body)).status_code == 409
