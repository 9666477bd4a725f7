"""The customer's whole picture for the ops page and the API: one query per kind of document."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.billing import service as billing
from gigafibre.core.i18n import format_money
from gigafibre.customers import schemas
from gigafibre.customers.models import TimelineEntry
from gigafibre.customers.service import get_customer, to_public
from gigafibre.dispatch import service as dispatch
from gigafibre.equipment import service as equipment
from gigafibre.tickets import service as tickets


async def customer_detail(session: AsyncSession, *, name: str) -> schemas.CustomerDetail:
    """Everything staff see on the customer page, one query per kind of document."""
    customer = await get_customer(session, name=name)
    subscriptions = await billing.subscriptions_for_customer(session, customer_id=customer.id)
    invoices = await billing.invoices_for_customer(session, customer_id=customer.id)
    balance = await billing.customer_balance(session, customer_id=customer.id)
    payments = await billing.payments_for_customer(session, customer_id=customer.id)
    credits = await billing.credits_for_customer(session, customer_id=customer.id)
    ticket_rows = await tickets.tickets_for_customer(session, customer_id=customer.id)
    gear = await equipment.equipment_for_customer(session, customer_id=customer.id)
    jobs = await dispatch.jobs_for_customer(session, customer_id=customer.id)
    entries = (
        await session.scalars(
            select(TimelineEntry)
            .where(TimelineEntry.customer_id == customer.id)
            .order_by(TimelineEntry.created_at.desc())
            .limit(50)
        )
    ).all()
    timeline = [
        schemas.TimelineRow(
            at=entry.created_at,
            kind=entry.kind,
            summary=entry.summary,
            actor=entry.actor,
            reference=entry.reference,
        )
        for entry in entries
    ]
    timeline += [
        schemas.TimelineRow(
            at=ticket.opened_at,
            kind="ticket.opened",
            summary=ticket.subject,
            actor="",
            reference=ticket.name,
        )
        for ticket in ticket_rows
    ]
    timeline += [
        schemas.TimelineRow(
            at=invoice.created_at,
            kind="invoice.issued",
            summary=format_money(invoice.total),
            actor="",
            reference=invoice.name,
        )
        for invoice in invoices
    ]
    timeline.sort(key=lambda row: row.at.timestamp(), reverse=True)
    public = to_public(customer)
    return schemas.CustomerDetail(
        **public.model_dump(),
        subscriptions=[
            schemas.SubscriptionRow(
                name=sub.name,
                item_code=item.item_code,
                description=item.label(customer.language),
                qty=sub.qty,
                rate=sub.rate,
                status=sub.status,
                start_date=sub.start_date,
                end_date=sub.end_date,
            )
            for sub, item in subscriptions
        ],
        invoices=[
            schemas.InvoiceRow(
                name=inv.name,
                posting_date=inv.posting_date,
                due_date=inv.due_date,
                total=inv.total,
                outstanding_amount=inv.outstanding_amount,
                status=inv.status,
            )
            for inv in invoices
        ],
        payments=[
            schemas.PaymentRow(
                name=p.name,
                posting_date=p.posting_date,
                amount=p.amount,
                refunded_amount=p.refunded_amount,
                mode=p.mode,
                reference=p.reference,
            )
            for p in payments
        ],
        credits=[
            schemas.CreditRow(
                name=c.name,
                posting_date=c.posting_date,
                amount=c.amount,
                remaining=c.remaining,
                reason=c.reason,
                note=c.note,
            )
            for c in credits
        ],
        balance=balance,
        tickets=[
            schemas.TicketRow(
                name=t.name,
                subject=t.subject,
                status=t.status,
                priority=t.priority,
                channel=t.channel,
                opened_at=t.opened_at,
            )
            for t in ticket_rows
        ],
        equipment=[
            schemas.EquipmentRow(
                name=eq.name,
                equipment_type=eq.equipment_type,
                vendor=eq.vendor,
                model=eq.model,
                serial_number=eq.serial_number,
                mac_address=eq.mac_address,
                status=eq.status,
            )
            for eq in gear
        ],
        jobs=[
            schemas.JobRow(
                name=job.name,
                job_type=job.job_type,
                subject=job.subject,
                status=job.status,
                scheduled_date=job.scheduled_date,
                technician=technician,
            )
            for job, technician in jobs
        ],
        timeline=timeline[:60],
    )
