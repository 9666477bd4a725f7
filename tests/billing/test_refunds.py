"""Staff refunds: booked at once, sent to the card provider once, never booked twice."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.billing import refunds, service
from gigafibre.billing.gateway import PermanentPaymentError, RefundRequest, StripeGateway
from gigafibre.billing.models import (
    CustomerCredit,
    InvoiceStatus,
    PaymentEntry,
    PaymentMode,
    SalesInvoice,
)
from gigafibre.billing.payments import webhook_secret
from gigafibre.billing.payments_webhook import DUPLICATE, gateway_factory, receive_webhook
from gigafibre.billing.refunds import REFUND_CHANNEL, refund_by_staff, refund_sender
from gigafibre.core.outbox import OutboxMessage, OutboxStatus, OutboxWorker
from gigafibre.settings import Settings
from tests.billing.test_payments_support import (
    STRIPE_KEY,
    FakeStripe,
    event,
    make_billed_customer,
    signed,
)
from tests.conftest import LoginAs, TransactionalDatabase


def _stripe(fake: FakeStripe) -> StripeGateway:
    return StripeGateway(STRIPE_KEY, transport=fake.transport())


async def _paid_by_card(
    session: AsyncSession, fake: FakeStripe, total: str
) -> tuple[SalesInvoice, PaymentEntry]:
    """An invoice paid by a real (fake) Stripe PaymentIntent, booked as the webhook books it."""
    _customer, invoice = await make_billed_customer(session, total)
    async with httpx.AsyncClient(
        transport=fake.transport(), base_url="https://api.stripe.com"
    ) as http:
        created = await http.post(
            "/v1/payment_intents",
            content=f"amount={int(Decimal(total) * 100)}&currency=cad&payment_method=pm_card_visa",
            headers={"Authorization": f"Bearer {STRIPE_KEY}"},
        )
    intent = created.json()
    payment = await service.record_payment(
        session,
        invoice_name=invoice.name,
        amount=Decimal(total),
        mode=PaymentMode.card,
        reference=intent["id"],
    )
    return invoice, payment


async def _refund_messages(session: AsyncSession) -> list[OutboxMessage]:
    return list(
        (
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.channel == REFUND_CHANNEL)
            )
        ).all()
    )


async def test_a_staff_refund_of_a_card_payment_reaches_stripe_exactly_once(
    tx_database: TransactionalDatabase, settings: Settings
) -> None:
    fake = FakeStripe()
    async with tx_database.unit_of_work() as session:
        invoice, payment = await _paid_by_card(session, fake, "114.98")
        await refund_by_staff(
            session, payment_name=payment.name, amount=Decimal("40.00"), actor="compta"
        )
        assert (invoice.status, invoice.outstanding_amount) == (
            InvoiceStatus.partly_paid,
            Decimal("40.00"),
        )
        payment_name, intent = payment.name, payment.reference
    sender = refund_sender(tx_database, lambda _session: _stripe(fake))
    worker = OutboxWorker(tx_database, {REFUND_CHANNEL: sender})
    assert await worker.run_once() == 1
    assert await worker.run_once() == 0
    refunds = [r for r in fake.requests if r.url.path == "/v1/refunds"]
    assert len(refunds) == 1
    body = dict(httpx.QueryParams(refunds[0].content.decode()))
    assert (body["payment_intent"], body["amount"]) == (intent, "4000")
    assert refunds[0].headers["idempotency-key"] == f"refund-{payment_name}-4000"
    async with tx_database.unit_of_work() as session:
        (message,) = await _refund_messages(session)
        assert message.status is OutboxStatus.sent
        assert message.provider_reference.startswith("re_")

    # Stripe then reports the refund (cumulative 40.00): already booked, nothing changes.
    refunded = event(
        "charge.refunded",
        {
            "id": "ch_test_1",
            "object": "charge",
            "amount": 11498,
            "amount_refunded": 4000,
            "payment_intent": intent,
            "refunded": False,
        },
    )
    body_bytes, headers = signed(refunded, webhook_secret(settings))
    async with tx_database.unit_of_work() as session:
        outcome = await receive_webhook(
            session,
            payload=body_bytes,
            signature=headers["Stripe-Signature"],
            secret=webhook_secret(settings),
            gateway=_stripe(fake),
        )
        again = await session.scalar(select(PaymentEntry).where(PaymentEntry.name == payment_name))
        assert again is not None
        assert again.refunded_amount == Decimal("40.00")
    assert outcome == DUPLICATE


async def test_a_declined_refund_is_not_retried_and_a_cash_refund_stays_local(
    tx_database: TransactionalDatabase,
) -> None:
    fake = FakeStripe()
    async with tx_database.unit_of_work() as session:
        _invoice, payment = await _paid_by_card(session, fake, "50.00")
        payment.reference = "pi_test_unknown"
        await refund_by_staff(
            session, payment_name=payment.name, amount=Decimal("50.00"), actor="compta"
        )
        _cash_customer, cash_invoice = await make_billed_customer(session, "20.00")
        cash_payment = await service.record_payment(
            session, invoice_name=cash_invoice.name, amount=Decimal("20.00"), mode=PaymentMode.cash
        )
        await refund_by_staff(
            session, payment_name=cash_payment.name, amount=Decimal("5.00"), actor="compta"
        )
        assert cash_invoice.outstanding_amount == Decimal("5.00")
    worker = OutboxWorker(
        tx_database, {REFUND_CHANNEL: refund_sender(tx_database, lambda _s: _stripe(fake))}
    )
    await worker.run_once()
    async with tx_database.unit_of_work() as session:
        (message,) = await _refund_messages(session)
        assert message.status is OutboxStatus.dead
        assert "resource_missing" in message.last_error or "No such" in message.last_error


async def test_refunding_an_overpayment_takes_the_credit_back_first(
    session: AsyncSession,
) -> None:
    _customer, invoice = await make_billed_customer(session, "100.00")
    payment = await service.record_payment(
        session, invoice_name=invoice.name, amount=Decimal("130.00"), mode=PaymentMode.interac
    )
    await refunds.refund_payment(session, payment_name=payment.name, amount=Decimal("30.00"))
    assert (invoice.status, invoice.outstanding_amount) == (InvoiceStatus.paid, Decimal(0))
    await refunds.refund_payment(session, payment_name=payment.name, amount=Decimal("100.00"))
    assert (invoice.status, invoice.outstanding_amount) == (InvoiceStatus.unpaid, Decimal("100"))


async def test_credit_spent_elsewhere_cannot_be_refunded_from_the_payment(
    client: httpx.AsyncClient, login_as: LoginAs, tx_database: TransactionalDatabase
) -> None:
    async with tx_database.unit_of_work() as session:
        _customer, invoice = await make_billed_customer(session, "100.00")
        payment = await service.record_payment(
            session, invoice_name=invoice.name, amount=Decimal("130.00"), mode=PaymentMode.cash
        )
        credit = await session.scalar(
            select(CustomerCredit).where(CustomerCredit.note == payment.name)
        )
        assert credit is not None
        credit.remaining = Decimal(0)  # as the next billing run leaves it after spending it
        payment_name = payment.name
    await login_as("compta", ("billing",))
    refused = await client.post(
        f"/billing/payments/{payment_name}/refund",
        json={"amount": "130.00"},
        headers={"accept-language": "fr"},
    )
    assert refused.status_code == 422
    assert "crédit" in refused.json()["fields"]["amount"]
    allowed = await client.post(
        f"/billing/payments/{payment_name}/refund", json={"amount": "100.00"}
    )
    assert allowed.status_code == 200
    assert allowed.json()["refunded_amount"] == "100.00"


async def test_the_sandbox_refunds_its_own_payment_intents_idempotently(
    tx_database: TransactionalDatabase, settings: Settings
) -> None:
    async with tx_database.unit_of_work() as session:
        gateway = gateway_factory(settings)(session)
        request = RefundRequest("PAY-1", "pi_sbx_abc", Decimal("10.00"), "refund-PAY-1-1000")
        first = await gateway.create_refund(request)
        assert first.startswith("re_sbx_")
        assert await gateway.create_refund(request) == first
        with pytest.raises(PermanentPaymentError):
            await gateway.create_refund(RefundRequest("PAY-2", "pi_live_x", Decimal(1), "k"))
