"""Tables of card payments: webhook events seen, saved cards, PPA attempts, disputes, sandbox.

`processed_webhook_event` makes each provider event count once (unique provider + event id);
`payment_attempt` makes each pre-authorised charge attempt happen once (unique invoice +
attempt number, which is also the gateway's idempotency key).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gigafibre.core.db import Base, Timestamped, utcnow
from gigafibre.core.money import Money
from gigafibre.core.types import UTCDateTime, enum_column


class ProcessedWebhookEvent(Base):
    """An incoming provider event already handled: a replay finds its row and does nothing."""

    __tablename__ = "processed_webhook_event"
    __table_args__ = (UniqueConstraint("provider", "event_id", name="uq_webhook_event"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(20))
    event_id: Mapped[str] = mapped_column(String(255))
    event_type: Mapped[str] = mapped_column(String(80))
    outcome: Mapped[str] = mapped_column(String(20), default="processed")
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PaymentAccount(Timestamped, Base):
    """A customer at the payment provider (`cus_…`) and the card saved for PPA, if any."""

    __tablename__ = "payment_account"
    __table_args__ = (UniqueConstraint("customer_id", "provider", name="uq_payment_account"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), index=True
    )
    provider: Mapped[str] = mapped_column(String(20))
    provider_customer_id: Mapped[str] = mapped_column(String(255), index=True)
    payment_method_id: Mapped[str | None] = mapped_column(String(255))
    card_brand: Mapped[str] = mapped_column(String(20), default="")
    card_last4: Mapped[str] = mapped_column(String(4), default="")
    card_exp_month: Mapped[int | None] = mapped_column(Integer)
    card_exp_year: Mapped[int | None] = mapped_column(Integer)
    ppa_enabled: Mapped[bool] = mapped_column(Boolean, default=True)


class AttemptStatus(StrEnum):
    pending = "pending"  # the provider is still working on it (processing, 3-D Secure)
    succeeded = "succeeded"
    failed = "failed"


class PaymentAttempt(Timestamped, Base):
    """One off-session charge of a saved card for one invoice (attempt 1, 2, 3 …)."""

    __tablename__ = "payment_attempt"
    __table_args__ = (UniqueConstraint("invoice_id", "attempt", name="uq_payment_attempt"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(
        ForeignKey("sales_invoice.id", ondelete="CASCADE"), index=True
    )
    attempt: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(Money)
    status: Mapped[AttemptStatus] = mapped_column(
        enum_column(AttemptStatus, "payment_attempt_status"), default=AttemptStatus.pending
    )
    payment_intent_id: Mapped[str | None] = mapped_column(String(255), index=True)
    error_code: Mapped[str] = mapped_column(String(80), default="")
    charged_on: Mapped[dt.date | None] = mapped_column(Date)
    next_retry_on: Mapped[dt.date | None] = mapped_column(Date, index=True)


class PaymentDispute(Timestamped, Base):
    """A chargeback opened by the card holder's bank; staff answer it at the provider."""

    __tablename__ = "payment_dispute"

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[str] = mapped_column(String(255), unique=True)
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customer.id", ondelete="SET NULL"), index=True
    )
    payment_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("payment_entry.id", ondelete="SET NULL"), index=True
    )
    payment_intent_id: Mapped[str] = mapped_column(String(255), default="")
    amount: Mapped[Decimal] = mapped_column(Money)
    reason: Mapped[str] = mapped_column(String(60), default="")
    status: Mapped[str] = mapped_column(String(40), default="")


class SandboxMode(StrEnum):
    payment = "payment"
    setup = "setup"
    portal = "portal"


class SandboxStatus(StrEnum):
    open = "open"
    complete = "complete"


class SandboxSession(Base):
    """A checkout, setup or portal session of the sandbox gateway; its id is the only secret."""

    __tablename__ = "sandbox_payment_session"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    mode: Mapped[SandboxMode] = mapped_column(enum_column(SandboxMode, "sandbox_mode"))
    status: Mapped[SandboxStatus] = mapped_column(
        enum_column(SandboxStatus, "sandbox_status"), default=SandboxStatus.open
    )
    idempotency_key: Mapped[str | None] = mapped_column(String(255), unique=True)
    provider_customer_id: Mapped[str] = mapped_column(String(255), default="")
    customer_email: Mapped[str] = mapped_column(String(254), default="")
    client_reference_id: Mapped[str] = mapped_column(String(255), default="")
    description: Mapped[str] = mapped_column(String(300), default="")
    amount: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    currency: Mapped[str] = mapped_column(String(3), default="cad")
    success_url: Mapped[str] = mapped_column(String(1000), default="")
    cancel_url: Mapped[str] = mapped_column(String(1000), default="")
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    payment_intent_id: Mapped[str] = mapped_column(String(255), default="")
    setup_intent_id: Mapped[str] = mapped_column(String(255), default="", index=True)
    payment_method_id: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
