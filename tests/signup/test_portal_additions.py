"""Portal additions: account, add-a-service, referral code; and the sign-in link's limits."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy import select

from gigafibre.catalog.models import Quotation
from gigafibre.portal import pages as portal_pages
from gigafibre.portal.models import NotificationPreference
from tests.conftest import TransactionalDatabase
from tests.portal.test_portal import HTML, link_sent_to, make_portal_customer
from tests.signup.conftest import World


async def signed_in(client: httpx.AsyncClient, db: TransactionalDatabase) -> str:
    name = await make_portal_customer(db)
    await client.post("/portal/request-link", json={"contact": "portail@example.ca"})
    token = await link_sent_to(db, "portail@example.ca")
    await client.get(f"/portal/auth?token={token}", headers=HTML)
    return name


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


async def test_request_link_answers_byte_for_byte_alike_and_cuts_off_one_ip(
    client: httpx.AsyncClient, tx_database: TransactionalDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(portal_pages, "ANSWER_FLOOR_SECONDS", 0.0)
    await make_portal_customer(tx_database)
    known = await client.post("/portal/request-link", json={"contact": "portail@example.ca"})
    unknown = await client.post("/portal/request-link", json={"contact": "personne@example.ca"})
    assert known.content == unknown.content
    assert known.headers["content-length"] == unknown.headers["content-length"]
    statuses = [
        (
            await client.post("/portal/request-link", json={"contact": f"n{i}@example.ca"})
        ).status_code
        for i in range(100)
    ]
    assert statuses[:8] == [202] * 8  # 10 a minute per IP, two used above
    assert set(statuses[8:]) == {429}


async def test_the_account_page_saves_contact_language_and_preferences(
    client: httpx.AsyncClient, tx_database: TransactionalDatabase
) -> None:
    await signed_in(client, tx_database)
    page = await client.get("/portal/account", headers=HTML)
    assert page.status_code == 200
    assert 'data-testid="referral-code"' in page.text
    form = {
        "email": "nouveau@example.ca",
        "phone": "418 555-0166",
        "language": "en",
        "invoices_by_email": "yes",
    }
    refused = await client.post("/portal/account", data=form, headers=HTML)
    assert refused.status_code == 403
    saved = await client.post(
        "/portal/account", data={**form, "csrf_token": csrf_of(page.text)}, headers=HTML
    )
    assert saved.status_code == 200
    assert 'data-testid="account-saved"' in saved.text
    async with tx_database.unit_of_work(write=False) as session:
        preference = await session.scalar(select(NotificationPreference))
    assert preference is not None
    assert preference.invoices_by_email
    assert not preference.reminders_by_sms
    mine = (await client.get("/api/referral/mine")).json()
    assert mine["code"] in page.text


async def test_asking_for_a_service_makes_a_quotation(
    client: httpx.AsyncClient, tx_database: TransactionalDatabase, world: World
) -> None:
    name = await signed_in(client, tx_database)
    page = await client.get("/portal/catalog", headers=HTML)
    assert "SU-PHONE" in page.text
    sent = await client.post(
        "/portal/catalog", data={"item": "SU-PHONE", "csrf_token": csrf_of(page.text)}, headers=HTML
    )
    assert sent.status_code == 303
    dashboard = await client.get(sent.headers["location"], headers=HTML)
    assert 'data-testid="service-requested"' in dashboard.text
    async with tx_database.unit_of_work(write=False) as session:
        quotation = await session.scalar(
            select(Quotation).where(Quotation.customer_id.is_not(None))
        )
    assert quotation is not None
    assert str(quotation.total) == "28.74"  # 25.00 + 1.25 GST + 2.49 QST
    assert name
