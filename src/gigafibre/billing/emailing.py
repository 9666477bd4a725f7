"""Invoices go out by email, PDF attached, in batches after the run that made them.

A billing run writes thousands of invoices in seconds; rendering a PDF each would slow it, so a
periodic job picks invoices not yet emailed and queues their emails through the outbox.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.billing import service
from gigafibre.billing.invoice_pdf import render_invoice_pdf
from gigafibre.billing.models import InvoiceStatus, SalesInvoice
from gigafibre.core.db import utcnow
from gigafibre.customers.models import Customer
from gigafibre.notify import service as notify
from gigafibre.notify.providers.email import EmailAttachment
from gigafibre.portal.preferences import Notice, customer_wants

BATCH = 200


async def email_new_invoices(
    session: AsyncSession, *, company: service.Company, portal_url: str, limit: int = BATCH
) -> int:
    """Queue the email of each invoice not yet sent; invoices of customers without email, or
    who chose not to get invoices by email, are marked too, so they are not looked at again."""
    rows = (
        await session.execute(
            select(SalesInvoice, Customer)
            .join(Customer, Customer.id == SalesInvoice.customer_id)
            .where(
                SalesInvoice.emailed_at.is_(None),
                SalesInvoice.status.not_in((InvoiceStatus.draft, InvoiceStatus.cancelled)),
                SalesInvoice.posting_date >= dt.date.today() - dt.timedelta(days=35),
            )
            .order_by(SalesInvoice.id)
            .limit(limit)
        )
    ).all()
    for invoice, customer in rows:
        invoice.emailed_at = utcnow()
        if not customer.email or not await customer_wants(
            session, customer.id, Notice.invoice_email
        ):
            continue
        view = await service.invoice_view(session, name=invoice.name, company=company)
        await notify.queue_email(
            session,
            to=customer.email,
            template="invoice_issued",
            language=customer.language,
            context={
                "customer_name": customer.customer_name,
                "invoice": invoice.name,
                "amount": invoice.outstanding_amount,
                "due_date": invoice.due_date,
                "url": f"{portal_url}/portal/invoices/{invoice.name}",
                "company_name": company.name,
            },
            reference=invoice.name,
            attachments=[
                EmailAttachment(f"{invoice.name}.pdf", "application/pdf", render_invoice_pdf(view))
            ],
            dedupe_key=f"invoice-email:{invoice.name}",
        )
    await session.flush()
    return len(rows)
