"""What a customer asked to receive, read by whoever sends it (billing, dunning, dispatch).

The portal's account page writes `NotificationPreference`; a customer who never chose has no
row and gets everything, as before the page existed.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.portal.models import NotificationPreference


class Notice(StrEnum):
    invoice_email = "invoices_by_email"
    reminder_sms = "reminders_by_sms"
    appointment_sms = "appointments_by_sms"


async def customer_wants(session: AsyncSession, customer_id: int, notice: Notice) -> bool:
    found = await session.get(NotificationPreference, customer_id)
    return True if found is None else bool(getattr(found, notice.value))
