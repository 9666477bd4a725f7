"""The payment gateway contract, run against the sandbox and against the Stripe client + fake."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import parse_qsl

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.billing.gateway import (
    API_VERSION,
    ChargeRequest,
    ChargeStatus,
    CheckoutRequest,
    CustomerRequest,
    HostedSession,
    PaymentActionRequiredError,
    PaymentGateway,
    PermanentPaymentError,
    PortalRequest,
    RetriablePaymentError,
    SetupRequest,
    StripeGateway,
)
from gigafibre.billing.payments_sandbox import SandboxGateway
from gigafibre.billing.stripe_signature import verify_signature
from tests.billing.test_payments_support import DECLINING_METHOD, STRIPE_KEY, FakeStripe

SECRET = "whsec_contract"


@dataclass
class Case:
    gateway: PaymentGateway
    finish_setup: Callable[[HostedSession, bool], Awaitable[str]]
    delivered: list[bytes] = field(default_factory=list)


@pytest.fixture(params=["sandbox", "stripe"])
def case(request: pytest.FixtureRequest, session: AsyncSession) -> Case:
    if request.param == "stripe":
        fake = FakeStripe()

        async def finish_on_stripe(hosted: HostedSession, decline: bool) -> str:
            return fake.complete_setup(hosted.id, DECLINING_METHOD if decline else "pm_card_visa")

        stripe = StripeGateway(STRIPE_KEY, transport=fake.transport())
        return Case(stripe, finish_on_stripe)

    delivered: list[bytes] = []

    async def deliver(body: bytes, header: str) -> None:
        verify_signature(body, header, SECRET)
        delivered.append(body)

    sandbox = SandboxGateway(
        session, base_url="http://gf.test", webhook_secret=SECRET, deliver=deliver
    )

    async def finish_in_sandbox(hosted: HostedSession, decline: bool) -> str:
        await sandbox.complete(hosted.id, decline=decline)
        row = await sandbox.find(hosted.id)
        assert row is not None
        return row.setup_intent_id

    return Case(sandbox, finish_in_sandbox, delivered)


async def _saved_card(case: Case, *, decline: bool) -> tuple[str, str]:
    customer = await case.gateway.create_customer(
        CustomerRequest("C-000001", "Marie Tremblay", "marie@example.ca", None, "customer-C-1")
    )
    hosted = await case.gateway.create_setup_session(
        SetupRequest("C-000001", customer, "http://gf.test/ok", "http://gf.test/no", "setup-1")
    )
    card = await case.gateway.retrieve_setup_intent(await case.finish_setup(hosted, decline))
    assert card.provider_customer == customer
    assert card.last4
    return customer, card.payment_method


def _charge(customer: str, method: str, key: str = "ppa-INV-0000001-1") -> ChargeRequest:
    return ChargeRequest("INV-0000001", "C-000001", 1, Decimal("114.98"), customer, method, key)


async def test_a_checkout_session_is_a_hosted_page_for_the_invoice(case: Case) -> None:
    hosted = await case.gateway.create_checkout_session(
        CheckoutRequest(
            invoice="INV-0000001",
            customer="C-000001",
            amount=Decimal("114.98"),
            description="Facture INV-0000001",
            success_url="http://gf.test/ok?session_id={CHECKOUT_SESSION_ID}",
            cancel_url="http://gf.test/no",
            idempotency_key="checkout-INV-0000001",
        )
    )
    assert hosted.id.startswith("cs_")
    assert hosted.url.endswith(hosted.id)
    portal = await case.gateway.create_portal_session(
        PortalRequest("cus_x", "http://gf.test/", "portal-1")
    )
    assert portal.url.startswith("http")


async def test_a_saved_card_is_charged_off_session_once_per_key(case: Case) -> None:
    customer, method = await _saved_card(case, decline=False)
    first = await case.gateway.charge_off_session(_charge(customer, method))
    again = await case.gateway.charge_off_session(_charge(customer, method))
    assert first.status is ChargeStatus.succeeded
    assert first.amount == Decimal("114.98")
    assert again.payment_intent == first.payment_intent


async def test_a_declined_card_asks_the_customer_to_act(case: Case) -> None:
    customer, method = await _saved_card(case, decline=True)
    with pytest.raises(PaymentActionRequiredError) as declined:
        await case.gateway.charge_off_session(_charge(customer, method))
    assert declined.value.code in {"card_declined", "insufficient_funds"}
    assert declined.value.payment_intent


async def test_the_sandbox_reports_charges_with_stripe_signed_events(session: AsyncSession) -> None:
    bodies: list[tuple[bytes, str]] = []

    async def deliver(body: bytes, header: str) -> None:
        bodies.append((body, header))

    sandbox = SandboxGateway(
        session, base_url="http://gf.test", webhook_secret=SECRET, deliver=deliver
    )
    await sandbox.charge_off_session(_charge("cus_sbx_1", "pm_sbx_good"))
    ((body, header),) = bodies
    verify_signature(body, header, SECRET)
    assert b'"type":"payment_intent.succeeded"' in body
    with pytest.raises(Exception, match="signature"):
        verify_signature(body, header, "whsec_other")


async def test_the_stripe_client_speaks_stripes_protocol() -> None:
    fake = FakeStripe()
    stripe = StripeGateway(
        STRIPE_KEY, transport=fake.transport(), base_url="https://api.stripe.test"
    )
    await stripe.create_checkout_session(
        CheckoutRequest(
            invoice="INV-0000042",
            customer="C-000042",
            amount=Decimal("57.49"),
            description="Invoice INV-0000042",
            success_url="http://gf.test/ok",
            cancel_url="http://gf.test/no",
            idempotency_key="checkout-INV-0000042-5749",
            language="en",
            customer_email="client@example.ca",
        )
    )
    (request,) = fake.requests
    assert str(request.url) == "https://api.stripe.test/v1/checkout/sessions"
    assert request.headers["authorization"] == f"Bearer {STRIPE_KEY}"
    assert request.headers["idempotency-key"] == "checkout-INV-0000042-5749"
    assert request.headers["stripe-version"] == API_VERSION
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    form = dict(parse_qsl(request.content.decode()))
    assert form["mode"] == "payment"
    assert form["client_reference_id"] == "INV-0000042"
    assert form["line_items[0][price_data][unit_amount]"] == "5749"
    assert form["line_items[0][price_data][currency]"] == "cad"
    assert form["line_items[0][quantity]"] == "1"
    assert form["metadata[invoice]"] == "INV-0000042"
    assert form["payment_intent_data[metadata][customer]"] == "C-000042"
    assert form["customer_email"] == "client@example.ca"
    assert form["locale"] == "en"


async def test_stripe_errors_are_sorted_by_what_to_do_next() -> None:
    fake = FakeStripe()
    stripe = StripeGateway(STRIPE_KEY, transport=fake.transport())
    request = CustomerRequest("C-000001", "Marie", None, None, "customer-1")
    fake.fail_with = [503]
    with pytest.raises(RetriablePaymentError):
        await stripe.create_customer(request)
    wrong_key = StripeGateway("sk_test_wrong", transport=fake.transport())
    with pytest.raises(PermanentPaymentError):
        await wrong_key.create_customer(request)
    with pytest.raises(PermanentPaymentError) as missing:
        await stripe.retrieve_setup_intent("seti_unknown")
    assert missing.value.code == "resource_missing"

    def rate_limited(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            429, headers={"Retry-After": "7"}, json={"error": {"type": "rate_limit_error"}}
        )

    with pytest.raises(RetriablePaymentError) as limited:
        await StripeGateway(
            STRIPE_KEY, transport=httpx.MockTransport(rate_limited)
        ).create_customer(request)
    assert limited.value.delay_seconds == 7

    def unreachable(_request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused")

    with pytest.raises(RetriablePaymentError):
        await StripeGateway(STRIPE_KEY, transport=httpx.MockTransport(unreachable)).create_customer(
            request
        )
