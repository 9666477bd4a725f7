from __future__ import annotations

import datetime as dt
import io

import httpx

from tests.billing.conftest import make_customer, make_item, subscribe
from tests.conftest import LoginAs, TransactionalDatabase


async def test_billing_staff_run_bill_and_take_payments(
    client: httpx.AsyncClient, login_as: LoginAs, tx_database: TransactionalDatabase
) -> None:
    async with tx_database.unit_of_work() as session:
        plan = await make_item(session, "API-PLAN", "100.00")
        customer = await make_customer(session, billing_day=2)
        await subscribe(session, customer, plan, dt.date(2026, 5, 1))
        customer_name = customer.name
    await login_as("compta", ("billing",))
    run = await client.post("/billing/run", json={"as_of": "2026-11-03"})
    assert run.status_code == 200
    assert run.json()["invoices"] >= 1
    again = await client.post("/billing/run", json={"as_of": "2026-11-04"})
    assert again.json()["invoices"] == 0
    detail = (await client.get(f"/api/customers/{customer_name}")).json()
    invoice = detail["invoices"][0]
    assert (invoice["total"], invoice["status"]) == ("114.98", "unpaid")
    paid = await client.post(
        "/billing/payments",
        json={"invoice": invoice["name"], "amount": "114.98", "mode": "interac"},
    )
    assert paid.status_code == 201
    refund = await client.post(
        f"/billing/payments/{paid.json()['name']}/refund",
        json={"amount": "200.00"},
        headers={"accept-language": "fr"},
    )
    assert refund.status_code == 422
    assert "amount" in refund.json()["fields"]
    credit = await client.post(
        "/billing/credits", json={"customer": customer_name, "amount": "10", "note": "Panne"}
    )
    assert credit.json()["remaining"] == "10.00"
    missing = await client.post(
        "/billing/payments", json={"invoice": "INV-404", "amount": "1", "mode": "cash"}
    )
    assert missing.status_code == 404


async def test_support_cannot_run_billing(client: httpx.AsyncClient, login_as: LoginAs) -> None:
    await login_as("soutien", ("support",))
    assert (await client.post("/billing/run", json={})).status_code == 403


async def test_the_invoice_pdf_reads_in_the_customers_language(
    client: httpx.AsyncClient, login_as: LoginAs, tx_database: TransactionalDatabase
) -> None:
    from pypdf import PdfReader

    async with tx_database.unit_of_work() as session:
        plan = await make_item(session, "PDF-PLAN", "100.00")
        customer = await make_customer(session, billing_day=1)
        await subscribe(session, customer, plan, dt.date(2026, 5, 1))
        customer_name = customer.name
    await login_as("compta", ("billing",))
    await client.post("/billing/run", json={"as_of": "2026-11-03"})
    invoice = (await client.get(f"/api/customers/{customer_name}")).json()["invoices"][0]
    response = await client.get(f"/billing/invoices/{invoice['name']}.pdf")
    assert response.headers["content-type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert f"Facture {invoice['name']}" in text
    assert "TPS (5 %)" in text
    assert "114,98\xa0$" in text  # fr-CA: comma, no-break space, sign after
    english = await client.get(f"/billing/invoices/{invoice['name']}.pdf?lang=en")
    english_text = PdfReader(io.BytesIO(english.content)).pages[0].extract_text()
    assert "$114.98" in english_text
    assert "123456789 RT0001" in english_text
    assert (await client.get("/billing/invoices/INV-0.pdf")).status_code == 404
