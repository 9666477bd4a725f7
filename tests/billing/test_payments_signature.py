"""Stripe-Signature: checked before anything else, exactly as Stripe computes it."""

from __future__ import annotations

import time

import httpx
import pytest
from sqlalchemy import func, select

from gigafibre.billing.models import InvoiceStatus, PaymentEntry, SalesInvoice
from gigafibre.billing.payment_models import ProcessedWebhookEvent
from gigafibre.billing.payments import webhook_secret
from gigafibre.billing.stripe_signature import (
    SignatureError,
    compute_signature,
    signature_header,
    verify_signature,
)
from gigafibre.settings import Settings
from tests.billing.test_payments_support import app, event, make_billed_customer, signed  # noqa: F401
from tests.conftest import TransactionalDatabase

SECRET = "whsec_test_secret"
BODY = b'{"id":"evt_1","type":"payment_intent.succeeded"}'


def test_a_good_signature_is_accepted() -> None:
    verify_signature(BODY, signature_header(SECRET, BODY), SECRET)


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "garbage",
        "t=notanumber,v1=abc",
        f"t={int(time.time())}",
        f"t={int(time.time())},v0={compute_signature(SECRET, BODY, int(time.time()))}",
        signature_header("whsec_someone_else", BODY),
        signature_header(SECRET, BODY + b" "),
    ],
)
def test_a_bad_signature_is_refused(header: str | None) -> None:
    with pytest.raises(SignatureError):
        verify_signature(BODY, header, SECRET)


def test_a_signature_older_or_newer_than_five_minutes_is_refused() -> None:
    now = time.time()
    verify_signature(BODY, signature_header(SECRET, BODY, int(now) - 299), SECRET, now=now)
    for skew in (-301, 301):
        with pytest.raises(SignatureError, match="tolerance"):
            verify_signature(BODY, signature_header(SECRET, BODY, int(now) + skew), SECRET, now=now)


def test_any_of_several_v1_signatures_may_match() -> None:
    stamp = int(time.time())
    good = compute_signature(SECRET, BODY, stamp)
    old = compute_signature("whsec_rolled_secret", BODY, stamp)
    verify_signature(BODY, f"t={stamp},v1={old},v1={good}", SECRET)
    verify_signature(BODY, f"t={stamp}, v1={good}, v0=ignored", SECRET)


def test_our_signatures_and_the_stripe_librarys_agree() -> None:
    stripe = pytest.importorskip("stripe")
    stamp = int(time.time())
    theirs = stripe.WebhookSignature.generate_signature_header(BODY.decode(), SECRET, stamp)
    verify_signature(BODY, theirs, SECRET)
    assert stripe.WebhookSignature.verify_header(BODY, signature_header(SECRET, BODY), SECRET, 300)


def test_the_sandbox_secret_is_derived_from_the_secret_key(settings: Settings) -> None:
    derived = webhook_secret(settings)
    assert derived.startswith("whsec_")
    assert derived == webhook_secret(settings.model_copy())
    assert derived != webhook_secret(settings.model_copy(update={"secret_key": "another-" * 6}))
    explicit = settings.model_copy(update={"stripe_webhook_secret": "whsec_configured"})
    assert webhook_secret(explicit) == "whsec_configured"


async def test_a_bad_or_stale_webhook_gets_400_and_changes_nothing(
    client: httpx.AsyncClient, tx_database: TransactionalDatabase, settings: Settings
) -> None:
    async with tx_database.unit_of_work() as session:
        customer, invoice = await make_billed_customer(session, "114.98")
        seen_before = await session.scalar(select(func.count()).select_from(ProcessedWebhookEvent))
    paid = event(
        "checkout.session.completed",
        {
            "id": "cs_test_sig",
            "object": "checkout.session",
            "mode": "payment",
            "payment_status": "paid",
            "amount_total": 11498,
            "currency": "cad",
            "client_reference_id": invoice.name,
            "payment_intent": "pi_test_signature",
            "metadata": {"invoice": invoice.name, "customer": customer.name},
        },
    )
    secret = webhook_secret(settings)
    attempts = [
        signed(paid, "whsec_wrong"),
        signed(paid, secret, timestamp=int(time.time()) - 301),
        (signed(paid, secret)[0], {"Content-Type": "application/json"}),
    ]
    for body, headers in attempts:
        response = await client.post("/webhook/stripe", content=body, headers=headers)
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_signature"
    async with tx_database.unit_of_work() as session:
        assert (
            await session.scalar(select(func.count()).select_from(ProcessedWebhookEvent))
            == seen_before
        )
        assert (
            await session.scalar(select(SalesInvoice.status).where(SalesInvoice.id == invoice.id))
            is InvoiceStatus.unpaid
        )

    body, headers = signed(paid, secret)
    accepted = await client.post("/webhook/stripe", content=body, headers=headers)
    assert accepted.json() == {"received": True, "outcome": "processed"}
    body, headers = signed(paid, secret)  # Stripe re-signs every delivery of the same event
    replay = await client.post("/webhook/stripe", content=body, headers=headers)
    assert replay.json() == {"received": True, "outcome": "duplicate"}
    async with tx_database.unit_of_work() as session:
        payments = await session.scalar(
            select(func.count())
            .select_from(PaymentEntry)
            .where(PaymentEntry.reference == "pi_test_signature")
        )
        assert payments == 1
