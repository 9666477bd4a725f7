"""Pre-authorised payments: due invoices are charged once; declines retry and tell the customer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.billing import service
from gigafibre.billing.gateway import SetupRequest, StripeGateway, cents
from gigafibre.billing.models import InvoiceStatus, PaymentEntry, PaymentMode, SalesInvoice
from gigafibre.billing.payment_models import PaymentAccount, PaymentAttempt
from gigafibre.billing.payments import local_today, webhook_secret
from gigafibre.billing.payments_ppa import charge_due_invoices
from gigafibre.billing.payments_sandbox import DECLINING_CARD, SandboxGateway
from gigafibre.billing.payments_webhook import gateway_factory, receive_webhook
from gigafibre.core.events import EventRecord
from gigafibre.core.outbox import OutboxMessage
from gigafibre.customers.models import Customer, Language, TimelineEntry
from gigafibre.settings import Settings
from tests.billing.test_payments_support import (
    DECLINING_METHOD,
    STRIPE_KEY,
    FakeStripe,
    event,
    make_billed_customer,
    signed,
)

TODAY = dt.date(2026, 12, 1)
DAY = dt.timedelta(days=1)


async def _card(
    session: AsyncSession, customer: Customer, method: str, provider: str = "sandbox"
) -> PaymentAccount:
    account = PaymentAccount(
        customer_id=customer.id,
        provider=provider,
        provider_customer_id=f"cus_{provider}_{customer.name}",
        payment_method_id=method,
        card_last4="4242",
    )
    session.add(account)
    await session.flush()
    return account


async def _attempts(
    session: AsyncSession, invoice: SalesInvoice
) -> list[tuple[int, str, dt.date | None]]:
    rows = await session.scalars(
        select(PaymentAttempt)
        .where(PaymentAttempt.invoice_id == invoice.id)
        .order_by(PaymentAttempt.attempt)
    )
    return [(row.attempt, row.status.value, row.next_retry_on) for row in rows]


async def test_a_due_invoice_is_charged_on_the_saved_card_once(
    session: AsyncSession, settings: Settings
) -> None:
    customer, invoice = await make_billed_customer(session, "114.98", due=TODAY - DAY)
    _later, not_due = await make_billed_customer(session, "50.00", due=TODAY + DAY)
    await _card(session, customer, "pm_sbx_good")
    await _card(session, _later, "pm_sbx_good_too")
    gateway = gateway_factory(settings)(session)

    run = await charge_due_invoices(session, today=TODAY, gateway=gateway)
    assert (run.charged, run.failed, run.deferred) == (1, 0, False)
    assert invoice.status is InvoiceStatus.paid
    assert not_due.status is InvoiceStatus.unpaid
    (payment,) = (
        await session.scalars(select(PaymentEntry).where(PaymentEntry.invoice_id == invoice.id))
    ).all()
    assert (payment.amount, payment.mode, payment.posting_date) == (
        invoice.total,
        PaymentMode.preauthorized,
        TODAY,
    )
    assert await _attempts(session, invoice) == [(1, "succeeded", None)]
    received = await session.scalar(
        select(EventRecord.payload)
        .where(EventRecord.name == "payment.received")
        .order_by(EventRecord.id.desc())
    )
    assert received is not None
    assert received["invoice"] == invoice.name
    again = await charge_due_invoices(session, today=TODAY, gateway=gateway)
    assert (again.charged, again.failed) == (0, 0)
    tomorrow = await charge_due_invoices(session, today=TODAY + DAY, gateway=gateway)
    assert tomorrow.charged == 1
    assert not_due.status is InvoiceStatus.paid


async def test_a_declined_card_is_retried_on_schedule_and_the_customer_is_told(
    session: AsyncSession, settings: Settings
) -> None:
    customer, invoice = await make_billed_customer(
        session, "80.00", language=Language.en, email="client@example.ca", due=TODAY
    )
    await _card(session, customer, f"{DECLINING_CARD}abc")
    gateway = gateway_factory(settings)(session)

    first = await charge_due_invoices(session, today=TODAY, gateway=gateway)
    assert first.failed == 1
    assert await _attempts(session, invoice) == [(1, "failed", TODAY + DAY)]
    messages = (
        await session.scalars(select(OutboxMessage).where(OutboxMessage.reference == invoice.name))
    ).all()
    assert sorted(m.channel for m in messages) == ["email", "sms"]
    sms = next(m for m in messages if m.channel == "sms")
    assert sms.recipient == customer.phone
    assert "$80.00" in sms.body
    assert "We will try again on December 2, 2026" in sms.body
    email = next(m for m in messages if m.channel == "email")
    assert email.subject == f"Payment declined: invoice {invoice.name}"
    assert email.body.startswith("Hello Client Paiement,")
    flagged = await session.scalar(
        select(TimelineEntry.kind).where(
            TimelineEntry.customer_id == customer.id, TimelineEntry.kind == "payment.failed"
        )
    )
    assert flagged == "payment.failed"

    same_day = await charge_due_invoices(session, today=TODAY, gateway=gateway)
    assert same_day.failed == 0
    for day in (TODAY + DAY, TODAY + 4 * DAY, TODAY + 11 * DAY, TODAY + 40 * DAY):
        await charge_due_invoices(session, today=day, gateway=gateway)
    assert await _attempts(session, invoice) == [
        (1, "failed", TODAY + DAY),
        (2, "failed", TODAY + 4 * DAY),
        (3, "failed", TODAY + 11 * DAY),
        (4, "failed", None),
    ]
    last = await session.scalar(
        select(OutboxMessage.body).where(
            OutboxMessage.dedupe_key == f"ppa-failed:{invoice.name}:4:sms"
        )
    )
    assert last is not None
    assert "Please pay the invoice or update your card" in last

    # A new card saved by the customer gives the invoice a fresh try at the next run.
    assert isinstance(gateway, SandboxGateway)
    setup = await gateway.create_setup_session(
        SetupRequest(customer.name, f"cus_sandbox_{customer.name}", "http://ok", "http://no", "k")
    )
    assert await gateway.complete(setup.id) is not None
    later = max(TODAY + 41 * DAY, local_today())  # the new card is retried from the day it is saved
    fresh = await charge_due_invoices(session, today=later, gateway=gateway)
    assert fresh.charged == 1
    assert invoice.status is InvoiceStatus.paid


async def test_stripe_charges_are_idempotent_per_attempt_and_declines_count_once(
    session: AsyncSession, settings: Settings
) -> None:
    fake = FakeStripe()
    stripe = StripeGateway(STRIPE_KEY, transport=fake.transport())
    customer, invoice = await make_billed_customer(session, "60.00", due=TODAY)
    await _card(session, customer, DECLINING_METHOD, provider="stripe")

    fake.fail_with = [500]
    deferred = await charge_due_invoices(session, today=TODAY, gateway=stripe)
    assert deferred.deferred
    assert await _attempts(session, invoice) == []
    declined = await charge_due_invoices(session, today=TODAY, gateway=stripe)
    assert declined.failed == 1
    keys = [request.headers["idempotency-key"] for request in fake.requests]
    total = cents(invoice.outstanding_amount)
    assert keys == [f"ppa-{invoice.name}-1-{total}", f"ppa-{invoice.name}-1-{total}"]
    assert await _attempts(session, invoice) == [(1, "failed", TODAY + DAY)]

    # Stripe's own payment_intent.payment_failed for the same attempt changes nothing more.
    intent = next(o for o in fake.objects.values() if o["id"].startswith("pi_"))
    failed = event(
        "payment_intent.payment_failed", {**intent, "last_payment_error": {"code": "card_declined"}}
    )
    body, headers = signed(failed, webhook_secret(settings))
    outcome = await receive_webhook(
        session,
        payload=body,
        signature=headers["Stripe-Signature"],
        secret=webhook_secret(settings),
        gateway=stripe,
    )
    assert outcome == "duplicate"
    sms = (
        await session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.reference == invoice.name, OutboxMessage.channel == "sms"
            )
        )
    ).all()
    assert len(sms) == 1


async def test_a_retry_after_the_balance_changed_sends_a_new_idempotency_key(
    session: AsyncSession,
) -> None:
    """Stripe refuses a key replayed with other parameters; a new amount needs a new key."""
    fake = FakeStripe()
    stripe = StripeGateway(STRIPE_KEY, transport=fake.transport())
    customer, invoice = await make_billed_customer(session, "60.00", due=TODAY)
    await _card(session, customer, "pm_card_visa", provider="stripe")
    fake.fail_with = [500]
    assert (await charge_due_invoices(session, today=TODAY, gateway=stripe)).deferred
    await service.record_payment(
        session, invoice_name=invoice.name, amount=Decimal("25.00"), mode=PaymentMode.cash
    )
    charged = await charge_due_invoices(session, today=TODAY, gateway=stripe)
    assert charged.charged == 1
    keys = [request.headers["idempotency-key"] for request in fake.requests]
    assert keys == [f"ppa-{invoice.name}-1-6000", f"ppa-{invoice.name}-1-3500"]
    assert invoice.status is InvoiceStatus.paid
