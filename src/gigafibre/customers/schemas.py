"""What the customer API and forms take and give. Validation messages are translated by type."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    EmailStr,
    Field,
)
from pydantic_core import PydanticCustomError

from gigafibre.core.i18n import N_
from gigafibre.customers.models import CustomerStatus, CustomerType, Language
from gigafibre.customers.normalize import (
    InvalidPhoneError,
    format_phone,
    normalize_phone,
    normalize_postal_code,
)


def _blank_to_none(value: object) -> object:
    if isinstance(value, str) and not value.strip():
        return None
    return value.strip() if isinstance(value, str) else value


def _phone(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return normalize_phone(value)
    except InvalidPhoneError:
        raise PydanticCustomError("invalid_phone", "Enter a valid phone number.") from None


def _postal_code(value: str) -> str:
    try:
        return normalize_postal_code(value)
    except ValueError:
        raise PydanticCustomError("invalid_postal_code", "Enter a valid postal code.") from None


Phone = Annotated[str | None, BeforeValidator(_blank_to_none), AfterValidator(_phone)]
OptionalEmail = Annotated[EmailStr | None, BeforeValidator(_blank_to_none)]
PostalCode = Annotated[str, AfterValidator(_postal_code)]
Text = Annotated[str, Field(max_length=2000)]


class LocationInput(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    civic_number: str = Field(min_length=1, max_length=12)
    street: str = Field(min_length=1, max_length=140)
    unit: str = Field(default="", max_length=20)
    city: str = Field(min_length=1, max_length=80)
    province: str = Field(default="QC", pattern=r"^(QC|ON|NB|NS|PE|NL|MB|SK|AB|BC|YT|NT|NU)$")
    postal_code: PostalCode
    latitude: Annotated[float | None, BeforeValidator(_blank_to_none)] = Field(
        default=None, ge=-90, le=90
    )
    longitude: Annotated[float | None, BeforeValidator(_blank_to_none)] = Field(
        default=None, ge=-180, le=180
    )
    olt_name: str = Field(default="", max_length=60)
    pon_port: str = Field(default="", max_length=20)
    onu_id: Annotated[int | None, BeforeValidator(_blank_to_none)] = Field(
        default=None, ge=0, le=4095
    )
    access_notes: Text = ""


class LocationUpdate(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    civic_number: str | None = Field(default=None, min_length=1, max_length=12)
    street: str | None = Field(default=None, min_length=1, max_length=140)
    unit: str | None = Field(default=None, max_length=20)
    city: str | None = Field(default=None, min_length=1, max_length=80)
    postal_code: PostalCode | None = None
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    olt_name: str | None = Field(default=None, max_length=60)
    pon_port: str | None = Field(default=None, max_length=20)
    onu_id: int | None = Field(default=None, ge=0, le=4095)
    access_notes: str | None = Field(default=None, max_length=2000)


class CustomerCreate(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    customer_name: str = Field(min_length=1, max_length=140)
    customer_type: CustomerType = CustomerType.residential
    language: Language = Language.fr
    email: OptionalEmail = None
    phone: Phone = None
    billing_day: int = Field(default=1, ge=1, le=28)
    notes: Text = ""
    location: LocationInput | None = None
    tags: list[Annotated[str, Field(min_length=1, max_length=60)]] = Field(
        default_factory=list, max_length=20
    )


class CustomerUpdate(BaseModel):
    """PATCH: only the fields sent change."""

    model_config = ConfigDict(str_strip_whitespace=True)

    customer_name: str | None = Field(default=None, min_length=1, max_length=140)
    customer_type: CustomerType | None = None
    status: CustomerStatus | None = None
    language: Language | None = None
    email: OptionalEmail = None
    phone: Phone = None
    billing_day: int | None = Field(default=None, ge=1, le=28)
    notes: str | None = Field(default=None, max_length=2000)


class TagsInput(BaseModel):
    tags: list[Annotated[str, Field(min_length=1, max_length=60)]] = Field(max_length=20)


class LocationPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    name: str
    address_line: str
    civic_number: str
    street: str
    unit: str
    city: str
    province: str
    postal_code: str
    latitude: float | None
    longitude: float | None
    olt_name: str
    pon_port: str
    onu_id: int | None
    access_notes: str


class CustomerSummary(BaseModel):
    name: str
    customer_name: str
    customer_type: CustomerType
    status: CustomerStatus
    phone: str | None
    phone_display: str
    email: str | None
    address: str
    city: str
    tags: list[str]


class CustomerPublic(BaseModel):
    name: str
    customer_name: str
    customer_type: CustomerType
    status: CustomerStatus
    language: Language
    email: str | None
    phone: str | None
    phone_display: str
    billing_day: int
    notes: str
    tags: list[str]
    locations: list[LocationPublic]
    created_at: dt.datetime


class SearchResults(BaseModel):
    items: list[CustomerSummary]
    next_offset: int | None


class SubscriptionRow(BaseModel):
    name: str
    item_code: str
    description: str
    qty: int
    rate: Decimal
    status: str
    start_date: dt.date
    end_date: dt.date | None


class InvoiceRow(BaseModel):
    name: str
    posting_date: dt.date
    due_date: dt.date
    total: Decimal
    outstanding_amount: Decimal
    status: str


class PaymentRow(BaseModel):
    name: str
    posting_date: dt.date
    amount: Decimal
    refunded_amount: Decimal
    mode: str
    reference: str | None


class CreditRow(BaseModel):
    name: str
    posting_date: dt.date
    amount: Decimal
    remaining: Decimal
    reason: str
    note: str


class TicketRow(BaseModel):
    name: str
    subject: str
    status: str
    priority: str
    channel: str
    opened_at: dt.datetime


class EquipmentRow(BaseModel):
    name: str
    equipment_type: str
    vendor: str
    model: str
    serial_number: str
    mac_address: str | None
    status: str


class JobRow(BaseModel):
    name: str
    job_type: str
    subject: str
    status: str
    scheduled_date: dt.date | None
    technician: str | None


class TimelineRow(BaseModel):
    at: dt.datetime
    kind: str
    summary: str
    actor: str
    reference: str


class CustomerDetail(CustomerPublic):
    subscriptions: list[SubscriptionRow]
    invoices: list[InvoiceRow]
    payments: list[PaymentRow]
    credits: list[CreditRow]
    balance: Decimal
    tickets: list[TicketRow]
    equipment: list[EquipmentRow]
    jobs: list[JobRow]
    timeline: list[TimelineRow]


TIMELINE_LABELS = {
    "customer.created": N_("Customer created"),
    "customer.updated": N_("Customer changed"),
    "location.added": N_("Service location added"),
    "location.updated": N_("Service location changed"),
    "tags.changed": N_("Tags changed"),
    "ticket.opened": N_("Ticket opened"),
    "invoice.issued": N_("Invoice issued"),
    "invoice.overdue": N_("Payment reminder"),
    "service.suspend_requested": N_("Service suspended for non-payment"),
    "service.restore_requested": N_("Service restored"),
    "payment.disputed": N_("Card payment disputed"),
    "payment.refunded": N_("Payment refunded"),
    "payment.refund_sent": N_("Payment refunded to the card"),
    "payment.failed": N_("Pre-authorised payment declined"),
    "payment_method.saved": N_("Card saved for pre-authorised payments"),
    "device.reboot": N_("Modem restarted"),
    "device.refresh": N_("Modem parameters read again"),
    "device.wifi": N_("Wi-Fi changed"),
    "payment_method.ppa_enabled": N_("Pre-authorised payments turned on"),
    "payment_method.ppa_disabled": N_("Pre-authorised payments turned off"),
}


def phone_display(phone: str | None) -> str:
    return format_phone(phone)
