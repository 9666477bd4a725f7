"""Magic links already used: a link opens one session, once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from gigafibre.core.db import Base, utcnow
from gigafibre.core.types import UTCDateTime


class UsedLink(Base):
    __tablename__ = "used_link"

    token_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    subject: Mapped[str] = mapped_column(String(40))
    used_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)


class NotificationPreference(Base):
    """How a customer wants to hear from us, chosen on the portal account page."""

    __tablename__ = "notification_preference"

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), primary_key=True
    )
    invoices_by_email: Mapped[bool] = mapped_column(Boolean, default=True)
    reminders_by_sms: Mapped[bool] = mapped_column(Boolean, default=True)
    appointments_by_sms: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
