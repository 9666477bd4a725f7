"""The payment provider: one Protocol, the real Stripe client (REST over httpx), and the sandbox.

Both implementations look the same from our side: hosted pages for checkout, card on file and
the customer portal, off-session charges for pre-authorised payments (PPA), and webhooks signed
the way Stripe signs them (`Stripe-Signature: t=…,v1=HMAC-SHA256("t.body")`). Errors come in
three kinds so callers know what to do: try again later, ask the customer to act, or give up.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol
from urllib.parse import urlencode

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

STRIPE_API = "https://api.stripe.com"
API_VERSION = "2025-03-31.basil"  # pinned: event and object shapes change between versions
TIMEOUT = httpx.Timeout(30.0, connect=5.0)


class PaymentGatewayError(Exception):
    """Base of the provider's errors; `code` is the provider's short reason (never a secret)."""

    def __init__(self, message: str, *, code: str = "") -> None:
        super().__init__(message)
        self.code = code


class RetriablePaymentError(PaymentGatewayError):
    """The provider could not answer now (network, 5xx, rate limit); the same call may succeed."""

    def __init__(self, message: str, *, code: str = "", delay_seconds: float | None = None):
        super().__init__(message, code=code)
        self.delay_seconds = delay_seconds


class PaymentActionRequiredError(PaymentGatewayError):
    """The card was declined or needs authentication: only the customer can fix it."""

    def __init__(self, message: str, *, code: str = "", payment_intent: str | None = None):
        super().__init__(message, code=code)
        self.payment_intent = payment_intent


class PermanentPaymentError(PaymentGatewayError):
    """The request can never succeed as made (bad key, unknown object, invalid parameter)."""


@dataclass(frozen=True)
class CustomerRequest:
    customer: str  # our name, C-000123
    name: str
    email: str | None
    phone: str | None
    idempotency_key: str


@dataclass(frozen=True)
class CheckoutRequest:
    invoice: str
    customer: str
    amount: Decimal
    description: str
    success_url: str
    cancel_url: str
    idempotency_key: str
    language: str = "fr"
    currency: str = "cad"
    provider_customer: str | None = None
    customer_email: str | None = None


@dataclass(frozen=True)
class SetupRequest:
    customer: str
    provider_customer: str
    success_url: str
    cancel_url: str
    idempotency_key: str
    language: str = "fr"


@dataclass(frozen=True)
class PortalRequest:
    provider_customer: str
    return_url: str
    idempotency_key: str
    language: str = "fr"


@dataclass(frozen=True)
class HostedSession:
    id: str
    url: str


@dataclass(frozen=True)
class SavedCard:
    payment_method: str
    provider_customer: str
    brand: str = ""
    last4: str = ""
    exp_month: int | None = None
    exp_year: int | None = None


@dataclass(frozen=True)
class ChargeRequest:
    invoice: str
    customer: str
    attempt: int
    amount: Decimal
    provider_customer: str
    payment_method: str
    idempotency_key: str
    currency: str = "cad"


@dataclass(frozen=True)
class RefundRequest:
    payment: str
    payment_intent: str
    amount: Decimal
    idempotency_key: str


class ChargeStatus(StrEnum):
    succeeded = "succeeded"
    processing = "processing"
    requires_action = "requires_action"


@dataclass(frozen=True)
class ChargeResult:
    payment_intent: str
    status: ChargeStatus
    amount: Decimal


class PaymentGateway(Protocol):
    provider: str

    async def create_customer(self, request: CustomerRequest) -> str: ...
    async def create_checkout_session(self, request: CheckoutRequest) -> HostedSession: ...
    async def create_setup_session(self, request: SetupRequest) -> HostedSession: ...
    async def create_portal_session(self, request: PortalRequest) -> HostedSession: ...
    async def retrieve_setup_intent(self, setup_intent_id: str) -> SavedCard: ...
    async def charge_off_session(self, request: ChargeRequest) -> ChargeResult: ...
    async def create_refund(self, request: RefundRequest) -> str: ...


def cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


def from_cents(value: object) -> Decimal:
    return (Decimal(int(str(value))) / 100).quantize(Decimal("0.01"))


def form_encode(params: Mapping[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """Stripe's form encoding: `metadata[invoice]=…`, `line_items[0][quantity]=1`."""
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        name = f"{prefix}[{key}]" if prefix else str(key)
        if value is None:
            continue
        if isinstance(value, Mapping):
            pairs += form_encode(value, name)
        elif isinstance(value, list | tuple):
            for index, item in enumerate(value):
                if isinstance(item, Mapping):
                    pairs += form_encode(item, f"{name}[{index}]")
                else:
                    pairs.append((f"{name}[{index}]", _scalar(item)))
        else:
            pairs.append((name, _scalar(value)))
    return pairs


def _scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _locale(language: str) -> str:
    return "fr-CA" if language == "fr" else "en"


class StripeGateway:
    """Stripe's REST API: form-encoded POSTs with an Idempotency-Key, the API version pinned."""

    provider = "stripe"

    def __init__(
        self,
        secret_key: str,
        *,
        base_url: str = STRIPE_API,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if not secret_key:
            raise ValueError("the Stripe gateway needs GF_STRIPE_SECRET_KEY")
        self._key = secret_key
        self.base_url = base_url.rstrip("/")
        self.transport = transport

    async def _request(
        self,
        method: str,
        path: str,
        params: Mapping[str, Any],
        *,
        idempotency_key: str | None = None,
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self._key}", "Stripe-Version": API_VERSION}
        url = f"{self.base_url}{path}"
        content: str | None = None
        if method == "POST":
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Idempotency-Key"] = (idempotency_key or secrets.token_hex(16))[:255]
            content = urlencode(form_encode(params))
        else:
            url += "?" + urlencode(form_encode(params)) if params else ""
        try:
            async with httpx.AsyncClient(timeout=TIMEOUT, transport=self.transport) as client:
                response = await client.request(method, url, content=content, headers=headers)
        except httpx.HTTPError as error:
            raise RetriablePaymentError(f"Stripe unreachable: {type(error).__name__}") from None
        try:
            body: dict[str, Any] = response.json()
        except ValueError:
            body = {}
        if response.status_code >= 400:
            raise _stripe_error(response, body.get("error") or {})
        return body

    async def create_customer(self, request: CustomerRequest) -> str:
        params = {
            "name": request.name,
            "email": request.email,
            "phone": request.phone,
            "metadata": {"customer": request.customer},
        }
        body = await self._request(
            "POST", "/v1/customers", params, idempotency_key=request.idempotency_key
        )
        return str(body["id"])

    async def create_checkout_session(self, request: CheckoutRequest) -> HostedSession:
        metadata = {"invoice": request.invoice, "customer": request.customer}
        params: dict[str, Any] = {
            "mode": "payment",
            "client_reference_id": request.invoice,
            "success_url": request.success_url,
            "cancel_url": request.cancel_url,
            "locale": _locale(request.language),
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": request.currency,
                        "unit_amount": cents(request.amount),
                        "product_data": {"name": request.description},
                    },
                }
            ],
            "metadata": metadata,
            "payment_intent_data": {"metadata": metadata},
        }
        if request.provider_customer:
            params["customer"] = request.provider_customer
        elif request.customer_email:
            params["customer_email"] = request.customer_email
        body = await self._request(
            "POST", "/v1/checkout/sessions", params, idempotency_key=request.idempotency_key
        )
        return HostedSession(id=str(body["id"]), url=str(body["url"]))

    async def create_setup_session(self, request: SetupRequest) -> HostedSession:
        metadata = {"customer": request.customer}
        params = {
            "mode": "setup",
            "customer": request.provider_customer,
            "currency": "cad",
            "payment_method_types": ["card"],
            "success_url": request.success_url,
            "cancel_url": request.cancel_url,
            "locale": _locale(request.language),
            "metadata": metadata,
            "setup_intent_data": {"metadata": metadata},
        }
        body = await self._request(
            "POST", "/v1/checkout/sessions", params, idempotency_key=request.idempotency_key
        )
        return HostedSession(id=str(body["id"]), url=str(body["url"]))

    async def create_portal_session(self, request: PortalRequest) -> HostedSession:
        params = {
            "customer": request.provider_customer,
            "return_url": request.return_url,
            "locale": _locale(request.language),
        }
        body = await self._request(
            "POST", "/v1/billing_portal/sessions", params, idempotency_key=request.idempotency_key
        )
        return HostedSession(id=str(body["id"]), url=str(body["url"]))

    async def retrieve_setup_intent(self, setup_intent_id: str) -> SavedCard:
        body = await self._request(
            "GET", f"/v1/setup_intents/{setup_intent_id}", {"expand": ["payment_method"]}
        )
        method = body.get("payment_method") or {}
        if isinstance(method, str):
            method = {"id": method}
        card = method.get("card") or {}
        return SavedCard(
            payment_method=str(method.get("id", "")),
            provider_customer=str(body.get("customer") or ""),
            brand=str(card.get("brand", "")),
            last4=str(card.get("last4", "")),
            exp_month=card.get("exp_month"),
            exp_year=card.get("exp_year"),
        )

    async def charge_off_session(self, request: ChargeRequest) -> ChargeResult:
        params = {
            "amount": cents(request.amount),
            "currency": request.currency,
            "customer": request.provider_customer,
            "payment_method": request.payment_method,
            "off_session": True,
            "confirm": True,
            "description": request.invoice,
            "metadata": {
                "invoice": request.invoice,
                "customer": request.customer,
                "attempt": request.attempt,
            },
        }
        body = await self._request(
            "POST", "/v1/payment_intents", params, idempotency_key=request.idempotency_key
        )
        status = str(body.get("status"))
        known = status in {member.value for member in ChargeStatus}
        return ChargeResult(
            payment_intent=str(body["id"]),
            status=ChargeStatus(status) if known else ChargeStatus.requires_action,
            amount=from_cents(body.get("amount_received") or body.get("amount") or 0),
        )

    async def create_refund(self, request: RefundRequest) -> str:
        params = {
            "payment_intent": request.payment_intent,
            "amount": cents(request.amount),
            "reason": "requested_by_customer",
            "metadata": {"payment": request.payment},
        }
        body = await self._request(
            "POST", "/v1/refunds", params, idempotency_key=request.idempotency_key
        )
        return str(body["id"])


def _stripe_error(response: httpx.Response, error: Mapping[str, Any]) -> PaymentGatewayError:
    status = response.status_code
    code = str(error.get("decline_code") or error.get("code") or error.get("type") or status)
    message = f"Stripe {status}: {error.get('message') or response.reason_phrase}"
    retry_after = response.headers.get("retry-after", "")
    should_retry = response.headers.get("stripe-should-retry") == "true"
    if status in (409, 429) or status >= 500 or should_retry:
        delay = float(retry_after) if retry_after.isdigit() else None
        return RetriablePaymentError(message, code=code, delay_seconds=delay)
    if status == 402 or error.get("type") == "card_error":
        intent = error.get("payment_intent") or {}
        return PaymentActionRequiredError(
            message, code=code, payment_intent=intent.get("id") if intent else None
        )
    return PermanentPaymentError(message, code=code)


GatewayFactory = Callable[[AsyncSession], PaymentGateway]
