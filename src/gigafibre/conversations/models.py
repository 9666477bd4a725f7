"""Tables of the conversations capability: ticket tags, attachments and canned replies."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gigafibre.core.db import Base, Timestamped, utcnow
from gigafibre.core.types import UTCDateTime


class TicketTag(Base):
    """A label on a ticket ("panne", "facturation"); the inbox filters on it."""

    __tablename__ = "hd_ticket_tag"
    __table_args__ = (UniqueConstraint("ticket_id", "tag", name="uq_hd_ticket_tag"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("hd_ticket.id", ondelete="CASCADE"))
    tag: Mapped[str] = mapped_column(String(40), index=True)


class CommunicationAttachment(Base):
    """A file that came with a message; the bytes live in the data dir under `stored_as`."""

    __tablename__ = "communication_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    communication_id: Mapped[int] = mapped_column(
        ForeignKey("communication.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    stored_as: Mapped[str] = mapped_column(String(80), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CannedReply(Timestamped, Base):
    """A ready answer staff pick in the reply box, in one language."""

    __tablename__ = "canned_reply"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    language: Mapped[str] = mapped_column(String(2), default="fr")
    body: Mapped[str] = mapped_column(Text)
