"""Stripe webhooks: duplicates and any order give exactly one Payment Entry per payment."""

from __future__ import annotations

import random
from collections import Counter, deque
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import func, select

from gigafibre.billing import payments_api
from gigafibre.billing.gateway import SetupRequest, StripeGateway
from gigafibre.billing.models import (
    CreditReason,
    CustomerCredit,
    InvoiceStatus,
    PaymentEntry,
    PaymentMode,
    SalesInvoice,
)
from gigafibre.billing.payment_models import PaymentAccount, PaymentDispute
from gigafibre.billing.payments import webhook_secret
from gigafibre.core.events import EventRecord
from gigafibre.customers.models import TimelineEntry
from gigafibre.settings import Settings
from tests.billing.test_payments_support import (  # noqa: F401
    STRIPE_KEY,
    FakeStripe,
    app,
    event,
    make_billed_customer,
    signed,
)
from tests.conftest import TransactionalDatabase

CENT = Decimal("0.01")


@dataclass
class Planned:
    invoice: str
    customer: str
    amount: Decimal
    intent: str
    ppa: bool = False
    refunded: Decimal = Decimal(0)


def _cents(amount: Decimal) -> int:
    return int(amount * 100)


def _events_for(payment: Planned, rng: random.Random) -> list[dict[str, Any]]:
    metadata = {"invoice": payment.invoice, "customer": payment.customer}
    intent = {
        "id": payment.intent,
        "object": "payment_intent",
        "amount": _cents(payment.amount),
        "amount_received": _cents(payment.amount),
        "currency": "cad",
        "status": "succeeded",
        "metadata": {**metadata, "attempt": "1"} if payment.ppa else metadata,
    }
    found = [event("payment_intent.succeeded", intent)]
    if not payment.ppa and rng.random() < 0.9:
        found.append(
            event(
                "checkout.session.completed",
                {
                    "id": f"cs_{payment.intent}",
                    "object": "checkout.session",
                    "mode": "payment",
                    "payment_status": "paid",
                    "status": "complete",
                    "amount_total": _cents(payment.amount),
                    "currency": "cad",
                    "client_reference_id": payment.invoice,
                    "payment_intent": payment.intent,
                    "metadata": metadata,
                },
            )
        )
    return found


def _refund(payment: Planned, cumulative: Decimal) -> dict[str, Any]:
    return event(
        "charge.refunded",
        {
            "id": f"ch_{payment.intent}",
            "object": "charge",
            "amount": _cents(payment.amount),
            "amount_refunded": _cents(cumulative),
            "payment_intent": payment.intent,
            "refunded": cumulative == payment.amount,
        },
    )


async def test_a_thousand_deliveries_out_of_order_with_duplicates_book_each_payment_once(
    client: httpx.AsyncClient, tx_database: TransactionalDatabase, settings: Settings
) -> None:
    rng = random.Random(20261129)
    totals: dict[str, Decimal] = {}
    customers: dict[str, str] = {}
    async with tx_database.unit_of_work() as session:
        for _ in range(150):
            total = Decimal(rng.randint(2000, 30000)) / 100
            customer, invoice = await make_billed_customer(session, str(total), phone=None)
            totals[invoice.name], customers[invoice.name] = total, customer.name
    names = list(totals)
    plan: list[Planned] = []
    for number, name in enumerate(names):
        roll, total = rng.random(), totals[name]
        if roll < 0.6:
            amount = total
        elif roll < 0.8:
            amount = (total * rng.randint(30, 90) / 100).quantize(CENT)
        else:
            amount = total + Decimal(rng.randint(100, 5000)) / 100
        plan.append(
            Planned(name, customers[name], amount, f"pi_storm_{number}", ppa=rng.random() < 0.15)
        )
    full = [p for p in plan if p.amount == totals[p.invoice]]
    refunded, disputed = full[:20], full[20:25]
    quiet = {p.invoice for p in refunded}
    open_names = [name for name in names if name not in quiet]
    for number in range(50):
        name = rng.choice(open_names)
        amount = Decimal(rng.randint(500, 10000)) / 100
        plan.append(Planned(name, customers[name], amount, f"pi_storm_extra_{number}"))

    base: list[dict[str, Any]] = []
    for payment in plan:
        base += _events_for(payment, rng)
    for payment in refunded:
        first = (payment.amount * rng.randint(10, 60) / 100).quantize(CENT)
        payment.refunded = payment.amount if rng.random() < 0.5 else first
        base.append(_refund(payment, first))
        base.append(_refund(payment, payment.refunded))
    for payment in disputed:
        dispute = {
            "id": f"dp_{payment.intent}",
            "object": "dispute",
            "amount": _cents(payment.amount),
            "charge": f"ch_{payment.intent}",
            "payment_intent": payment.intent,
            "reason": "fraudulent",
            "status": "needs_response",
        }
        base.append(event("charge.dispute.created", dispute))
    failed = {"id": "pi_declined_on_checkout", "object": "payment_intent", "metadata": {}}
    base += [
        event("payment_intent.payment_failed", failed),
        event("customer.updated", {"id": "cus_1"}),
    ]
    deliveries = base + [rng.choice(base) for _ in range(1000 - len(base))]
    rng.shuffle(deliveries)
    assert len(deliveries) == 1000
    assert len(plan) == 200

    secret = webhook_secret(settings)
    queue, outcomes, sent = deque(deliveries), Counter[str](), 0
    while queue and sent < 3000:
        next_event = queue.popleft()
        body, headers = signed(next_event, secret)
        response = await client.post("/webhook/stripe", content=body, headers=headers)
        sent += 1
        if response.status_code == 503:  # Stripe sends it again later
            queue.append(next_event)
            outcomes["resent"] += 1
            continue
        assert response.status_code == 200, response.text
        outcomes[response.json()["outcome"]] += 1
    assert not queue
    assert outcomes["processed"] + outcomes["duplicate"] + outcomes["ignored"] == 1000

    async with tx_database.unit_of_work() as session:
        intents = [p.intent for p in plan]
        entries = {
            entry.reference: entry
            for entry in await session.scalars(
                select(PaymentEntry).where(PaymentEntry.reference.in_(intents))
            )
        }
        assert len(entries) == 200
        count = await session.scalar(
            select(func.count())
            .select_from(PaymentEntry)
            .where(PaymentEntry.reference.in_(intents))
        )
        assert count == 200
        paid: dict[str, Decimal] = Counter()
        for payment in plan:
            entry = entries[payment.intent]
            assert entry.amount == payment.amount
            assert entry.refunded_amount == payment.refunded
            assert entry.mode is (PaymentMode.preauthorized if payment.ppa else PaymentMode.card)
            paid[payment.invoice] += payment.amount
        refunds = {p.invoice: p.refunded for p in refunded}
        invoices = {
            invoice.name: invoice
            for invoice in await session.scalars(
                select(SalesInvoice).where(SalesInvoice.name.in_(names))
            )
        }
        for name in names:
            total, invoice = totals[name], invoices[name]
            outstanding = max(total - paid[name], Decimal(0)) + refunds.get(name, Decimal(0))
            assert invoice.outstanding_amount == outstanding, name
            expected = (
                InvoiceStatus.paid
                if outstanding <= 0
                else InvoiceStatus.partly_paid
                if outstanding < total
                else InvoiceStatus.unpaid
            )
            assert invoice.status is expected, name
            credits = await session.scalar(
                select(func.coalesce(func.sum(CustomerCredit.amount), 0)).where(
                    CustomerCredit.customer_id == invoice.customer_id,
                    CustomerCredit.reason == CreditReason.overpayment,
                )
            )
            assert Decimal(credits or 0) == max(paid[name] - total, Decimal(0)), name
        assert (
            await session.scalar(
                select(func.count())
                .select_from(PaymentDispute)
                .where(PaymentDispute.payment_intent_id.in_([p.intent for p in disputed]))
            )
            == 5
        )
        flagged = await session.scalar(
            select(func.count())
            .select_from(TimelineEntry)
            .where(
                TimelineEntry.kind == "payment.disputed",
                TimelineEntry.reference.in_([entries[p.intent].name for p in disputed]),
            )
        )
        assert flagged == 5
        emitted = Counter(
            (record.name, record.payload.get("invoice"))
            for record in await session.scalars(
                select(EventRecord).where(
                    EventRecord.name.in_(["payment.received", "invoice.paid"])
                )
            )
            if record.payload.get("invoice") in totals
        )
    assert sum(n for (kind, _), n in emitted.items() if kind == "payment.received") == 200
    ever_paid = {name for name in names if paid[name] >= totals[name]}
    assert {
        name for (kind, name), n in emitted.items() if kind == "invoice.paid" and n == 1
    } == ever_paid
    assert all(n == 1 for (kind, _), n in emitted.items() if kind == "invoice.paid")


async def test_a_card_saved_on_stripe_is_kept_for_ppa(
    app: Any,  # noqa: F811
    client: httpx.AsyncClient,
    tx_database: TransactionalDatabase,
    settings: Settings,
) -> None:
    fake = FakeStripe()
    stripe = StripeGateway(STRIPE_KEY, transport=fake.transport())
    app.dependency_overrides[payments_api.payment_gateways] = lambda: lambda _session: stripe
    async with tx_database.unit_of_work() as session:
        customer, _invoice = await make_billed_customer(session, "50.00")
    hosted = await stripe.create_setup_session(
        SetupRequest(customer.name, "cus_test_1", "https://gf.test/ok", "https://gf.test/no", "k")
    )
    checkout = fake.objects[hosted.id]
    setup_intent = fake.complete_setup(hosted.id)
    completed = {**checkout, "status": "complete", "setup_intent": setup_intent}
    body, headers = signed(event("checkout.session.completed", completed), webhook_secret(settings))
    response = await client.post("/webhook/stripe", content=body, headers=headers)
    assert response.json()["outcome"] == "processed"
    async with tx_database.unit_of_work() as session:
        account = await session.scalar(
            select(PaymentAccount).where(PaymentAccount.customer_id == customer.id)
        )
    assert account is not None
    assert (account.provider, account.payment_method_id, account.card_last4) == (
        "stripe",
        "pm_card_visa",
        "4242",
    )
    assert fake.requests[-1].url.path == f"/v1/setup_intents/{setup_intent}"


async def test_a_refund_before_its_payment_is_sent_again_later(
    client: httpx.AsyncClient, tx_database: TransactionalDatabase, settings: Settings
) -> None:
    async with tx_database.unit_of_work() as session:
        customer, invoice = await make_billed_customer(session, "40.00")
    payment = Planned(invoice.name, customer.name, Decimal("40.00"), "pi_refund_first")
    refund = _refund(payment, Decimal("15.00"))
    secret = webhook_secret(settings)
    early = await client.post(
        "/webhook/stripe", content=signed(refund, secret)[0], headers=signed(refund, secret)[1]
    )
    assert early.status_code == 503
    assert early.json()["error"] == "retry_later"
    for delivery in [*_events_for(payment, random.Random(1)), refund]:
        body, headers = signed(delivery, secret)
        assert (
            await client.post("/webhook/stripe", content=body, headers=headers)
        ).status_code == 200
    async with tx_database.unit_of_work() as session:
        stored = await session.scalar(select(SalesInvoice).where(SalesInvoice.id == invoice.id))
        assert stored is not None
        assert (stored.outstanding_amount, stored.status) == (
            Decimal("15.00"),
            InvoiceStatus.partly_paid,
        )
