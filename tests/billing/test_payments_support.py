"""Shared by the payment tests: a fake of Stripe's REST API at its HTTP boundary, and helpers.

The fake speaks Stripe's protocol as documented (form-encoded bodies, Bearer key, Idempotency-Key
replays, JSON objects and `{"error": {...}}` bodies with 402 for declined cards); nothing of our
own code is faked.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.app import create_app
from gigafibre.billing import payments_api
from gigafibre.billing.models import InvoiceStatus, SalesInvoice
from gigafibre.billing.stripe_signature import signature_header
from gigafibre.core.naming import assign_name
from gigafibre.customers.models import Customer, Language
from gigafibre.settings import Settings
from tests.conftest import TransactionalDatabase

STRIPE_KEY = "sk_test_fake_key_for_tests"
DECLINING_METHOD = "pm_card_chargeDeclined"


class FakeStripe:
    """Customers, Checkout Sessions, portal sessions, SetupIntents, PaymentIntents, refunds."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.objects: dict[str, dict[str, Any]] = {}
        self.replays: dict[str, tuple[list[tuple[str, str]], httpx.Response]] = {}
        self.fail_with: list[int] = []

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    @staticmethod
    def _error(status: int, kind: str, message: str, **extra: Any) -> httpx.Response:
        return httpx.Response(status, json={"error": {"type": kind, "message": message, **extra}})

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.headers.get("authorization") != f"Bearer {STRIPE_KEY}":
            return self._error(401, "invalid_request_error", "Invalid API Key provided.")
        if self.fail_with:
            return self._error(self.fail_with.pop(0), "api_error", "Something went wrong.")
        if request.method == "GET":
            return self._get(request)
        key = request.headers.get("idempotency-key")
        form = parse_qsl(request.content.decode(), keep_blank_values=True)
        if key is not None and key in self.replays:
            sent, response = self.replays[key]
            if sent != form:
                return self._error(400, "idempotency_error", "Keys for idempotent requests…")
            return httpx.Response(
                response.status_code,
                content=response.content,
                headers={"Idempotent-Replayed": "true"},
            )
        response = self._post(request.url.path, dict(form))
        if key is not None:
            self.replays[key] = (form, response)
        return response

    def _get(self, request: httpx.Request) -> httpx.Response:
        object_id = request.url.path.rsplit("/", 1)[-1]
        found = self.objects.get(object_id)
        if found is None or not request.url.path.startswith("/v1/setup_intents/"):
            return self._error(
                404, "invalid_request_error", "No such object.", code="resource_missing"
            )
        result = dict(found)
        if request.url.params.get("expand[0]") == "payment_method" and result["payment_method"]:
            method = result["payment_method"]
            last4 = "0002" if method == DECLINING_METHOD else "4242"
            result["payment_method"] = {
                "id": method,
                "object": "payment_method",
                "card": {"brand": "visa", "last4": last4, "exp_month": 8, "exp_year": 2031},
            }
        return httpx.Response(200, json=result)

    def _post(self, path: str, form: dict[str, str]) -> httpx.Response:
        metadata = {k[9:-1]: v for k, v in form.items() if k.startswith("metadata[")}
        if path == "/v1/customers":
            return self._store(
                "cus", {"object": "customer", "email": form.get("email"), "metadata": metadata}
            )
        if path == "/v1/billing_portal/sessions":
            if "customer" not in form:
                return self._error(
                    400, "invalid_request_error", "Missing customer.", param="customer"
                )
            return self._store(
                "bps",
                {"object": "billing_portal.session", "customer": form["customer"]},
                url="https://billing.stripe.com/p/session/",
            )
        if path == "/v1/checkout/sessions":
            return self._checkout(form, metadata)
        if path == "/v1/payment_intents":
            return self._payment_intent(form, metadata)
        if path == "/v1/refunds":
            return self._refund(form, metadata)
        return self._error(404, "invalid_request_error", f"Unrecognized request URL ({path}).")

    def _store(self, prefix: str, fields: dict[str, Any], url: str = "") -> httpx.Response:
        object_id = f"{prefix}_test_{secrets.token_hex(8)}"
        self.objects[object_id] = {"id": object_id, **fields}
        if url:
            self.objects[object_id]["url"] = url + object_id
        return httpx.Response(200, json=self.objects[object_id])

    def _checkout(self, form: dict[str, str], metadata: dict[str, str]) -> httpx.Response:
        for required in ("mode", "success_url", "cancel_url"):
            if required not in form:
                return self._error(
                    400, "invalid_request_error", f"Missing {required}.", param=required
                )
        fields: dict[str, Any] = {
            "object": "checkout.session",
            "mode": form["mode"],
            "status": "open",
            "payment_status": "unpaid",
            "client_reference_id": form.get("client_reference_id"),
            "customer": form.get("customer"),
            "metadata": metadata,
            "payment_intent": None,
            "setup_intent": None,
        }
        if form["mode"] == "payment":
            fields["amount_total"] = int(form["line_items[0][price_data][unit_amount]"]) * int(
                form["line_items[0][quantity]"]
            )
            fields["currency"] = form["line_items[0][price_data][currency]"]
        else:
            setup = self._store(
                "seti",
                {
                    "object": "setup_intent",
                    "customer": form.get("customer"),
                    "payment_method": None,
                    "status": "requires_payment_method",
                },
            )
            fields["setup_intent"] = setup.json()["id"]
        return self._store("cs_test", fields, url="https://checkout.stripe.com/c/pay/")

    def _payment_intent(self, form: dict[str, str], metadata: dict[str, str]) -> httpx.Response:
        intent = {
            "object": "payment_intent",
            "amount": int(form["amount"]),
            "currency": form["currency"],
            "customer": form.get("customer"),
            "payment_method": form.get("payment_method"),
            "metadata": metadata,
        }
        if form.get("payment_method") == DECLINING_METHOD:
            stored = self._store(
                "pi", {**intent, "status": "requires_payment_method", "amount_received": 0}
            )
            return self._error(
                402,
                "card_error",
                "Your card has insufficient funds.",
                code="card_declined",
                decline_code="insufficient_funds",
                payment_intent=stored.json(),
            )
        return self._store(
            "pi", {**intent, "status": "succeeded", "amount_received": intent["amount"]}
        )

    def _refund(self, form: dict[str, str], metadata: dict[str, str]) -> httpx.Response:
        intent = self.objects.get(form.get("payment_intent", ""))
        if intent is None:
            return self._error(
                400, "invalid_request_error", "No such payment_intent.", code="resource_missing"
            )
        amount = int(form.get("amount") or intent["amount_received"])
        if amount > intent["amount_received"] - intent.get("amount_refunded", 0):
            return self._error(
                400, "invalid_request_error", "Refund exceeds the charge.", code="amount_too_large"
            )
        intent["amount_refunded"] = intent.get("amount_refunded", 0) + amount
        return self._store(
            "re",
            {
                "object": "refund",
                "amount": amount,
                "payment_intent": intent["id"],
                "reason": form.get("reason"),
                "status": "succeeded",
                "metadata": metadata,
            },
        )

    def complete_setup(self, checkout_id: str, payment_method: str = "pm_card_visa") -> str:
        """What the customer does on Stripe's page: the SetupIntent gets a payment method."""
        setup_id = str(self.objects[checkout_id]["setup_intent"])
        self.objects[setup_id].update(payment_method=payment_method, status="succeeded")
        return setup_id


@pytest.fixture
def app(settings: Settings, tx_database: TransactionalDatabase) -> FastAPI:
    """The app with the payment routes, mounted here until app.py includes them."""
    application = create_app(settings, database=tx_database)
    if not any(getattr(route, "path", "") == "/webhook/stripe" for route in application.routes):
        application.include_router(payments_api.router)
        application.include_router(payments_api.pages)
    return application


def signed(
    event: dict[str, Any], secret: str, *, timestamp: int | None = None
) -> tuple[bytes, dict[str, str]]:
    """An event body and its headers, signed as Stripe signs a delivery."""
    body = json.dumps(event).encode()
    return body, {
        "Stripe-Signature": signature_header(secret, body, timestamp),
        "Content-Type": "application/json",
    }


def event(event_type: str, obj: dict[str, Any], *, event_id: str | None = None) -> dict[str, Any]:
    return {
        "id": event_id or f"evt_test_{secrets.token_hex(8)}",
        "object": "event",
        "api_version": "2025-03-31.basil",
        "created": int(dt.datetime.now(dt.UTC).timestamp()),
        "livemode": False,
        "type": event_type,
        "data": {"object": obj},
    }


async def make_billed_customer(
    session: AsyncSession,
    total: str,
    *,
    language: Language = Language.fr,
    phone: str | None = "+14185550123",
    email: str | None = None,
    due: dt.date | None = None,
) -> tuple[Customer, SalesInvoice]:
    """A customer with one unpaid invoice of `total` (taxes already in the total)."""
    customer = Customer(
        customer_name="Client Paiement", language=language, phone=phone, email=email
    )
    await assign_name(session, customer)
    session.add(customer)
    await session.flush()
    amount = Decimal(total)
    today = dt.date.today()
    invoice = SalesInvoice(
        customer_id=customer.id,
        status=InvoiceStatus.unpaid,
        posting_date=today,
        due_date=due or today,
        subtotal=amount,
        taxable_subtotal=Decimal(0),
        total=amount,
        outstanding_amount=amount,
    )
    await assign_name(session, invoice)
    session.add(invoice)
    await session.flush()
    return customer, invoice


def test_the_fake_replays_an_idempotent_request_and_refuses_a_changed_one() -> None:
    fake = FakeStripe()
    headers = {"Authorization": f"Bearer {STRIPE_KEY}", "Idempotency-Key": "k1"}
    with httpx.Client(transport=fake.transport(), base_url="https://api.stripe.com") as http:
        first = http.post("/v1/customers", content="email=a%40b.ca", headers=headers)
        again = http.post("/v1/customers", content="email=a%40b.ca", headers=headers)
        changed = http.post("/v1/customers", content="email=c%40d.ca", headers=headers)
    assert first.json()["id"] == again.json()["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert changed.json()["error"]["type"] == "idempotency_error"
