"""What customers turn off on their account page is not sent: invoice emails, reminder SMS,
appointment SMS (tested with the board, tests/dispatch/test_assign_api.py). A customer who
never chose gets everything."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.billing import cycle, dunning, service
from gigafibre.billing.emailing import email_new_invoices
from gigafibre.billing.models import SalesInvoice
from gigafibre.core.events import EventRecord
from gigafibre.core.outbox import OutboxMessage
from gigafibre.flows import schemas as flow_schemas
from gigafibre.flows.service import DEFAULT_TEMPLATES
from gigafibre.flows.steps import conditions_hold
from gigafibre.portal.models import NotificationPreference
from tests.billing.conftest import make_customer, make_item, subscribe

COMPANY = service.Company("Gigafibre", "Québec", "123456789 RT0001", "1234567890 TQ0001")


def _prefer(customer_id: int, **choices: bool) -> NotificationPreference:
    values = {"invoices_by_email": True, "reminders_by_sms": True, "appointments_by_sms": True}
    return NotificationPreference(customer_id=customer_id, **{**values, **choices})


async def test_no_invoice_email_for_a_customer_who_turned_it_off(session: AsyncSession) -> None:
    plan = await make_item(session, "PREF-PLAN", "80.00")
    wants = await make_customer(session, billing_day=1)
    wants.email = "veut@example.ca"
    declines = await make_customer(session, billing_day=1)
    declines.email = "refuse@example.ca"
    session.add(_prefer(declines.id, invoices_by_email=False))
    for someone in (wants, declines):
        await subscribe(session, someone, plan, dt.date(2026, 1, 1))
    await cycle.run_billing(session, as_of=dt.date.today())
    await email_new_invoices(session, company=COMPANY, portal_url="https://x")
    recipients = set((await session.scalars(select(OutboxMessage.recipient))).all())
    assert "veut@example.ca" in recipients
    assert "refuse@example.ca" not in recipients
    marked = await session.scalar(
        select(SalesInvoice.emailed_at).where(SalesInvoice.customer_id == declines.id)
    )
    assert marked is not None  # looked at once, never again


async def test_the_reminder_flow_skips_customers_who_turned_reminder_sms_off(
    session: AsyncSession,
) -> None:
    plan = await make_item(session, "PREF-LATE", "50.00")
    customer = await make_customer(session, billing_day=1)
    session.add(_prefer(customer.id, reminders_by_sms=False))
    await subscribe(session, customer, plan, dt.date(2026, 1, 1))
    await cycle.run_billing(session, as_of=dt.date(2026, 10, 1))
    await dunning.run_dunning(session, today=dt.date(2026, 10, 23))
    overdue = await session.scalar(select(EventRecord).where(EventRecord.name == "invoice.overdue"))
    assert overdue is not None
    assert overdue.payload["reminders_by_sms"] is False
    template = next(t for t in DEFAULT_TEMPLATES if t["name"] == "on_invoice_overdue")
    conditions = [flow_schemas.Condition(**c) for c in template["conditions"]]
    assert not conditions_hold(conditions, {"event": overdue.payload})
    assert conditions_hold(conditions, {"event": {**overdue.payload, "reminders_by_sms": True}})
