"""The portal's card-on-file page: save a card in the sandbox, see it, turn PPA off and on."""

from __future__ import annotations

import re

import httpx
from sqlalchemy import select

from gigafibre.billing.payment_models import PaymentAccount
from gigafibre.customers.models import Customer
from tests.conftest import TransactionalDatabase
from tests.portal.test_portal import HTML, link_sent_to, make_portal_customer


def _csrf(page: httpx.Response) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


async def _account(db: TransactionalDatabase, name: str) -> PaymentAccount | None:
    async with db.unit_of_work(write=False) as session:
        return await session.scalar(
            select(PaymentAccount)
            .join(Customer, Customer.id == PaymentAccount.customer_id)
            .where(Customer.name == name)
        )


async def test_a_customer_saves_a_card_and_chooses_pre_authorised_payments(
    client: httpx.AsyncClient, tx_database: TransactionalDatabase
) -> None:
    name = await make_portal_customer(tx_database)
    await client.post("/portal/request-link", json={"contact": "portail@example.ca"})
    await client.get(f"/portal/auth?token={await link_sent_to(tx_database, 'portail@example.ca')}")
    page = await client.get("/portal/card", headers={**HTML, "accept-language": "fr"})
    assert page.status_code == 200
    assert 'data-testid="no-card"' in page.text
    assert "Mode de paiement" in page.text
    refused = await client.post("/portal/card/ppa", data={"csrf_token": _csrf(page)})
    assert refused.status_code == 409  # nothing to turn on or off yet
    assert (await client.post("/portal/card/save", data={"csrf_token": "x"})).status_code == 403

    to_save = await client.post("/portal/card/save", data={"csrf_token": _csrf(page)})
    assert to_save.status_code == 303
    hosted = to_save.headers["location"].replace("http://127.0.0.1:8000", "")
    assert hosted.startswith("/sandbox/checkout/")
    back = await client.post(hosted, data={"outcome": "pay"})
    assert back.status_code == 303
    assert back.headers["location"].endswith("/portal/card?done=saved")

    shown = await client.get("/portal/card", headers=HTML)
    assert "•••• 4242" in shown.text
    account = await _account(tx_database, name)
    assert account is not None
    assert account.ppa_enabled

    off = await client.post("/portal/card/ppa", data={"csrf_token": _csrf(shown)})
    assert off.status_code == 303
    account = await _account(tx_database, name)
    assert account is not None
    assert not account.ppa_enabled
    on = await client.post(
        "/portal/card/ppa", data={"csrf_token": _csrf(shown), "enabled": "true"}
    )
    assert on.status_code == 303
    account = await _account(tx_database, name)
    assert account is not None
    assert account.ppa_enabled

    manage = await client.post("/portal/card/manage", data={"csrf_token": _csrf(shown)})
    assert manage.status_code == 303
    assert "/sandbox/portal/" in manage.headers["location"]


async def test_the_card_page_needs_a_signed_in_customer(client: httpx.AsyncClient) -> None:
    assert (await client.get("/portal/card", headers=HTML)).status_code in (302, 303, 401)
