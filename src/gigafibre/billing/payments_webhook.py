"""`POST /webhook/stripe`: verify the signature first, handle each event id once, reconcile.

Stripe retries for days, in any order, sometimes twice: the event id is recorded under a unique
constraint (a replay answers 200 and does nothing), payments are recorded once per PaymentIntent
(`payments.record_card_payment`), refunds use the cumulative `amount_refunded`, and an event
about a payment we have not seen yet is refused with a 503 so that Stripe sends it again later.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import structlog
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.billing import refunds
from gigafibre.billing.gateway import (
    GatewayFactory,
    PaymentGateway,
    PaymentGatewayError,
    RetriablePaymentError,
    StripeGateway,
    from_cents,
)
from gigafibre.billing.models import PaymentEntry, PaymentMode, SalesInvoice
from gigafibre.billing.payment_models import (
    AttemptStatus,
    PaymentAccount,
    PaymentAttempt,
    PaymentDispute,
    ProcessedWebhookEvent,
)
from gigafibre.billing.payments import (
    DUPLICATE,
    IGNORED,
    LOCAL_TZ,
    PROCESSED,
    local_today,
    note,
    record_card_payment,
    saved_card,
    webhook_secret,
)
from gigafibre.billing.payments_ppa import ppa_attempt_failed, ppa_attempt_succeeded
from gigafibre.billing.payments_sandbox import SandboxGateway
from gigafibre.billing.stripe_signature import SignatureError, verify_signature
from gigafibre.core.db import utcnow
from gigafibre.core.errors import DomainError
from gigafibre.core.events import emit
from gigafibre.core.i18n import N_
from gigafibre.customers.models import Customer
from gigafibre.settings import PaymentProvider, Settings

log = structlog.get_logger("gigafibre.payments")
BAD_SIGNATURE = N_("The signature of this webhook is not valid.")
NOT_YET = N_("This event cannot be handled yet; it will be sent again.")


class InvalidWebhookError(DomainError):
    code = "invalid_signature"


class RetryLaterError(DomainError):
    """The event refers to something not recorded yet; a non-2xx makes the provider resend it."""

    status_code = 503
    code = "retry_later"


def gateway_factory(
    settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None
) -> GatewayFactory:
    """The provider chosen by settings; the sandbox works inside the caller's unit of work."""
    if settings.payment_provider is PaymentProvider.stripe:
        stripe = StripeGateway(settings.stripe_secret_key, transport=transport)
        return lambda _session: stripe
    secret = webhook_secret(settings)

    def sandbox(session: AsyncSession) -> PaymentGateway:
        async def deliver(body: bytes, header: str) -> None:
            await receive_webhook(
                session, payload=body, signature=header, secret=secret, gateway=gateway
            )

        gateway = SandboxGateway(
            session, base_url=settings.public_base_url, webhook_secret=secret, deliver=deliver
        )
        return gateway

    return sandbox


def verified_event(
    payload: bytes, header: str | None, secret: str, *, now: float | None = None
) -> dict[str, Any]:
    """The event, only if the Stripe-Signature is good and fresh; else a 400 changing nothing."""
    try:
        verify_signature(payload, header, secret, now=now)
        event = json.loads(payload)
    except (SignatureError, ValueError):
        raise InvalidWebhookError(BAD_SIGNATURE) from None
    if not isinstance(event, dict) or not isinstance(event.get("id"), str):
        raise InvalidWebhookError(BAD_SIGNATURE)
    return event


@dataclass(frozen=True)
class EventContext:
    gateway: PaymentGateway
    on: dt.date  # the day the event happened, in Quebec


Handler = Callable[[AsyncSession, dict[str, Any], EventContext], Awaitable[str]]


async def handle_event(
    session: AsyncSession, *, event: dict[str, Any], gateway: PaymentGateway
) -> str:
    """Handle a verified event once: a replay of its id answers `duplicate` and does nothing."""
    record = ProcessedWebhookEvent(
        provider="stripe",
        event_id=str(event["id"])[:255],
        event_type=str(event.get("type", ""))[:80],
        received_at=utcnow(),
    )
    try:
        async with session.begin_nested():
            session.add(record)
    except IntegrityError:
        return DUPLICATE
    handler = HANDLERS.get(record.event_type)
    data = (event.get("data") or {}).get("object") or {}
    created = event.get("created")
    on = (
        dt.datetime.fromtimestamp(created, LOCAL_TZ).date()
        if isinstance(created, int)
        else local_today()
    )
    record.outcome = await handler(session, data, EventContext(gateway, on)) if handler else IGNORED
    await session.flush()
    return record.outcome


async def receive_webhook(
    session: AsyncSession,
    *,
    payload: bytes,
    signature: str | None,
    secret: str,
    gateway: PaymentGateway,
) -> str:
    """Verify, then handle: the one path every Stripe-signed event takes, sandbox included."""
    return await handle_event(
        session, event=verified_event(payload, signature, secret), gateway=gateway
    )


def _id(value: Any) -> str:
    """An object reference that Stripe may give as an id or as the expanded object."""
    if isinstance(value, dict):
        value = value.get("id")
    return str(value) if value else ""


async def _checkout_completed(session: AsyncSession, obj: dict[str, Any], ctx: EventContext) -> str:
    metadata = obj.get("metadata") or {}
    if obj.get("mode") == "setup":
        return await _save_card(session, obj, ctx)
    if obj.get("mode") != "payment" or obj.get("payment_status") != "paid":
        return IGNORED  # async methods finish with checkout.session.async_payment_succeeded
    invoice = obj.get("client_reference_id") or metadata.get("invoice")
    reference = _id(obj.get("payment_intent"))
    if not invoice or not reference or str(obj.get("currency", "")).lower() != "cad":
        return IGNORED
    return await record_card_payment(
        session,
        invoice_name=str(invoice),
        amount=from_cents(obj.get("amount_total") or 0),
        reference=reference,
        mode=PaymentMode.card,
        on=ctx.on,
    )


async def _intent_succeeded(session: AsyncSession, obj: dict[str, Any], ctx: EventContext) -> str:
    metadata = obj.get("metadata") or {}
    invoice = metadata.get("invoice")
    if not invoice or str(obj.get("currency", "")).lower() != "cad":
        return IGNORED
    amount = from_cents(obj.get("amount_received") or obj.get("amount") or 0)
    attempt = str(metadata.get("attempt") or "")
    if attempt.isdigit():
        return await ppa_attempt_succeeded(
            session,
            invoice_name=str(invoice),
            attempt=int(attempt),
            amount=amount,
            payment_intent=str(obj["id"]),
            on=ctx.on,
        )
    return await record_card_payment(
        session,
        invoice_name=str(invoice),
        amount=amount,
        reference=str(obj["id"]),
        mode=PaymentMode.card,
        on=ctx.on,
    )


async def _intent_failed(session: AsyncSession, obj: dict[str, Any], ctx: EventContext) -> str:
    """Only PPA failures matter: a checkout customer sees the decline on the page and retries."""
    metadata = obj.get("metadata") or {}
    attempt = str(metadata.get("attempt") or "")
    if not metadata.get("invoice") or not attempt.isdigit():
        return IGNORED
    error = obj.get("last_payment_error") or {}
    return await ppa_attempt_failed(
        session,
        invoice_name=str(metadata["invoice"]),
        attempt=int(attempt),
        amount=from_cents(obj.get("amount") or 0),
        payment_intent=str(obj["id"]),
        code=str(error.get("decline_code") or error.get("code") or "declined"),
        on=ctx.on,
    )


async def _payment_for(session: AsyncSession, obj: dict[str, Any]) -> PaymentEntry:
    """The payment, locked: two refund events at once must not both see the old total."""
    reference = _id(obj.get("payment_intent"))
    payment = await session.scalar(
        select(PaymentEntry)
        .where(PaymentEntry.reference == reference)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if payment is None:  # the payment's own event has not arrived yet
        raise RetryLaterError(NOT_YET)
    return payment


async def _charge_refunded(session: AsyncSession, obj: dict[str, Any], ctx: EventContext) -> str:
    """`amount_refunded` is cumulative, so a late or repeated event refunds only what is new."""
    payment = await _payment_for(session, obj)
    total = min(from_cents(obj.get("amount_refunded") or 0), payment.amount)
    new = total - payment.refunded_amount
    if new <= 0:
        return DUPLICATE
    await refunds.refund_payment(session, payment_name=payment.name, amount=new, on=ctx.on)
    customer = await session.get(Customer, payment.customer_id)
    assert customer is not None
    await emit(
        session,
        "payment.refunded",
        {"customer": customer.name, "payment": payment.name, "amount": str(new)},
        topics=[f"customer:{customer.name}"],
    )
    return PROCESSED


async def _dispute_created(session: AsyncSession, obj: dict[str, Any], ctx: EventContext) -> str:
    dispute_id = str(obj.get("id", ""))
    if await session.scalar(
        select(PaymentDispute.id).where(PaymentDispute.dispute_id == dispute_id)
    ):
        return DUPLICATE
    payment = await _payment_for(session, obj)
    amount = from_cents(obj.get("amount") or 0)
    reason = str(obj.get("reason") or "")[:60]
    try:
        async with session.begin_nested():
            session.add(
                PaymentDispute(
                    dispute_id=dispute_id,
                    customer_id=payment.customer_id,
                    payment_entry_id=payment.id,
                    payment_intent_id=payment.reference or "",
                    amount=amount,
                    reason=reason,
                    status=str(obj.get("status") or "")[:40],
                )
            )
    except IntegrityError:  # another event about the same dispute, at the same moment
        return DUPLICATE
    note(session, payment.customer_id, "payment.disputed", f"{amount} $ · {reason}", payment.name)
    customer = await session.get(Customer, payment.customer_id)
    assert customer is not None
    await emit(
        session,
        "payment.disputed",
        {"customer": customer.name, "payment": payment.name, "amount": str(amount)},
        topics=[f"customer:{customer.name}"],
    )
    return PROCESSED


async def _save_card(session: AsyncSession, obj: dict[str, Any], ctx: EventContext) -> str:
    setup_intent = _id(obj.get("setup_intent"))
    name = str((obj.get("metadata") or {}).get("customer") or "")
    customer = await session.scalar(select(Customer).where(Customer.name == name))
    if not setup_intent or customer is None:
        return IGNORED
    try:
        card = await ctx.gateway.retrieve_setup_intent(setup_intent)
    except RetriablePaymentError:
        raise RetryLaterError(NOT_YET) from None
    except PaymentGatewayError as error:
        log.warning("payments.setup_intent_unreadable", setup_intent=setup_intent, error=str(error))
        return IGNORED
    provider = ctx.gateway.provider
    account = await saved_card(session, customer_id=customer.id, provider=provider)
    if account is None:
        account = PaymentAccount(
            customer_id=customer.id, provider=provider, provider_customer_id=card.provider_customer
        )
        session.add(account)
    account.payment_method_id = card.payment_method
    account.card_brand, account.card_last4 = card.brand[:20], card.last4[:4]
    account.card_exp_month, account.card_exp_year = card.exp_month, card.exp_year
    account.ppa_enabled = True
    # A new card gives declined invoices a fresh try at the next PPA run.
    invoices = select(SalesInvoice.id).where(SalesInvoice.customer_id == customer.id)
    await session.execute(
        update(PaymentAttempt)
        .where(
            PaymentAttempt.invoice_id.in_(invoices),
            PaymentAttempt.status == AttemptStatus.failed,
        )
        .values(next_retry_on=ctx.on)
    )
    note(session, customer.id, "payment_method.saved", f"{card.brand} {card.last4}", "")
    await emit(
        session,
        "payment_method.saved",
        {"customer": customer.name, "brand": card.brand, "last4": card.last4},
        topics=[f"customer:{customer.name}"],
    )
    return PROCESSED


HANDLERS: dict[str, Handler] = {
    "checkout.session.completed": _checkout_completed,
    "checkout.session.async_payment_succeeded": _checkout_completed,
    "payment_intent.succeeded": _intent_succeeded,
    "payment_intent.payment_failed": _intent_failed,
    "charge.refunded": _charge_refunded,
    "charge.dispute.created": _dispute_created,
}
