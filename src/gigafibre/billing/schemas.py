"""What the billing API takes and gives."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, Field

from gigafibre.billing.models import CreditReason, PaymentMode

Amount = Field(gt=Decimal(0), le=Decimal(100000), decimal_places=2)


class BillingRunRequest(BaseModel):
    as_of: dt.date | None = None


class BillingRunPublic(BaseModel):
    invoices: int
    already_billed: int
    credits_applied: Decimal


class CreditInput(BaseModel):
    customer: str = Field(min_length=1, max_length=20)
    amount: Decimal = Amount
    reason: CreditReason = CreditReason.goodwill
    note: str = Field(default="", max_length=300)


class CreditPublic(BaseModel):
    name: str
    amount: Decimal
    remaining: Decimal
    reason: CreditReason


class PaymentInput(BaseModel):
    invoice: str = Field(min_length=1, max_length=20)
    amount: Decimal = Amount
    mode: PaymentMode
    reference: str | None = Field(default=None, max_length=120)


class PaymentPublic(BaseModel):
    name: str
    invoice: str | None
    amount: Decimal
    refunded_amount: Decimal
    mode: PaymentMode
    posting_date: dt.date


class RefundInput(BaseModel):
    amount: Decimal = Amount


class CancelInput(BaseModel):
    end_date: dt.date
