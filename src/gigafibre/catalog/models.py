"""Items (plans, equipment, fees), and the sales path: Lead -> Quotation -> Customer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gigafibre.core.db import Base, Timestamped
from gigafibre.core.money import Money
from gigafibre.core.types import UTCDateTime, enum_column


class ItemGroup(StrEnum):
    plan = "plan"
    equipment = "equipment"
    fee = "fee"
    service = "service"


class BillingInterval(StrEnum):
    once = "once"
    month = "month"
    year = "year"


class Item(Timestamped, Base):
    """Something we sell. Plans bill every interval; fees and equipment once."""

    __tablename__ = "item"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_code: Mapped[str] = mapped_column(String(40), unique=True)
    item_group: Mapped[ItemGroup] = mapped_column(enum_column(ItemGroup, "item_group"))
    name_fr: Mapped[str] = mapped_column(String(140))
    name_en: Mapped[str] = mapped_column(String(140))
    description_fr: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    price: Mapped[Decimal] = mapped_column(Money)
    billing_interval: Mapped[BillingInterval] = mapped_column(
        enum_column(BillingInterval, "billing_interval"), default=BillingInterval.month
    )
    taxable: Mapped[bool] = mapped_column(Boolean, default=True)
    download_mbps: Mapped[int | None] = mapped_column(Integer)
    upload_mbps: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def label(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_fr


class LeadStatus(StrEnum):
    new = "new"
    quoted = "quoted"
    converted = "converted"
    lost = "lost"


class Lead(Timestamped, Base):
    __tablename__ = "lead"
    naming_series: ClassVar[tuple[str, int]] = ("LEAD-", 6)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20), unique=True)
    full_name: Mapped[str] = mapped_column(String(140))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(2), default="fr")
    address: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[LeadStatus] = mapped_column(
        enum_column(LeadStatus, "lead_status"), default=LeadStatus.new
    )
    source: Mapped[str] = mapped_column(String(40), default="website")
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customer.id", ondelete="SET NULL"), index=True
    )


class QuotationStatus(StrEnum):
    draft = "draft"
    sent = "sent"
    accepted = "accepted"
    expired = "expired"


class Quotation(Timestamped, Base):
    __tablename__ = "quotation"
    naming_series: ClassVar[tuple[str, int]] = ("QTN-", 6)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20), unique=True)
    lead_id: Mapped[int | None] = mapped_column(
        ForeignKey("lead.id", ondelete="SET NULL"), index=True
    )
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customer.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[QuotationStatus] = mapped_column(
        enum_column(QuotationStatus, "quotation_status"), default=QuotationStatus.draft
    )
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    subtotal: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    gst: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    qst: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    total: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    accepted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    acceptance_ip: Mapped[str | None] = mapped_column(String(45))
    acceptance_hash: Mapped[str | None] = mapped_column(String(64))


class QuotationLine(Base):
    __tablename__ = "quotation_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    quotation_id: Mapped[int] = mapped_column(
        ForeignKey("quotation.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="RESTRICT"), index=True)
    description: Mapped[str] = mapped_column(String(300))
    qty: Mapped[int] = mapped_column(Integer, default=1)
    rate: Mapped[Decimal] = mapped_column(Money)
    amount: Mapped[Decimal] = mapped_column(Money)
    taxable: Mapped[bool] = mapped_column(Boolean, default=True)
