"""Contract acceptance (spec acceptance.js) and what follows it: the customer, their service
location, subscriptions, first invoice and installation job; then, once paid, the appointment.

Acceptance is recorded on the Quotation (time, IP, SHA-256 of the exact text) only if the text
the customer saw hashes to the text we would show now: a changed quotation or a forged hash is
refused before anything is created.
"""

from __future__ import annotations

import datetime as dt
import hmac
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.billing import ledger
from gigafibre.billing.cycle import PAYMENT_TERMS, period_containing, prorated
from gigafibre.billing.models import InvoiceStatus, SalesInvoice, SalesInvoiceLine, Subscription
from gigafibre.catalog.models import Lead, LeadStatus, QuotationStatus
from gigafibre.core.db import utcnow
from gigafibre.core.errors import ConflictError, DomainError
from gigafibre.core.events import emit
from gigafibre.core.i18n import N_
from gigafibre.core.money import quebec_taxes, to_money
from gigafibre.core.naming import assign_name
from gigafibre.customers import schemas as customer_schemas
from gigafibre.customers import service as customers
from gigafibre.customers.models import Customer, Language
from gigafibre.dispatch import service as dispatch
from gigafibre.dispatch.models import DispatchJob
from gigafibre.dispatch.notifications import notify_assignment
from gigafibre.dispatch.travel import TravelProvider
from gigafibre.notify import service as notify
from gigafibre.settings import Settings
from gigafibre.signup import referral, slots
from gigafibre.signup.contract import text_hash
from gigafibre.signup.models import OrderStatus, SignupOrder
from gigafibre.signup.service import contract_of, is_monthly, quote_parts

CHANGED = N_("The contract changed since it was shown. Read it again before accepting.")
MUST_AGREE = N_("Check the box to accept the contract.")
ALREADY = N_("This contract was already accepted.")
FIRST_INSTALL_DELAY = dt.timedelta(days=7)
log = structlog.get_logger("gigafibre.signup")


@dataclass(frozen=True)
class Accepted:
    order: SignupOrder
    customer: Customer
    job: DispatchJob
    invoice: SalesInvoice | None


async def _first_invoice(
    session: AsyncSession, *, customer: Customer, order: SignupOrder, start: dt.date
) -> SalesInvoice | None:
    """One-time fees and the first (prorated) month, billed now; the billing run skips it."""
    _lead, _quotation, lines = await quote_parts(session, order)
    period = period_containing(customer.billing_day, start)
    subscriptions = {
        s.item_id: s
        for s in await session.scalars(
            select(Subscription).where(Subscription.customer_id == customer.id)
        )
    }
    drafts: list[SalesInvoiceLine] = []
    revenue: dict[str, Decimal] = defaultdict(Decimal)
    taxable = Decimal(0)
    for line, item in lines:
        if is_monthly(item):
            amount = prorated(line.rate, line.qty, period=period, active_from=start, active_to=None)
        else:
            amount = to_money(line.rate * line.qty)
        if amount <= 0:
            continue
        subscription = subscriptions.get(item.id)
        drafts.append(
            SalesInvoiceLine(
                item_id=item.id,
                subscription_id=subscription.id if subscription else None,
                description=line.description,
                qty=line.qty,
                rate=line.rate,
                amount=amount,
                taxable=line.taxable,
            )
        )
        revenue[item.item_code] += amount
        taxable += amount if line.taxable else Decimal(0)
    if not drafts:
        return None
    subtotal = sum(revenue.values(), Decimal(0))
    gst, qst = quebec_taxes(taxable)
    today = dt.date.today()
    invoice = SalesInvoice(
        customer_id=customer.id,
        status=InvoiceStatus.unpaid,
        posting_date=today,
        due_date=today + PAYMENT_TERMS,
        period_start=period[0],
        period_end=period[1],
        subtotal=subtotal,
        taxable_subtotal=taxable,
        gst=gst,
        qst=qst,
        total=subtotal + gst + qst,
        outstanding_amount=subtotal + gst + qst,
    )
    await assign_name(session, invoice)
    session.add(invoice)
    await session.flush()
    for draft in drafts:
        draft.invoice_id = invoice.id
        session.add(draft)
    await ledger.post(
        session,
        [
            ledger.invoice_voucher(
                name=invoice.name,
                posting_date=today,
                customer_id=customer.id,
                revenue_by_item=dict(revenue),
                gst=gst,
                qst=qst,
            )
        ],
    )
    await emit(
        session,
        "invoice.issued",
        {"invoice": invoice.name, "customer": customer.name, "total": str(invoice.total)},
        topics=[f"customer:{customer.name}"],
    )
    return invoice


async def accept(
    session: AsyncSession,
    *,
    order: SignupOrder,
    given_hash: str,
    ip: str,
    actor: str,
    company: str,
) -> Accepted:
    """Record acceptance of the exact text, then create everything the order needs."""
    quotation, text = await contract_of(session, order, company=company)
    if quotation.status is QuotationStatus.accepted or order.status is not OrderStatus.quoted:
        raise ConflictError(ALREADY)
    if not hmac.compare_digest(text_hash(text).encode(), given_hash.strip().lower().encode()):
        raise ConflictError(CHANGED, fields={"text_hash": CHANGED})
    lead = await session.get(Lead, order.lead_id)
    assert lead is not None
    hold = await slots.hold_of(session, order)
    start = (
        hold.start.astimezone(slots.LOCAL_TZ).date()
        if hold is not None
        else dt.date.today() + FIRST_INSTALL_DELAY
    )
    customer = await customers.create_customer(
        session,
        data=customer_schemas.CustomerCreate(
            customer_name=lead.full_name,
            language=Language(lead.language),
            email=lead.email,
            phone=lead.phone,
            billing_day=min(start.day, 28),
            location=customer_schemas.LocationInput(
                civic_number=order.civic_number,
                street=order.street,
                unit=order.unit,
                city=order.city,
                postal_code=order.postal_code,
                latitude=order.latitude,
                longitude=order.longitude,
                olt_name=order.olt_name,
                pon_port=order.pon_port,
            ),
        ),
        actor=actor,
    )
    location = customer.locations[0]
    now = utcnow()
    quotation.status = QuotationStatus.accepted
    quotation.accepted_at = now
    quotation.acceptance_ip = ip[:45]
    quotation.acceptance_hash = text_hash(text)
    quotation.customer_id = customer.id
    lead.status = LeadStatus.converted
    lead.customer_id = customer.id
    order.contract_text = text
    order.accepted_by = actor[:80]
    order.customer_id = customer.id
    _lead, _quotation, lines = await quote_parts(session, order)
    for line, item in lines:
        if not is_monthly(item):
            continue
        subscription = Subscription(
            customer_id=customer.id,
            service_location_id=location.id,
            item_id=item.id,
            qty=line.qty,
            rate=line.rate,
            start_date=start,
        )
        await assign_name(session, subscription)
        session.add(subscription)
    await session.flush()
    await referral.reward(session, order=order, customer=customer)
    job = await dispatch.create_job(
        session,
        job_type=slots.INSTALL_JOB,
        subject=f"Installation {customer.customer_name}",
        customer_id=customer.id,
        service_location_id=location.id,
        notes=f"{order.name} / {quotation.name}",
        tags=["signup"],
    )
    invoice = await _first_invoice(session, customer=customer, order=order, start=start)
    order.job_id = job.id
    order.invoice_id = invoice.id if invoice else None
    order.status = OrderStatus.accepted
    await session.flush()
    await emit(
        session,
        "order.accepted",
        {
            "order": order.name,
            "customer": customer.name,
            "quotation": quotation.name,
            "job": job.name,
            "invoice": invoice.name if invoice else None,
            "actor": actor,
        },
        topics=[f"customer:{customer.name}"],
    )
    await _send_copy(session, customer=customer, order=order, text=text, company=company)
    return Accepted(order, customer, job, invoice)


async def _send_copy(
    session: AsyncSession, *, customer: Customer, order: SignupOrder, text: str, company: str
) -> None:
    """The customer keeps a copy of what they accepted (by email, else a receipt by SMS)."""
    context = {
        "order": order.name,
        "contract": text,
        "fingerprint": text_hash(text),
        "customer_name": customer.customer_name,
        "company_name": company,
    }
    key = f"signup-contract:{order.name}"
    if customer.email:
        await notify.queue_email(
            session,
            to=customer.email,
            template="contract_accepted",
            language=customer.language,
            context=context,
            reference=order.name,
            dedupe_key=key,
        )
    elif customer.phone:
        await notify.queue_sms(
            session,
            to=customer.phone,
            template="contract_accepted",
            language=customer.language,
            context=context,
            reference=order.name,
            dedupe_key=key,
        )


async def on_order_paid(
    session: AsyncSession, *, invoice_name: str, travel: TravelProvider, settings: Settings
) -> SignupOrder | None:
    """`payment.received` for an order's first invoice: book the held slot as the appointment.

    Idempotent (events are delivered at least once): a paid order is left as it is.
    """
    order = await session.scalar(
        select(SignupOrder)
        .join(SalesInvoice, SalesInvoice.id == SignupOrder.invoice_id)
        .where(SalesInvoice.name == invoice_name)
        .with_for_update(of=SignupOrder)
    )
    if order is None or order.status is not OrderStatus.accepted:
        return None
    invoice = await session.get(SalesInvoice, order.invoice_id)
    if invoice is None or invoice.outstanding_amount > 0:
        return None
    job = await session.get(DispatchJob, order.job_id) if order.job_id else None
    customer = await session.get(Customer, order.customer_id) if order.customer_id else None
    if job is None or customer is None:
        return None
    order.status = OrderStatus.paid
    try:
        async with session.begin_nested():
            hold = await slots.confirm_hold(session, order=order, job=job, travel=travel)
    except DomainError as error:  # e.g. the technician was marked absent meanwhile
        log.warning("signup.slot_not_confirmed", order=order.name, error=error.message)
        hold = None
    topics = [f"customer:{customer.name}", "dispatch"]
    if hold is None:
        await emit(
            session,
            "installation.to_schedule",
            {"customer": customer.name, "job": job.name, "order": order.name},
            topics=topics,
        )
        return order
    tech = await dispatch.technician_by_id(session, job.technician_id)
    if tech is not None:
        await notify_assignment(session, job=job, tech=tech, settings=settings)
    await emit(
        session,
        "installation.scheduled",
        {
            "customer": customer.name,
            "job": job.name,
            "order": order.name,
            "start": hold.start.isoformat(),
            "end": hold.end.isoformat(),
        },
        topics=topics,
    )
    return order
