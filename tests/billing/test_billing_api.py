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


async def test_billing_staff_act_from_the_customer_page(
    client: httpx.AsyncClient, login_as: LoginAs, tx_database: TransactionalDatabase
) -> None:
    async with tx_database.unit_of_work() as session:
        plan = await make_item(session, "UI-PLAN", "100.00")
        customer = await make_customer(session, billing_day=2)
        await subscribe(session, customer, plan, dt.date(2026, 5, 1))
        customer_name = customer.name
    csrf = await login_as("compta", ("billing",))
    await client.post("/billing/run", json={"as_of": "2026-11-03"})
    page = await client.get(f"/ops/clients/{customer_name}", headers={"accept": "text/html"})
    assert 'data-testid="record-payment"' in page.text
    invoice = (await client.get(f"/api/customers/{customer_name}")).json()["invoices"][0]["name"]
    paid = await client.post(
        f"/ops/billing/invoices/{invoice}/payment",
        data={"amount": "50,00", "mode": "interac", "reference": "", "csrf_token": csrf},
        headers={"accept": "text/html"},
    )
    assert paid.status_code == 303
    credit = await client.post(
        f"/ops/billing/customers/{customer_name}/credit",
        data={"amount": "12.50", "note": "Panne du 3 novembre", "csrf_token": csrf},
    )
    assert credit.status_code == 303
    detail = (await client.get(f"/api/customers/{customer_name}")).json()
    assert detail["invoices"][0]["outstanding_amount"] == "64.98"
    assert detail["credits"][0]["amount"] == "12.50"
    refund = await client.post(
        f"/ops/billing/payments/{detail['payments'][0]['name']}/refund",
        data={"amount": "abc", "csrf_token": csrf},
    )
    assert refund.status_code == 422
