from __future__ import annotations

import datetime as dt
import re
import time
from urllib.parse import unquote

import httpx
from sqlalchemy import select

from gigafibre.billing import cycle
from gigafibre.core.outbox import OutboxMessage
from tests.billing.conftest import make_customer, make_item, subscribe
from tests.conftest import TransactionalDatabase

HTML = {"accept": "text/html"}


async def make_portal_customer(db: TransactionalDatabase) -> str:
    async with db.unit_of_work() as session:
        plan = await make_item(session, "PORTAL-PLAN", "90.00")
        customer = await make_customer(session, billing_day=1)
        customer.email = "portail@example.ca"
        customer.phone = "+14185550166"
        await subscribe(session, customer, plan, dt.date(2026, 1, 1))
        await cycle.run_billing(session, as_of=dt.date(2026, 11, 2))
        return customer.name


async def link_sent_to(db: TransactionalDatabase, recipient: str) -> str:
    async with db.unit_of_work(write=False) as session:
        message = await session.scalar(
            select(OutboxMessage)
            .where(OutboxMessage.recipient == recipient)
            .order_by(OutboxMessage.id.desc())
        )
    assert message is not None
    found = re.search(r"/portal/auth\?token=([\w.-]+)", message.body)
    assert found is not None
    return unquote(found.group(1))


async def test_the_answer_is_the_same_for_strangers_and_customers(
    client: httpx.AsyncClient, tx_database: TransactionalDatabase
) -> None:
    await make_portal_customer(tx_database)
    answers, durations = [], []
    for contact in ("portail@example.ca", "inconnu@example.ca"):
        started = time.monotonic()
        response = await client.post(
            "/portal/request-link", json={"contact": contact}, headers={"accept-language": "fr"}
        )
        durations.append(time.monotonic() - started)
        answers.append((response.status_code, response.json()))
    assert answers[0] == answers[1]
    assert answers[0][0] == 202
    assert min(durations) >= 0.4
    async with tx_database.unit_of_work(write=False) as session:
        strangers = await session.scalar(
            select(OutboxMessage).where(OutboxMessage.recipient == "inconnu@example.ca")
        )
    assert strangers is None


async def test_a_magic_link_signs_in_once_and_shows_only_own_invoices(
    client: httpx.AsyncClient, tx_database: TransactionalDatabase
) -> None:
    name = await make_portal_customer(tx_database)
    await client.post("/portal/request-link", json={"contact": "418 555-0166"})
    token = await link_sent_to(tx_database, "+14185550166")
    signed_in = await client.get(f"/portal/auth?token={token}", headers=HTML)
    assert signed_in.status_code == 303
    dashboard = await client.get("/portal/", headers=HTML)
    assert dashboard.status_code == 200
    assert "103,48" in dashboard.text  # 90.00 + GST + QST, unpaid
    invoices = await client.get("/portal/invoices", headers=HTML)
    invoice = re.search(r"/portal/invoices/(INV-\d+)", invoices.text)
    assert invoice is not None
    pdf = await client.get(f"/portal/invoices/{invoice.group(1)}.pdf")
    assert pdf.content.startswith(b"%PDF")
    foreign = await client.get("/portal/invoices/INV-0000001", headers=HTML)
    assert foreign.status_code == 404 or "INV-0000001" in invoices.text
    client.cookies.clear()
    reused = await client.get(f"/portal/auth?token={token}", headers=HTML)
    assert reused.status_code == 401
    assert "déjà" in reused.text or "already" in reused.text
    assert name


async def test_tampered_links_and_bad_contacts_are_refused(
    client: httpx.AsyncClient, tx_database: TransactionalDatabase
) -> None:
    await make_portal_customer(tx_database)
    await client.post("/portal/request-link", json={"contact": "portail@example.ca"})
    token = await link_sent_to(tx_database, "portail@example.ca")
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    assert (await client.get(f"/portal/auth?token={forged}", headers=HTML)).status_code == 401
    bad = await client.post("/portal/request-link", json={"contact": "pas une adresse"})
    assert bad.status_code == 422
    assert "contact" in bad.json()["fields"]
    assert (await client.get("/portal/", headers=HTML)).status_code == 303


async def test_link_requests_are_rate_limited(client: httpx.AsyncClient) -> None:
    statuses = [
        (await client.post("/portal/request-link", json={"contact": "x@example.ca"})).status_code
        for _ in range(4)
    ]
    assert statuses == [202, 202, 202, 429]


async def test_pay_now_goes_to_the_payment_page_and_the_invoice_ends_paid(
    client: httpx.AsyncClient, tx_database: TransactionalDatabase
) -> None:
    await make_portal_customer(tx_database)
    await client.post("/portal/request-link", json={"contact": "portail@example.ca"})
    token = await link_sent_to(tx_database, "portail@example.ca")
    await client.get(f"/portal/auth?token={token}", headers=HTML)
    listing = await client.get("/portal/invoices", headers=HTML)
    invoice = re.search(r"/portal/invoices/(INV-\d+)", listing.text)
    assert invoice is not None
    page = await client.get(f"/portal/invoices/{invoice.group(1)}", headers=HTML)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf is not None
    assert 'data-testid="pay-now"' in page.text
    refused = await client.post(
        f"/portal/invoices/{invoice.group(1)}/pay", data={"csrf_token": "forged"}, headers=HTML
    )
    assert refused.status_code == 403
    to_pay = await client.post(
        f"/portal/invoices/{invoice.group(1)}/pay", data={"csrf_token": csrf.group(1)}, headers=HTML
    )
    assert to_pay.status_code == 303
    checkout = to_pay.headers["location"]
    assert "/sandbox/checkout/" in checkout
    path = checkout.replace("http://127.0.0.1:8000", "")
    form = await client.get(path, headers=HTML)
    assert form.status_code == 200
    paid = await client.post(path, data={"outcome": "pay"}, headers=HTML)
    assert paid.status_code == 303
    after = await client.get(f"/portal/invoices/{invoice.group(1)}", headers=HTML)
    assert 'data-testid="pay-now"' not in after.text
    assert "0,00" in after.text.split('data-testid="portal-outstanding"')[1][:40]
