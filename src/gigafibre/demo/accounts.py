"""Subscriptions, the last three months of invoices, and the payments that settle them.

Invoices are computed with the billing cycle's own period and proration rules, so a billing run
after the seed continues the same story (and finds the current period already billed). Each
customer has a payment habit; statuses and outstanding amounts follow from the payments made by
`today`, the way the billing and dunning services would have left them.
"""

from __future__ import annotations

import datetime as dt
import string
from decimal import Decimal
from functools import cache
from itertools import accumulate

from dateutil.relativedelta import relativedelta

from gigafibre.billing import ledger
from gigafibre.billing.cycle import PAYMENT_TERMS, period_containing, prorated
from gigafibre.billing.models import (
    InvoiceStatus,
    PaymentEntry,
    PaymentMode,
    SalesInvoice,
    SalesInvoiceLine,
    Subscription,
)
from gigafibre.core.money import quebec_taxes
from gigafibre.demo import catalog_data
from gigafibre.demo.people import Client
from gigafibre.demo.store import Context, Row

GRACE = dt.timedelta(days=14)  # dunning suspends after this long overdue
RESIDENTIAL_MODES = (
    (PaymentMode.preauthorized, PaymentMode.card, PaymentMode.interac, PaymentMode.cheque),
    tuple(accumulate((55, 32, 9, 4))),
)
COMMERCIAL_MODES = (
    (PaymentMode.preauthorized, PaymentMode.card, PaymentMode.bank_transfer, PaymentMode.cheque),
    tuple(accumulate((40, 20, 25, 15))),
)
DAYS_TO_PAY = {  # after the invoice date
    PaymentMode.preauthorized: (0, 0),
    PaymentMode.card: (0, 9),
    PaymentMode.interac: (3, 20),
    PaymentMode.bank_transfer: (5, 20),
    PaymentMode.cheque: (8, 21),
}
ALPHANUMERIC = string.ascii_letters + string.digits
UPPERCASE = string.ascii_uppercase


def subscriptions(ctx: Context, client: Client) -> list[Row]:
    """A plan per location, and some phone, TV and mesh Wi-Fi; status follows the customer."""
    rng, main, since = ctx.rng, client.locations[0], client.since
    if client.number == 1:
        wanted = [("FIBRE-1000", 1, main, since), ("PHONE", 1, main, since)]
    else:
        weights = (
            catalog_data.COMMERCIAL_PLAN_WEIGHTS
            if client.commercial
            else catalog_data.RESIDENTIAL_PLAN_WEIGHTS
        )
        wanted = [
            (rng.choices(catalog_data.PLANS, weights)[0], 1, location, since)
            for location in client.locations
        ]
    if client.number != 1 and client.commercial:
        if rng.random() < 0.55:
            wanted.append(("PHONE", rng.randint(1, 4), main, since))
    elif client.number != 1:
        if rng.random() < 0.22:
            wanted.append(("PHONE", 1, main, since))
        if rng.random() < 0.18:
            wanted.append(("TV-BASE", 1, main, since))
        if rng.random() < 0.14:  # often added later, so some invoices show it prorated
            later = max((ctx.today - since).days - 5, 0)
            wanted.append(("WIFI-MESH", 1, main, since + dt.timedelta(rng.randint(0, later))))
    status = {"active": "active", "suspended": "paused", "inactive": "cancelled"}[client.status]
    rows = []
    for code, qty, location, start in wanted:
        item = ctx.items[code]
        created = ctx.at(start, 9)
        row = {
            "id": ctx.store.new_id(Subscription),
            "name": ctx.store.new_name(Subscription),
            "customer_id": client.id,
            "service_location_id": location["id"],
            "item_id": item.id,
            "qty": qty,
            "rate": item.price,
            "status": status,
            "start_date": start,
            "end_date": client.until,
            "created_at": created,
            "updated_at": created,
        }
        ctx.store.add(Subscription, row)
        rows.append(row)
    return rows


@cache
def periods(billing_day: int, today: dt.date) -> tuple[tuple[dt.date, dt.date], ...]:
    """The last three monthly periods, oldest first, the last one holding `today`."""
    start, _end = period_containing(billing_day, today)
    starts = [start - relativedelta(months=back) for back in (2, 1, 0)]
    return tuple((day, day + relativedelta(months=1) - dt.timedelta(days=1)) for day in starts)


def bill(ctx: Context, client: Client, subs: list[Row]) -> None:
    """Invoices for the last three periods, then the payments the customer's habit made."""
    if client.status == "inactive" or client.stage == "pending" or not subs:
        return
    rng, store = ctx.rng, ctx.store
    modes, weights = COMMERCIAL_MODES if client.commercial else RESIDENTIAL_MODES
    mode = rng.choices(modes, cum_weights=weights)[0]
    invoices: list[Row] = []
    for period in periods(client.billing_day, ctx.today):
        if client.payer == "delinquent" and invoices:
            suspended_on = invoices[0]["due_date"] + GRACE + dt.timedelta(days=1)
            if period[0] >= suspended_on:
                break  # the billing run skips paused subscriptions
        invoice = _invoice(ctx, client, subs, period)
        if invoice is not None:
            invoices.append(invoice)
    for position, invoice in enumerate(invoices):
        latest = position == len(invoices) - 1
        paid, paid_on = invoice["total"], invoice["posting_date"]
        low, high = DAYS_TO_PAY[mode]
        paid_on += dt.timedelta(days=rng.randint(low, high))
        if client.payer == "delinquent" or (client.payer == "late" and latest):
            paid = Decimal(0)
        elif client.payer == "partial" and latest:
            paid = (invoice["total"] / 2).quantize(Decimal(1))
            paid_on = min(paid_on, ctx.today)
        if paid_on > ctx.today:
            paid = Decimal(0)
        outstanding = invoice["total"] - paid
        invoice["outstanding_amount"] = outstanding
        invoice["status"] = _status(invoice, paid, outstanding, ctx.today).value
        if paid > 0:
            _payment(ctx, client, invoice, paid, paid_on, mode)
    for invoice in invoices:
        store.add(SalesInvoice, invoice)


def _invoice(
    ctx: Context, client: Client, subs: list[Row], period: tuple[dt.date, dt.date]
) -> Row | None:
    """One period's invoice, with its lines and ledger voucher; None when nothing is due."""
    store = ctx.store
    charges: list[tuple[int, int | None, int, Decimal, Decimal]] = []  # item, sub, qty, rate, sum
    by_id = ctx.items_by_id
    for sub in subs:
        amount = prorated(
            sub["rate"],
            sub["qty"],
            period=period,
            active_from=sub["start_date"],
            active_to=sub["end_date"],
        )
        if amount > 0:
            charges.append((sub["item_id"], sub["id"], sub["qty"], sub["rate"], amount))
    if client.stage == "new" and period[0] <= client.since <= period[1]:
        for code in ("INSTALL", "ACTIVATION") if client.commercial else ("INSTALL",):
            item = ctx.items[code]
            charges.append((item.id, None, 1, item.price, item.price))
    if not charges:
        return None
    invoice_id = store.new_id(SalesInvoice)
    revenue: dict[str, Decimal] = {}
    for item_id, sub_id, qty, rate, amount in charges:
        item = by_id[item_id]
        revenue[item.code] = revenue.get(item.code, Decimal(0)) + amount
        store.add(
            SalesInvoiceLine,
            {
                "id": store.new_id(SalesInvoiceLine),
                "invoice_id": invoice_id,
                "item_id": item_id,
                "subscription_id": sub_id,
                "description": item.label(client.language),
                "qty": qty,
                "rate": rate,
                "amount": amount,
                "taxable": True,
            },
        )
    subtotal = sum(revenue.values(), Decimal(0))
    gst, qst = quebec_taxes(subtotal)
    name = store.new_name(SalesInvoice)
    store.vouchers.append(
        ledger.invoice_voucher(
            name=name,
            posting_date=period[0],
            customer_id=client.id,
            revenue_by_item=revenue,
            gst=gst,
            qst=qst,
        )
    )
    posted = ctx.at(period[0], 5)
    return {
        "id": invoice_id,
        "name": name,
        "customer_id": client.id,
        "status": InvoiceStatus.unpaid.value,
        "posting_date": period[0],
        "due_date": period[0] + PAYMENT_TERMS,
        "period_start": period[0],
        "period_end": period[1],
        "currency": "CAD",
        "subtotal": subtotal,
        "taxable_subtotal": subtotal,
        "gst": gst,
        "qst": qst,
        "total": subtotal + gst + qst,
        "outstanding_amount": subtotal + gst + qst,
        "created_at": posted,
        "updated_at": posted,
    }


def _status(invoice: Row, paid: Decimal, outstanding: Decimal, today: dt.date) -> InvoiceStatus:
    """What billing (paid, partly paid) and then dunning (overdue) would have set by today."""
    if outstanding == 0:
        return InvoiceStatus.paid
    if invoice["due_date"] < today:
        return InvoiceStatus.overdue
    return InvoiceStatus.partly_paid if paid > 0 else InvoiceStatus.unpaid


def _reference(ctx: Context, mode: PaymentMode) -> str | None:
    """The processor's id: a Stripe payment intent, an Interac or a wire reference."""
    rng = ctx.rng
    if mode in (PaymentMode.preauthorized, PaymentMode.card):
        return ctx.unique(lambda: "pi_3" + "".join(ALPHANUMERIC[b % 62] for b in rng.randbytes(23)))
    if mode is PaymentMode.interac:
        return ctx.unique(lambda: "CA" + "".join(UPPERCASE[b % 26] for b in rng.randbytes(10)))
    if mode is PaymentMode.bank_transfer:
        return ctx.unique(lambda: f"VIR-{rng.randrange(10**10):010d}")
    return None


def _payment(
    ctx: Context, client: Client, invoice: Row, amount: Decimal, day: dt.date, mode: PaymentMode
) -> None:
    store = ctx.store
    name = store.new_name(PaymentEntry)
    created = ctx.at(day, ctx.rng.randint(7, 21), ctx.rng.randint(0, 59))
    store.add(
        PaymentEntry,
        {
            "id": store.new_id(PaymentEntry),
            "name": name,
            "customer_id": client.id,
            "invoice_id": invoice["id"],
            "posting_date": day,
            "amount": amount,
            "mode": mode.value,
            "reference": _reference(ctx, mode),
            "created_at": created,
            "updated_at": created,
        },
    )
    invoice["updated_at"] = max(invoice["updated_at"], created)
    store.vouchers.append(
        ledger.payment_voucher(
            name=name, posting_date=day, customer_id=client.id, amount=amount, mode=mode
        )
    )
