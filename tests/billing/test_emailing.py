from __future__ import annotations

import base64
import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.billing import cycle, service
from gigafibre.billing.emailing import email_new_invoices
from gigafibre.core.outbox import OutboxMessage
from tests.billing.conftest import make_customer, make_item, subscribe

COMPANY = service.Company("Gigafibre", "Québec", "123456789 RT0001", "1234567890 TQ0001")


async def test_new_invoices_are_emailed_once_with_their_pdf(session: AsyncSession) -> None:
    plan = await make_item(session, "E-PLAN", "80.00")
    customer = await make_customer(session, billing_day=1)
    customer.email = "client.facture@example.ca"
    customer.language = "en"
    silent = await make_customer(session, billing_day=1)
    for someone in (customer, silent):
        await subscribe(session, someone, plan, dt.date(2026, 1, 1))
    await cycle.run_billing(session, as_of=dt.date.today())
    assert await email_new_invoices(session, company=COMPANY, portal_url="https://x") >= 2
    assert await email_new_invoices(session, company=COMPANY, portal_url="https://x") == 0
    sent = (
        await session.scalars(
            select(OutboxMessage).where(OutboxMessage.recipient == "client.facture@example.ca")
        )
    ).all()
    assert len(sent) == 1
    attachment = sent[0].payload["attachments"][0]
    assert attachment["content_type"] == "application/pdf"
    assert base64.b64decode(attachment["data"]).startswith(b"%PDF")
    assert "Invoice" in sent[0].subject or "invoice" in sent[0].body
