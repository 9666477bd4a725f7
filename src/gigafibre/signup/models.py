"""Tables of the sign-up path: OTP challenges, orders, installation slot holds and referrals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gigafibre.core.db import Base, Timestamped, utcnow
from gigafibre.core.money import Money
from gigafibre.core.types import UTCDateTime, enum_column


class OtpChallenge(Base):
    """A 6-digit code sent to an email or phone; only its HMAC is kept."""

    __tablename__ = "otp_challenge"
    __table_args__ = (Index("ix_otp_challenge_destination_created", "destination", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    destination: Mapped[str] = mapped_column(String(254))  # E.164 phone or lowercase email
    channel: Mapped[str] = mapped_column(String(10))  # sms | email
    code_hash: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    verified_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class OrderStatus(StrEnum):
    quoted = "quoted"
    accepted = "accepted"
    paid = "paid"
    cancelled = "cancelled"


class SignupOrder(Timestamped, Base):
    """A web order: the lead, its quotation, the address, and after acceptance the customer."""

    __tablename__ = "signup_order"
    naming_series: ClassVar[tuple[str, int]] = ("ORD-", 6)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20), unique=True)
    status: Mapped[OrderStatus] = mapped_column(
        enum_column(OrderStatus, "signup_order_status"), default=OrderStatus.quoted, index=True
    )
    lead_id: Mapped[int] = mapped_column(ForeignKey("lead.id", ondelete="RESTRICT"), index=True)
    quotation_id: Mapped[int] = mapped_column(
        ForeignKey("quotation.id", ondelete="RESTRICT"), unique=True
    )
    address_id: Mapped[int | None] = mapped_column(Integer)  # the H-ADDR address, if any
    civic_number: Mapped[str] = mapped_column(String(12))
    street: Mapped[str] = mapped_column(String(140))
    unit: Mapped[str] = mapped_column(String(20), default="")
    city: Mapped[str] = mapped_column(String(80))
    postal_code: Mapped[str] = mapped_column(String(7))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    olt_name: Mapped[str] = mapped_column(String(60), default="")
    pon_port: Mapped[str] = mapped_column(String(20), default="")
    referral_code: Mapped[str | None] = mapped_column(String(12))
    created_ip: Mapped[str] = mapped_column(String(45), default="")
    contract_text: Mapped[str] = mapped_column(Text, default="")  # the exact text accepted
    accepted_by: Mapped[str] = mapped_column(String(80), default="")  # "customer" or staff
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customer.id", ondelete="SET NULL"), index=True
    )
    job_id: Mapped[int | None] = mapped_column(
        ForeignKey("dispatch_job.id", ondelete="SET NULL"), index=True
    )
    invoice_id: Mapped[int | None] = mapped_column(
        ForeignKey("sales_invoice.id", ondelete="SET NULL"), index=True
    )


class SlotHold(Base):
    """An installation slot kept for an order for 15 minutes while the customer pays."""

    __tablename__ = "slot_hold"
    __table_args__ = (Index("ix_slot_hold_tech_start", "technician_id", "start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(
        ForeignKey("signup_order.id", ondelete="CASCADE"), unique=True
    )
    technician_id: Mapped[int] = mapped_column(ForeignKey("technician.id", ondelete="CASCADE"))
    start: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    end: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class ReferralCode(Base):
    """Each customer's code to share; made on first need."""

    __tablename__ = "referral_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), unique=True
    )
    code: Mapped[str] = mapped_column(String(12), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ReferralUse(Base):
    """A code used by a new customer: each new customer (and each address) is referred once."""

    __tablename__ = "referral_use"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_code_id: Mapped[int] = mapped_column(
        ForeignKey("referral_code.id", ondelete="CASCADE"), index=True
    )
    referee_customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), unique=True
    )
    order_id: Mapped[int] = mapped_column(
        ForeignKey("signup_order.id", ondelete="CASCADE"), unique=True
    )
    address_key: Mapped[str] = mapped_column(String(200), unique=True)
    credit: Mapped[Decimal] = mapped_column(Money)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
