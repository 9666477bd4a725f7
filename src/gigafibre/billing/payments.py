"""Card payments: hosted links (checkout, card on file, customer portal) and recording them.

Staff, and later the portal, ask for a link to a page hosted by the provider; what the customer
does there comes back as webhooks (`payments_webhook`). A payment is recorded once per provider
reference (the PaymentIntent id is the Payment Entry's unique `reference`), whichever event
reports it and however often: duplicates and any delivery order give the same books.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Awaitable
from decimal import Decimal
from typing import TypeVar
from zoneinfo import ZoneInfo

import structlog
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.billing import service
from gigafibre.billing.gateway import (
    CheckoutRequest,
    CustomerRequest,
    PaymentGateway,
    PaymentGatewayError,
    PortalRequest,
    RetriablePaymentError,
    SetupRequest,
    cents,
)
from gigafibre.billing.models import InvoiceStatus, PaymentEntry, PaymentMode, SalesInvoice
from gigafibre.billing.payment_models import PaymentAccount
from gigafibre.core.db import utcnow
from gigafibre.core.errors import ConflictError, DomainError, NotFoundError
from gigafibre.core.events import emit
from gigafibre.core.i18n import N_, gettext
from gigafibre.customers.models import Customer, TimelineEntry
from gigafibre.settings import PaymentProvider, Settings

T = TypeVar("T")
log = structlog.get_logger("gigafibre.payments")
LOCAL_TZ = ZoneInfo("America/Toronto")
PROCESSED, DUPLICATE, IGNORED = "processed", "duplicate", "ignored"


class PaymentUnavailableError(DomainError):
    status_code = 503
    code = "payment_unavailable"


class PaymentRefusedError(DomainError):
    status_code = 502
    code = "payment_refused"


UNAVAILABLE = N_("The payment service is unavailable. Try again in a moment.")
REFUSED = N_("The payment service refused this request.")


def local_today() -> dt.date:
    return dt.datetime.now(LOCAL_TZ).date()


def webhook_secret(settings: Settings) -> str:
    """GF_STRIPE_WEBHOOK_SECRET, or in the sandbox a `whsec_` derived from GF_SECRET_KEY.

    The derived secret is stable across restarts and processes (same secret key, same value),
    so the sandbox signs and our endpoint checks without any extra configuration.
    """
    if settings.stripe_webhook_secret:
        return settings.stripe_webhook_secret
    if settings.payment_provider is PaymentProvider.stripe:
        raise RuntimeError("GF_STRIPE_WEBHOOK_SECRET is required with the Stripe provider")
    derived = hmac.new(settings.secret_key.encode(), b"sandbox-stripe-webhook", hashlib.sha256)
    return f"whsec_{derived.hexdigest()}"


async def _call(call: Awaitable[T]) -> T:
    """Provider errors as 4xx/5xx domain errors; the provider's own text stays in the log."""
    try:
        return await call
    except RetriablePaymentError as error:
        log.warning("payments.provider_unavailable", error=str(error))
        raise PaymentUnavailableError(UNAVAILABLE) from None
    except PaymentGatewayError as error:
        log.warning("payments.provider_refused", error=str(error), code=error.code)
        raise PaymentRefusedError(REFUSED) from None


def _return_url(base_url: str, kind: str, **params: str) -> str:
    query = "&".join(f"{key}={value}" for key, value in {"kind": kind, **params}.items())
    return f"{base_url.rstrip('/')}/payments/return?{query}"


async def checkout_link(
    session: AsyncSession,
    *,
    gateway: PaymentGateway,
    invoice_name: str,
    base_url: str,
    success_url: str | None = None,
    cancel_url: str | None = None,
) -> str:
    """A hosted page where the customer pays what is left on one invoice."""
    invoice = await session.scalar(select(SalesInvoice).where(SalesInvoice.name == invoice_name))
    if invoice is None:
        raise NotFoundError("No invoice is named {name}.", name=invoice_name)
    if invoice.status not in service.OPEN_STATUSES or invoice.outstanding_amount <= 0:
        raise ConflictError("This invoice has nothing left to pay.")
    customer = await session.get(Customer, invoice.customer_id)
    assert customer is not None
    account = await saved_card(session, customer_id=customer.id, provider=gateway.provider)
    success = success_url or _return_url(
        base_url, "payment", invoice=invoice.name, session_id="{CHECKOUT_SESSION_ID}"
    )
    cancel = cancel_url or _return_url(base_url, "cancelled", invoice=invoice.name)
    urls = hashlib.sha256(f"{success}|{cancel}".encode()).hexdigest()[:12]
    amount = invoice.outstanding_amount
    hosted = await _call(
        gateway.create_checkout_session(
            CheckoutRequest(
                invoice=invoice.name,
                customer=customer.name,
                amount=amount,
                description=f"{gettext('Invoice', customer.language)} {invoice.name}",
                success_url=success,
                cancel_url=cancel,
                idempotency_key=f"checkout-{invoice.name}-{cents(amount)}-{urls}-{local_today()}",
                language=customer.language,
                provider_customer=account.provider_customer_id if account else None,
                customer_email=customer.email,
            )
        )
    )
    return hosted.url


async def card_on_file_link(
    session: AsyncSession,
    *,
    gateway: PaymentGateway,
    customer_name: str,
    base_url: str,
    success_url: str | None = None,
    cancel_url: str | None = None,
) -> str:
    """A hosted page where the customer saves a card for pre-authorised payments."""
    customer, account = await _ensure_account(session, gateway=gateway, name=customer_name)
    hosted = await _call(
        gateway.create_setup_session(
            SetupRequest(
                customer=customer.name,
                provider_customer=account.provider_customer_id,
                success_url=success_url or _return_url(base_url, "setup"),
                cancel_url=cancel_url or _return_url(base_url, "cancelled"),
                idempotency_key=f"setup-{customer.name}-{secrets.token_hex(8)}",
                language=customer.language,
            )
        )
    )
    return hosted.url


async def portal_link(
    session: AsyncSession,
    *,
    gateway: PaymentGateway,
    customer_name: str,
    base_url: str,
    return_url: str | None = None,
) -> str:
    """The provider's customer portal: cards, receipts."""
    customer, account = await _ensure_account(session, gateway=gateway, name=customer_name)
    hosted = await _call(
        gateway.create_portal_session(
            PortalRequest(
                provider_customer=account.provider_customer_id,
                return_url=return_url or f"{base_url.rstrip('/')}/",
                idempotency_key=f"portal-{customer.name}-{secrets.token_hex(8)}",
                language=customer.language,
            )
        )
    )
    return hosted.url


async def saved_card(
    session: AsyncSession, *, customer_id: int, provider: str
) -> PaymentAccount | None:
    """The customer's account at the provider, with the card on file if there is one."""
    return await session.scalar(
        select(PaymentAccount).where(
            PaymentAccount.customer_id == customer_id, PaymentAccount.provider == provider
        )
    )


async def account_for(
    session: AsyncSession, *, provider: str, provider_customer_id: str
) -> PaymentAccount | None:
    return await session.scalar(
        select(PaymentAccount).where(
            PaymentAccount.provider == provider,
            PaymentAccount.provider_customer_id == provider_customer_id,
        )
    )


async def _ensure_account(
    session: AsyncSession, *, gateway: PaymentGateway, name: str
) -> tuple[Customer, PaymentAccount]:
    customer = await session.scalar(select(Customer).where(Customer.name == name.upper()))
    if customer is None:
        raise NotFoundError("No customer is named {name}.", name=name)
    account = await saved_card(session, customer_id=customer.id, provider=gateway.provider)
    if account is not None:
        return customer, account
    provider_customer = await _call(
        gateway.create_customer(
            CustomerRequest(
                customer=customer.name,
                name=customer.customer_name,
                email=customer.email,
                phone=customer.phone,
                idempotency_key=f"customer-{customer.name}-{gateway.provider}",
            )
        )
    )
    account = PaymentAccount(
        customer_id=customer.id, provider=gateway.provider, provider_customer_id=provider_customer
    )
    try:
        async with session.begin_nested():
            session.add(account)
    except IntegrityError:  # another request created it first
        account = await saved_card(session, customer_id=customer.id, provider=gateway.provider)
        assert account is not None
    return customer, account


async def record_card_payment(
    session: AsyncSession,
    *,
    invoice_name: str,
    amount: Decimal,
    reference: str,
    mode: PaymentMode,
    on: dt.date,
) -> str:
    """Record a provider payment once per reference, then tell the customer's topic."""
    if amount <= 0:
        return IGNORED
    if await session.scalar(select(PaymentEntry.id).where(PaymentEntry.reference == reference)):
        return DUPLICATE
    # Locked before record_payment locks it again, so `was_paid` is what this payment changed.
    locked = (
        await session.execute(
            select(SalesInvoice.status, Customer.name)
            .join(Customer, Customer.id == SalesInvoice.customer_id)
            .where(SalesInvoice.name == invoice_name)
            .with_for_update(of=SalesInvoice)
        )
    ).first()
    if locked is None:
        log.warning("payments.unknown_invoice", invoice=invoice_name, reference=reference)
        return IGNORED
    was_paid, customer_name = locked
    try:
        async with session.begin_nested():
            payment = await service.record_payment(
                session,
                invoice_name=invoice_name,
                amount=amount,
                mode=mode,
                reference=reference,
                on=on,
            )
    except IntegrityError:  # the same payment, reported by another event at the same moment
        return DUPLICATE
    invoice = await session.get(SalesInvoice, payment.invoice_id)
    assert invoice is not None
    topics = [f"customer:{customer_name}"]
    await emit(
        session,
        "payment.received",
        {
            "customer": customer_name,
            "invoice": invoice.name,
            "payment": payment.name,
            "amount": str(payment.amount),
            "mode": mode.value,
            "outstanding": str(max(invoice.outstanding_amount, Decimal(0))),
        },
        topics=topics,
    )
    if invoice.status is InvoiceStatus.paid and was_paid is not InvoiceStatus.paid:
        await emit(
            session,
            "invoice.paid",
            {"customer": customer_name, "invoice": invoice.name, "total": str(invoice.total)},
            topics=topics,
        )
    return PROCESSED


def note(
    session: AsyncSession,
    customer_id: int,
    kind: str,
    summary: str,
    reference: str,
    *,
    actor: str = "stripe",
) -> None:
    """A line on the customer's timeline: a kind (translated when shown) and a short detail."""
    session.add(
        TimelineEntry(
            customer_id=customer_id,
            kind=kind,
            summary=summary[:500],
            actor=actor,
            reference=reference[:40],
            created_at=utcnow(),
        )
    )


async def set_ppa_enabled(
    session: AsyncSession, *, customer_id: int, provider: str, enabled: bool
) -> PaymentAccount:
    """Turn pre-authorised payments on or off; turning them on needs a card on file."""
    account = await saved_card(session, customer_id=customer_id, provider=provider)
    if account is None or (enabled and account.payment_method_id is None):
        raise ConflictError("Save a card first.")
    account.ppa_enabled = enabled
    kind = "payment_method.ppa_enabled" if enabled else "payment_method.ppa_disabled"
    note(session, customer_id, kind, "", "", actor="portal")
    return account
