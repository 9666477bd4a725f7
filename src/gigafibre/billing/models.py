"""Subscriptions, Sales Invoices (with GST/QST) and Payment Entries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from gigafibre.core.db import Base, Timestamped
from gigafibre.core.money import Money
from gigafibre.core.types import UTCDateTime, enum_column


class SubscriptionStatus(StrEnum):
    active = "active"
    paused = "paused"
    cancelled = "cancelled"


class Subscription(Timestamped, Base):
    __tablename__ = "subscription"
    naming_series: ClassVar[tuple[str, int]] = ("SUB-", 6)
    __table_args__ = (CheckConstraint("qty > 0", name="qty_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20), unique=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="RESTRICT"), index=True
    )
    service_location_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_location.id", ondelete="SET NULL"), index=True
    )
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="RESTRICT"), index=True)
    qty: Mapped[int] = mapped_column(Integer, default=1)
    rate: Mapped[Decimal] = mapped_column(Money)
    status: Mapped[SubscriptionStatus] = mapped_column(
        enum_column(SubscriptionStatus, "subscription_status"), default=SubscriptionStatus.active
    )
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)


class InvoiceStatus(StrEnum):
    draft = "draft"
    unpaid = "unpaid"
    partly_paid = "partly_paid"
    paid = "paid"
    overdue = "overdue"
    cancelled = "cancelled"


class SalesInvoice(Timestamped, Base):
    __tablename__ = "sales_invoice"
    naming_series: ClassVar[tuple[str, int]] = ("INV-", 7)
    __table_args__ = (
        # One invoice per customer and billing period, even when two billing runs race.
        UniqueConstraint("customer_id", "period_start", name="uq_sales_invoice_period"),
        CheckConstraint("total >= 0", name="total_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20), unique=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="RESTRICT"), index=True
    )
    status: Mapped[InvoiceStatus] = mapped_column(
        enum_column(InvoiceStatus, "invoice_status"), default=InvoiceStatus.draft, index=True
    )
    posting_date: Mapped[dt.date] = mapped_column(Date, index=True)
    due_date: Mapped[dt.date] = mapped_column(Date)
    period_start: Mapped[dt.date | None] = mapped_column(Date)
    period_end: Mapped[dt.date | None] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3), default="CAD")
    subtotal: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    taxable_subtotal: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    gst: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    qst: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    total: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    outstanding_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    credit_applied: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0)
    last_reminder_on: Mapped[dt.date | None] = mapped_column(Date)
    emailed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class SalesInvoiceLine(Base):
    __tablename__ = "sales_invoice_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(
        ForeignKey("sales_invoice.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="RESTRICT"), index=True)
    subscription_id: Mapped[int | None] = mapped_column(
        ForeignKey("subscription.id", ondelete="SET NULL"), index=True
    )
    description: Mapped[str] = mapped_column(String(300))
    qty: Mapped[int] = mapped_column(Integer, default=1)
    rate: Mapped[Decimal] = mapped_column(Money)
    amount: Mapped[Decimal] = mapped_column(Money)
    taxable: Mapped[bool] = mapped_column(Boolean, default=True)


class PaymentMode(StrEnum):
    card = "card"
    preauthorized = "preauthorized"
    interac = "interac"
    cheque = "cheque"
    cash = "cash"
    bank_transfer = "bank_transfer"


class PaymentEntry(Timestamped, Base):
    __tablename__ = "payment_entry"
    naming_series: ClassVar[tuple[str, int]] = ("PE-", 7)
    __table_args__ = (
        UniqueConstraint("reference", name="uq_payment_entry_reference"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20), unique=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="RESTRICT"), index=True
    )
    invoice_id: Mapped[int | None] = mapped_column(
        ForeignKey("sales_invoice.id", ondelete="SET NULL"), index=True
    )
    posting_date: Mapped[dt.date] = mapped_column(Date, index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    mode: Mapped[PaymentMode] = mapped_column(enum_column(PaymentMode, "payment_mode"))
    reference: Mapped[str | None] = mapped_column(String(120))
    refunded_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))


class CreditReason(StrEnum):
    referral = "referral"
    goodwill = "goodwill"
    proration = "proration"
    overpayment = "overpayment"


class CustomerCredit(Timestamped, Base):
    """Money we owe the customer, taken off their next invoice(s)."""

    __tablename__ = "customer_credit"
    naming_series: ClassVar[tuple[str, int]] = ("CR-", 6)
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20), unique=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="RESTRICT"), index=True
    )
    amount: Mapped[Decimal] = mapped_column(Money)
    remaining: Mapped[Decimal] = mapped_column(Money)
    reason: Mapped[CreditReason] = mapped_column(enum_column(CreditReason, "credit_reason"))
    note: Mapped[str] = mapped_column(String(300), default="")
    posting_date: Mapped[dt.date] = mapped_column(Date)


class GLEntry(Base):
    """One side of a double-entry posting; every voucher's entries sum to zero."""

    __tablename__ = "gl_entry"
    __table_args__ = (
        Index("ix_gl_entry_voucher", "voucher_type", "voucher_name"),
        Index("ix_gl_entry_account_date", "account", "posting_date"),
        CheckConstraint("debit >= 0 AND credit >= 0", name="amounts_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    posting_date: Mapped[dt.date] = mapped_column(Date)
    account: Mapped[str] = mapped_column(String(60))
    debit: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    credit: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    voucher_type: Mapped[str] = mapped_column(String(30))
    voucher_name: Mapped[str] = mapped_column(String(30))
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customer.id", ondelete="SET NULL"), index=True
    )
