"""Refunds: how one is booked, and the ones staff give sent to the card provider by outbox.

A refund that Stripe reports first (a `charge.refunded` webhook, e.g. made in Stripe's own
dashboard) is booked by `payments_webhook` and never sent back. One that staff give here is
booked, then an outbox message asks the provider to refund the PaymentIntent with an idempotency
key per refund, so a retried send never refunds twice; Stripe's later `charge.refunded` finds
the refund already booked (the webhook books only what its cumulative total adds).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.billing import ledger
from gigafibre.billing.gateway import (
    GatewayFactory,
    PaymentGatewayError,
    RefundRequest,
    RetriablePaymentError,
    cents,
    from_cents,
)
from gigafibre.billing.models import (
    CreditReason,
    CustomerCredit,
    InvoiceStatus,
    PaymentEntry,
    PaymentMode,
    SalesInvoice,
)
from gigafibre.core.db import Database, utcnow
from gigafibre.core.errors import NotFoundError, ValidationFailedError
from gigafibre.core.events import emit
from gigafibre.core.i18n import N_
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


async def refund_payment(
    session: AsyncSession, *, payment_name: str, amount: Decimal, on: dt.date | None = None
) -> PaymentEntry:
    """Give money back: first what the payment left as credit, then the invoice is owed again.

    A payment that overpaid its invoice left the excess as a credit; refunding it takes that
    credit back before reopening the invoice, which is never owed more than its total. Credit
    already spent on another invoice cannot be refunded from this payment.
    """
    amount = to_money(amount)
    payment = await session.scalar(
        select(PaymentEntry).where(PaymentEntry.name == payment_name).with_for_update()
    )
    if payment is None:
        raise NotFoundError("No payment is named {name}.", name=payment_name)
    if amount <= 0 or amount > payment.amount - payment.refunded_amount:
        raise ValidationFailedError(
            "Some fields are not valid.",
            fields={"amount": N_("The refund cannot exceed what is left of the payment.")},
        )
    invoice = (
        await session.get(SalesInvoice, payment.invoice_id, with_for_update=True)
        if payment.invoice_id is not None
        else None
    )
    credit = await session.scalar(
        select(CustomerCredit)
        .where(
            CustomerCredit.customer_id == payment.customer_id,
            CustomerCredit.reason == CreditReason.overpayment,
            CustomerCredit.note == payment.name,
        )
        .with_for_update()
    )
    from_credit = min(amount, credit.remaining) if credit is not None else Decimal(0)
    reopened = amount - from_credit
    reopenable = invoice.total - invoice.outstanding_amount if invoice is not None else reopened
    if reopened > reopenable:
        raise ValidationFailedError(
            "Some fields are not valid.",
            fields={
                "amount": N_(
                    "Part of this payment was already used as a credit on another invoice; "
                    "refund less."
                )
            },
        )
    on = on or dt.date.today()
    payment.refunded_amount = payment.refunded_amount + amount
    if invoice is not None and reopened > 0:
        invoice.outstanding_amount = invoice.outstanding_amount + reopened
        invoice.status = (
            InvoiceStatus.unpaid
            if invoice.outstanding_amount >= invoice.total
            else InvoiceStatus.partly_paid
        )
    voucher_name = f"{payment.name}-R{int(payment.refunded_amount * 100)}"
    vouchers = [
        ledger.refund_voucher(
            name=voucher_name,
            posting_date=on,
            customer_id=payment.customer_id,
            amount=amount,
            mode=payment.mode,
        )
    ]
    if credit is not None and from_credit > 0:
        credit.remaining = credit.remaining - from_credit
        vouchers.append(
            ledger.Voucher(
                "Overpayment refund",
                f"{voucher_name}-C",
                on,
                payment.customer_id,
                [
                    ledger.Posting(ledger.CUSTOMER_CREDITS, debit=from_credit),
                    ledger.Posting(ledger.RECEIVABLE, credit=from_credit),
                ],
            )
        )
    await ledger.post(session, vouchers)
    await session.flush()
    return payment


async def refund_by_staff(
    session: AsyncSession, *, payment_name: str, amount: Decimal, actor: str
) -> PaymentEntry:
    """Book the refund; a card payment is also refunded at the provider once this commits."""
    payment = await refund_payment(session, payment_name=payment_name, amount=amount)
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
