"""Refunds staff give: booked at once, and sent to the card provider through the outbox.

A refund that Stripe reports first (a `charge.refunded` webhook, e.g. made in Stripe's own
dashboard) is booked by `payments_webhook` and never sent back. One that staff give here is
booked, then an outbox message asks the provider to refund the PaymentIntent with an idempotency
key per refund, so a retried send never refunds twice; Stripe's later `charge.refunded` finds
the refund already booked (the webhook books only what its cumulative total adds).
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.billing import service
from gigafibre.billing.gateway import (
    GatewayFactory,
    PaymentGatewayError,
    RefundRequest,
    RetriablePaymentError,
    cents,
    from_cents,
)
from gigafibre.billing.models import PaymentEntry, PaymentMode
from gigafibre.core.db import Database, utcnow
from gigafibre.core.events import emit
from gigafibre.core.money import to_money
from gigafibre.core.outbox import (
    OutboxMessage,
    PermanentSendError,
    RetriableSendError,
    Sender,
    enqueue,
)
from gigafibre.customers.models import Customer, TimelineEntry

REFUND_CHANNEL = "payment_refund"
CARD_MODES = (PaymentMode.card, PaymentMode.preauthorized)


async def refund_by_staff(
    session: AsyncSession, *, payment_name: str, amount: Decimal, actor: str
) -> PaymentEntry:
    """Book the refund; a card payment is also refunded at the provider once this commits."""
    payment = await service.refund_payment(session, payment_name=payment_name, amount=amount)
    refunded = to_money(amount)
    at_provider = payment.mode in CARD_MODES and (payment.reference or "").startswith("pi_")
    if at_provider:
        key = f"refund-{payment.name}-{cents(payment.refunded_amount)}"
        await enqueue(
            session,
            channel=REFUND_CHANNEL,
            recipient=payment.reference or "",
            subject=f"Refund {payment.name}",
            body="",
            payload={
                "payment": payment.name,
                "payment_intent": payment.reference,
                "amount_cents": cents(refunded),
                "idempotency_key": key,
            },
            reference=payment.name,
            dedupe_key=key,
        )
    session.add(
        TimelineEntry(
            customer_id=payment.customer_id,
            kind="payment.refund_sent" if at_provider else "payment.refunded",
            summary=str(refunded),
            actor=actor,
            reference=payment.name,
            created_at=utcnow(),
        )
    )
    customer = await session.get(Customer, payment.customer_id)
    assert customer is not None
    await emit(
        session,
        "payment.refunded",
        {"customer": customer.name, "payment": payment.name, "amount": str(refunded)},
        topics=[f"customer:{customer.name}"],
    )
    return payment


def refund_sender(db: Database, gateways: GatewayFactory) -> Sender:
    """The outbox channel that asks the provider chosen by settings to refund."""

    async def send(message: OutboxMessage) -> str:
        payload = message.payload
        request = RefundRequest(
            payment=str(payload["payment"]),
            payment_intent=str(payload["payment_intent"]),
            amount=from_cents(payload["amount_cents"]),
            idempotency_key=str(payload["idempotency_key"]),
        )
        async with db.unit_of_work() as session:
            try:
                return await gateways(session).create_refund(request)
            except RetriablePaymentError as error:
                raise RetriableSendError(str(error), delay_seconds=error.delay_seconds) from None
            except PaymentGatewayError as error:
                raise PermanentSendError(str(error)) from None

    return send
