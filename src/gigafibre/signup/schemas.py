"""What the sign-up API takes and gives."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class CatalogItemPublic(BaseModel):
    code: str
    name: str
    description: str
    price: Decimal
    interval: str
    download_mbps: int | None = None
    upload_mbps: int | None = None


class CatalogPublic(BaseModel):
    plans: list[CatalogItemPublic]
    options: list[CatalogItemPublic]
    fees: list[CatalogItemPublic]


class OtpSendInput(BaseModel):
    contact: str = Field(min_length=3, max_length=254, description="email or phone number")
    language: Literal["fr", "en"] = "fr"


class OtpVerifyInput(BaseModel):
    contact: str = Field(min_length=3, max_length=254)
    code: str = Field(pattern=r"^\s*\d{6}\s*$")


class MessagePublic(BaseModel):
    message: str


class VerifiedPublic(BaseModel):
    verification: str = Field(description="token proving the contact, for POST /api/order")


class OrderInput(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    full_name: str = Field(min_length=2, max_length=140)
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=30)
    language: Literal["fr", "en"] = "fr"
    address_id: int = Field(ge=1, description="an address from GET /api/address")
    unit: str = Field(default="", max_length=20)
    plan: str = Field(min_length=1, max_length=40)
    options: list[str] = Field(default_factory=list, max_length=10)
    referral_code: str | None = Field(default=None, max_length=20)
    verification: str = Field(min_length=10, max_length=2000)


class LinePublic(BaseModel):
    code: str
    description: str
    qty: int
    rate: Decimal
    amount: Decimal
    monthly: bool


class OrderPublic(BaseModel):
    order: str
    quotation: str
    lines: list[LinePublic]
    subtotal: Decimal
    gst: Decimal
    qst: Decimal
    total: Decimal
    token: str = Field(description="bearer of this order for slots and checkout (24 h)")
    accept_url: str


class SlotPublic(BaseModel):
    start: dt.datetime
    end: dt.datetime
    label: str


class SlotsPublic(BaseModel):
    slots: list[SlotPublic]


class HoldInput(BaseModel):
    token: str = Field(min_length=10, max_length=2000)
    start: dt.datetime


class HoldPublic(BaseModel):
    start: dt.datetime
    end: dt.datetime
    expires_at: dt.datetime
    accept_url: str


class CheckoutInput(BaseModel):
    token: str = Field(min_length=10, max_length=2000)


class LinkPublic(BaseModel):
    url: str


class AcceptForClientInput(BaseModel):
    quotation: str = Field(min_length=1, max_length=20)
    text_hash: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the text read out")


class AcceptedPublic(BaseModel):
    order: str
    customer: str
    job: str | None
    invoice: str | None


class ContractPublic(BaseModel):
    quotation: str
    text: str
    text_hash: str


class ReferralCheckPublic(BaseModel):
    valid: bool
    message: str


class ReferralMinePublic(BaseModel):
    code: str
    uses: int
    credit: Decimal
    share_url: str
