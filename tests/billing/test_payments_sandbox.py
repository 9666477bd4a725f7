"""The sandbox gateway end to end: link, our checkout page, pay, signed webhook, invoice paid."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
from sqlalchemy import select

from gigafibre.billing.models import InvoiceStatus, PaymentEntry, PaymentMode, SalesInvoice
from gigafibre.billing.payment_models import PaymentAccount, ProcessedWebhookEvent
from gigafibre.core.events import EventRecord
from tests.billing.test_payments_support import app, make_billed_customer  # noqa: F401
from tests.conftest import LoginAs, TransactionalDatabase


def _path(url: str) -> str:
    return urlsplit(url).path


async def test_a_customer_pays_an_invoice_on_the_sandbox_checkout(
    client: httpx.AsyncClient, login_as: LoginAs, tx_database: TransactionalDatabase
) -> None:
    async with tx_database.unit_of_work() as session:
        customer, invoice = await make_billed_customer(session, "114.98")
    await login_as("compta", ("billing",))
    link = await client.post("/billing/checkout-link", json={"invoice": invoice.name})
    assert link.status_code == 200, link.text
    url = link.json()["url"]
    assert url.startswith("http://127.0.0.1:8000/sandbox/checkout/cs_sbx_")
    again = await client.post("/billing/checkout-link", json={"invoice": invoice.name})
    assert again.json()["url"] == url  # same invoice, same amount: the same session

    page = await client.get(_path(url), headers={"accept-language": "fr"})
    assert page.status_code == 200
    assert invoice.name in page.text
    assert "114,98" in page.text
    assert 'name="outcome" value="pay"' in page.text
    assert 'name="outcome" value="decline"' in page.text

    declined = await client.post(_path(url), data={"outcome": "decline"})
    assert declined.status_code == 402
    assert 'data-testid="declined"' in declined.text

    paid = await client.post(_path(url), data={"outcome": "pay"})
    assert paid.status_code == 303
    assert paid.headers["location"].startswith("http://127.0.0.1:8000/payments/return?kind=payment")
    assert (await client.post(_path(url), data={"outcome": "pay"})).status_code == 409
    landing = await client.get(_path(paid.headers["location"]) + "?kind=payment")
    assert landing.status_code == 200

    async with tx_database.unit_of_work() as session:
        stored = await session.scalar(select(SalesInvoice).where(SalesInvoice.id == invoice.id))
        assert stored is not None
        assert stored.status is InvoiceStatus.paid
        assert stored.outstanding_amount == 0
        entries = (
            await session.scalars(select(PaymentEntry).where(PaymentEntry.invoice_id == invoice.id))
        ).all()
        assert [(e.amount, e.mode) for e in entries] == [(stored.total, PaymentMode.card)]
        assert entries[0].reference is not None
        assert entries[0].reference.startswith("pi_sbx_")
        handled = (
            await session.scalars(
                select(ProcessedWebhookEvent.event_type).where(
                    ProcessedWebhookEvent.event_id.like("evt_sbx_%")
                )
            )
        ).all()
        assert {"checkout.session.completed", "payment_intent.succeeded"} <= set(handled)
        events = [
            (record.name, record.topics)
            for record in await session.scalars(
                select(EventRecord)
                .where(EventRecord.name.in_(["payment.received", "invoice.paid"]))
                .order_by(EventRecord.id)
            )
            if record.payload.get("invoice") == invoice.name
        ]
    topic = [f"customer:{customer.name}"]
    assert events == [("payment.received", topic), ("invoice.paid", topic)]


async def test_a_paid_invoice_gets_no_checkout_link(
    client: httpx.AsyncClient, login_as: LoginAs, tx_database: TransactionalDatabase
) -> None:
    async with tx_database.unit_of_work() as session:
        _customer, invoice = await make_billed_customer(session, "10.00")
        invoice.status, invoice.outstanding_amount = InvoiceStatus.paid, invoice.total * 0
    await login_as("soutien", ("support",))
    refused = await client.post("/billing/checkout-link", json={"invoice": invoice.name})
    assert refused.status_code == 409
    missing = await client.post("/billing/checkout-link", json={"invoice": "INV-404"})
    assert missing.status_code == 404
    assert (await client.get("/sandbox/checkout/cs_sbx_guess")).status_code == 404


async def test_dispatch_staff_cannot_make_payment_links(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    await login_as("repartiteur", ("dispatch",))
    response = await client.post("/payments/card-on-file", json={"customer": "C-000001"})
    assert response.status_code == 403


async def test_a_card_saved_in_the_sandbox_shows_in_its_portal(
    client: httpx.AsyncClient, login_as: LoginAs, tx_database: TransactionalDatabase
) -> None:
    async with tx_database.unit_of_work() as session:
        customer, _invoice = await make_billed_customer(session, "20.00")
    await login_as("compta", ("billing",))
    setup = await client.post("/payments/card-on-file", json={"customer": customer.name})
    page = await client.get(_path(setup.json()["url"]), headers={"accept-language": "fr"})
    assert 'value="pay"' in page.text
    saved = await client.post(_path(setup.json()["url"]), data={"outcome": "pay"})
    assert saved.status_code == 303
    assert "kind=setup" in saved.headers["location"]
    async with tx_database.unit_of_work() as session:
        account = await session.scalar(
            select(PaymentAccount).where(PaymentAccount.customer_id == customer.id)
        )
    assert account is not None
    assert account.payment_method_id is not None
    assert account.payment_method_id.startswith("pm_sbx_")
    assert (account.provider, account.card_last4) == ("sandbox", "4242")

    portal = await client.post("/payments/portal-link", json={"customer": customer.name})
    assert portal.status_code == 200
    shown = await client.get(_path(portal.json()["url"]))
    assert "4242" in shown.text
    assert (
        await client.get(_path(setup.json()["url"]).replace("checkout", "portal"))
    ).status_code == 404
