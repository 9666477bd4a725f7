"""The sandbox payment gateway, the default: Stripe's behaviour without an account or a network.

Checkout, card-on-file and portal sessions are rows of `sandbox_payment_session`, written in
the caller's unit of work, shown by our own pages under `/sandbox/`. Their random ids are the
only secret (as Stripe's are) and completing one is single-use, so the pay button needs no CSRF
token. What happens is reported as Stripe events, signed exactly as Stripe signs them, through
`deliver`, which runs them through the same signature check as `POST /webhook/stripe`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.billing.gateway import (
    API_VERSION,
    ChargeRequest,
    ChargeResult,
    ChargeStatus,
    CheckoutRequest,
    CustomerRequest,
    HostedSession,
    PaymentActionRequiredError,
    PermanentPaymentError,
    PortalRequest,
    RefundRequest,
    SavedCard,
    SetupRequest,
    cents,
)
from gigafibre.billing.payment_models import SandboxMode, SandboxSession, SandboxStatus
from gigafibre.billing.stripe_signature import signature_header
from gigafibre.core.db import utcnow

Deliver = Callable[[bytes, str], Awaitable[None]]
SESSION_LIFETIME = dt.timedelta(hours=24)
PORTAL_LIFETIME = dt.timedelta(minutes=30)
DECLINING_CARD = "pm_sbx_declines_"  # declined off-session, like Stripe's test card …0341


def stripe_event(event_type: str, data: Mapping[str, Any]) -> bytes:
    """A Stripe event envelope, as the sandbox sends it to our own webhook."""
    event = {
        "id": f"evt_sbx_{secrets.token_hex(12)}",
        "object": "event",
        "api_version": API_VERSION,
        "created": int(time.time()),
        "livemode": False,
        "type": event_type,
        "data": {"object": dict(data)},
    }
    return json.dumps(event, separators=(",", ":")).encode()


class SandboxGateway:
    """Implements `PaymentGateway`; `find` and `complete` serve the sandbox's own pages."""

    provider = "sandbox"

    def __init__(
        self, session: AsyncSession, *, base_url: str, webhook_secret: str, deliver: Deliver
    ) -> None:
        self.session = session
        self.base_url = base_url.rstrip("/")
        self.webhook_secret = webhook_secret
        self.deliver = deliver

    async def _send(self, event_type: str, data: Mapping[str, Any]) -> None:
        body = stripe_event(event_type, data)
        await self.deliver(body, signature_header(self.webhook_secret, body))

    async def _open(self, row: SandboxSession, page: str) -> HostedSession:
        if row.idempotency_key:
            existing = await self.session.scalar(
                select(SandboxSession).where(SandboxSession.idempotency_key == row.idempotency_key)
            )
            if existing is not None:
                return HostedSession(existing.id, f"{self.base_url}/sandbox/{page}/{existing.id}")
        self.session.add(row)
        await self.session.flush()
        return HostedSession(row.id, f"{self.base_url}/sandbox/{page}/{row.id}")

    async def create_customer(self, request: CustomerRequest) -> str:
        return f"cus_sbx_{secrets.token_hex(12)}"

    async def create_checkout_session(self, request: CheckoutRequest) -> HostedSession:
        row = SandboxSession(
            id=f"cs_sbx_{secrets.token_urlsafe(24)}",
            mode=SandboxMode.payment,
            idempotency_key=request.idempotency_key,
            provider_customer_id=request.provider_customer or "",
            customer_email=request.customer_email or "",
            client_reference_id=request.invoice,
            description=request.description,
            amount=request.amount,
            currency=request.currency,
            success_url=request.success_url,
            cancel_url=request.cancel_url,
            meta={"invoice": request.invoice, "customer": request.customer},
            payment_intent_id=f"pi_sbx_{secrets.token_hex(12)}",
            expires_at=utcnow() + SESSION_LIFETIME,
        )
        return await self._open(row, "checkout")

    async def create_setup_session(self, request: SetupRequest) -> HostedSession:
        row = SandboxSession(
            id=f"cs_sbx_{secrets.token_urlsafe(24)}",
            mode=SandboxMode.setup,
            idempotency_key=request.idempotency_key,
            provider_customer_id=request.provider_customer,
            success_url=request.success_url,
            cancel_url=request.cancel_url,
            meta={"customer": request.customer},
            setup_intent_id=f"seti_sbx_{secrets.token_hex(12)}",
            expires_at=utcnow() + SESSION_LIFETIME,
        )
        return await self._open(row, "checkout")

    async def create_portal_session(self, request: PortalRequest) -> HostedSession:
        row = SandboxSession(
            id=f"bps_sbx_{secrets.token_urlsafe(24)}",
            mode=SandboxMode.portal,
            idempotency_key=request.idempotency_key,
            provider_customer_id=request.provider_customer,
            success_url=request.return_url,
            expires_at=utcnow() + PORTAL_LIFETIME,
        )
        return await self._open(row, "portal")

    async def retrieve_setup_intent(self, setup_intent_id: str) -> SavedCard:
        row = await self.session.scalar(
            select(SandboxSession).where(
                SandboxSession.setup_intent_id == setup_intent_id,
                SandboxSession.status == SandboxStatus.complete,
            )
        )
        if row is None or not row.payment_method_id:
            raise PermanentPaymentError("no such setup intent", code="resource_missing")
        declines = row.payment_method_id.startswith(DECLINING_CARD)
        return SavedCard(
            payment_method=row.payment_method_id,
            provider_customer=row.provider_customer_id,
            brand="visa",
            last4="0341" if declines else "4242",
            exp_month=12,
            exp_year=utcnow().year + 3,
        )

    async def charge_off_session(self, request: ChargeRequest) -> ChargeResult:
        # Same key, same PaymentIntent: a retried call never charges twice.
        digest = hashlib.sha256(request.idempotency_key.encode()).hexdigest()[:24]
        intent: dict[str, Any] = {
            "id": f"pi_sbx_{digest}",
            "object": "payment_intent",
            "amount": cents(request.amount),
            "currency": request.currency,
            "customer": request.provider_customer,
            "payment_method": request.payment_method,
            "metadata": {
                "invoice": request.invoice,
                "customer": request.customer,
                "attempt": str(request.attempt),
            },
        }
        if request.payment_method.startswith(DECLINING_CARD):
            error = {"type": "card_error", "code": "card_declined"}
            await self._send(
                "payment_intent.payment_failed",
                {**intent, "status": "requires_payment_method", "last_payment_error": error},
            )
            raise PaymentActionRequiredError(
                "Your card was declined.", code="card_declined", payment_intent=intent["id"]
            )
        await self._send(
            "payment_intent.succeeded",
            {**intent, "status": "succeeded", "amount_received": intent["amount"]},
        )
        return ChargeResult(intent["id"], ChargeStatus.succeeded, request.amount)

    async def create_refund(self, request: RefundRequest) -> str:
        """Refunds a sandbox PaymentIntent; the same key gives the same refund, as on Stripe."""
        if not request.payment_intent.startswith("pi_sbx_"):
            raise PermanentPaymentError(
                f"No such payment_intent: {request.payment_intent}", code="resource_missing"
            )
        if request.amount <= 0:
            raise PermanentPaymentError("Invalid positive integer", code="parameter_invalid")
        digest = hashlib.sha256(request.idempotency_key.encode()).hexdigest()[:24]
        return f"re_sbx_{digest}"

    async def find(self, session_id: str) -> SandboxSession | None:
        row = await self.session.get(SandboxSession, session_id)
        if row is None or row.expires_at <= utcnow():
            return None
        return row

    async def complete(self, session_id: str, *, decline: bool = False) -> str | None:
        """The customer's click on our page: pay or save a card, or have the card declined.

        Returns where to send the browser next, or None after a declined payment: the page
        stays open so the customer can try again, as on Stripe Checkout.
        """
        row = await self.find(session_id)
        if row is None or row.status is not SandboxStatus.open or row.mode is SandboxMode.portal:
            raise SandboxSessionClosedError("this sandbox session is closed")
        if decline and row.mode is SandboxMode.payment:
            await self._send("payment_intent.payment_failed", self._intent(row, failed=True))
            return None
        method = (DECLINING_CARD if decline else "pm_sbx_") + secrets.token_hex(12)
        claimed = await self.session.scalar(
            update(SandboxSession)
            .where(SandboxSession.id == row.id, SandboxSession.status == SandboxStatus.open)
            .values(status=SandboxStatus.complete, payment_method_id=method)
            .returning(SandboxSession.id)
            .execution_options(synchronize_session=False)
        )
        if claimed is None:  # a second click, or another tab, got there first
            raise SandboxSessionClosedError("this sandbox session is closed")
        await self.session.refresh(row)
        await self._send("checkout.session.completed", self._checkout(row))
        if row.mode is SandboxMode.payment:
            await self._send("payment_intent.succeeded", self._intent(row, failed=False))
        return row.success_url.replace("{CHECKOUT_SESSION_ID}", row.id)

    @staticmethod
    def _checkout(row: SandboxSession) -> dict[str, Any]:
        paid = row.mode is SandboxMode.payment
        return {
            "id": row.id,
            "object": "checkout.session",
            "mode": row.mode.value,
            "status": "complete",
            "payment_status": "paid" if paid else "no_payment_required",
            "amount_total": cents(row.amount) if paid else None,
            "currency": row.currency,
            "customer": row.provider_customer_id or None,
            "customer_email": row.customer_email or None,
            "client_reference_id": row.client_reference_id or None,
            "payment_intent": row.payment_intent_id or None,
            "setup_intent": row.setup_intent_id or None,
            "metadata": dict(row.meta),
            "success_url": row.success_url,
            "cancel_url": row.cancel_url,
        }

    @staticmethod
    def _intent(row: SandboxSession, *, failed: bool) -> dict[str, Any]:
        intent: dict[str, Any] = {
            "id": row.payment_intent_id,
            "object": "payment_intent",
            "amount": cents(row.amount),
            "amount_received": 0 if failed else cents(row.amount),
            "currency": row.currency,
            "customer": row.provider_customer_id or None,
            "status": "requires_payment_method" if failed else "succeeded",
            "metadata": dict(row.meta),
        }
        if failed:
            intent["last_payment_error"] = {"type": "card_error", "code": "card_declined"}
        return intent


class SandboxSessionClosedError(PermanentPaymentError):
    """The sandbox session was already used, has expired, or never existed."""
