"""HD Tickets and the Communications that make their threads."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import ClassVar

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from gigafibre.core.db import Base, Timestamped, utcnow
from gigafibre.core.types import UTCDateTime, enum_column


class TicketStatus(StrEnum):
    open = "open"
    replied = "replied"
    paused = "paused"
    resolved = "resolved"
    closed = "closed"


class TicketPriority(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"
    urgent = "urgent"


class Channel(StrEnum):
    sms = "sms"
    email = "email"
    web = "web"
    phone = "phone"


class HDTicket(Timestamped, Base):
    """A support request; the inbox lists tickets by their latest message."""

    __tablename__ = "hd_ticket"
    __table_args__ = (Index("ix_hd_ticket_status_last_message", "status", "last_message_at"),)
    naming_series: ClassVar[tuple[str, int]] = ("TKT-", 6)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20), unique=True)
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customer.id", ondelete="SET NULL"), index=True
    )
    subject: Mapped[str] = mapped_column(String(200))
    status: Mapped[TicketStatus] = mapped_column(
        enum_column(TicketStatus, "ticket_status"), default=TicketStatus.open, index=True
    )
    priority: Mapped[TicketPriority] = mapped_column(
        enum_column(TicketPriority, "ticket_priority"), default=TicketPriority.medium
    )
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, "ticket_channel"))
    assignee: Mapped[str | None] = mapped_column(String(80))
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    first_responded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    last_message_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class Direction(StrEnum):
    inbound = "inbound"
    outbound = "outbound"


class Communication(Base):
    """One message, call or internal note. `external_id` is the provider's id (Twilio sid,
    email Message-ID, 3CX call id): replays are recognised by it, and email threads on it."""

    __tablename__ = "communication"
    __table_args__ = (Index("ix_communication_ticket_created", "ticket_id", "created_at"),)
    naming_series: ClassVar[tuple[str, int]] = ("COM-", 7)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20), unique=True)
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customer.id", ondelete="SET NULL"), index=True
    )
    ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("hd_ticket.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, "communication_channel"))
    direction: Mapped[Direction] = mapped_column(enum_column(Direction, "direction"))
    sender: Mapped[str] = mapped_column(String(254), default="")
    recipient: Mapped[str] = mapped_column(String(254), default="")
    subject: Mapped[str] = mapped_column(String(200), default="")
    content: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="received")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    internal: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    author: Mapped[str] = mapped_column(String(80), default="", server_default="")
    external_id: Mapped[str | None] = mapped_column(String(250), index=True)
    outbox_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_message.id", ondelete="SET NULL")
    )
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
