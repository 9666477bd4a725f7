"""What the vision endpoints answer, and what a person saves after reviewing a reading."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)
from pydantic_core import PydanticCustomError

from gigafibre.equipment.models import EquipmentType
from gigafibre.vision.parsers import clean_gpon, clean_mac

Confidence = Annotated[float, Field(ge=0, le=1)]
LABEL_FIELDS = ("equipment_type", "vendor", "model", "serial_number", "mac_address", "gpon_serial")
MAX_LABELS = 5


class Point(BaseModel):
    x: float
    y: float


class DecodedBarcode(BaseModel):
    format: str = Field(description="zxing-cpp's format name: Code128, QRCode, DataMatrix, …")
    text: str
    position: list[Point] = Field(
        min_length=4,
        max_length=4,
        description="Corners in pixels of the uploaded picture: top-left, top-right, "
        "bottom-right, bottom-left (as the code reads).",
    )
    orientation: int = Field(0, description="Degrees to turn the picture so the code reads.")


class BarcodeReading(BaseModel):
    barcodes: list[DecodedBarcode] = Field(max_length=3)


class FieldConfidence(BaseModel):
    equipment_type: Confidence = 0.0
    vendor: Confidence = 0.0
    model: Confidence = 0.0
    serial_number: Confidence = 0.0
    mac_address: Confidence = 0.0
    gpon_serial: Confidence = 0.0


class EquipmentLabel(BaseModel):
    """One sticker. MAC as `AA:BB:CC:DD:EE:FF`; GPON serial as four letters and eight hex."""

    equipment_type: EquipmentType | None = None
    vendor: str | None = None
    model: str | None = None
    serial_number: str | None = None
    mac_address: str | None = None
    gpon_serial: str | None = None
    confidence: FieldConfidence = Field(default_factory=FieldConfidence)


class EquipmentReading(BaseModel):
    provider: str
    labels: list[EquipmentLabel] = Field(max_length=MAX_LABELS)
    barcodes: list[DecodedBarcode] = Field(default_factory=list)


Money = Annotated[Decimal, Field(max_digits=12, decimal_places=2)]


class InvoiceFields(BaseModel):
    vendor: str | None = None
    number: str | None = None
    date: dt.date | None = None
    subtotal: Money | None = None
    gst: Money | None = None
    qst: Money | None = None
    total: Money | None = None


class TaxesCheck(BaseModel):
    """GST 5 % and QST 9.975 % of the subtotal (± 0.01), and subtotal + taxes = total."""

    expected_gst: Decimal | None = None
    expected_qst: Decimal | None = None
    gst_ok: bool | None = None
    qst_ok: bool | None = None
    total_ok: bool | None = None
    ok: bool = False


class InvoiceReading(InvoiceFields):
    provider: str
    taxes_check: TaxesCheck


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def parse_amount(value: Any) -> Any:
    """`1 234,56 $`, `$1,234.56` and `1234.56` are the same amount; anything else is left."""
    if not isinstance(value, str):
        return value
    text = re.sub(r"[\s$\u00a0\u202f]|CAD", "", value)
    if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d{1,2})?|-?\d+\.\d{1,2}|-?\d+", text):
        text = text.replace(",", "")
    elif re.fullmatch(r"-?\d{1,3}(\.\d{3})+(,\d{1,2})?|-?\d+,\d{1,2}", text):
        text = text.replace(".", "").replace(",", ".")
    try:
        return Decimal(text)
    except InvalidOperation:
        return value


Text60 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=60)]
Amount = Annotated[Decimal, BeforeValidator(parse_amount), Field(ge=0, max_digits=12,
                                                                 decimal_places=2)]


class EquipmentCreate(BaseModel):
    """A reviewed label, saved as a Service Equipment in stock."""

    model_config = ConfigDict(str_strip_whitespace=True)

    equipment_type: EquipmentType
    vendor: Text60 = ""
    model: Text60 = ""
    serial_number: Annotated[str, StringConstraints(min_length=1, max_length=60, to_upper=True)]
    mac_address: Annotated[str | None, BeforeValidator(_blank_to_none)] = None
    gpon_serial: Annotated[str | None, BeforeValidator(_blank_to_none)] = None

    @field_validator("mac_address")
    @classmethod
    def _mac(cls, value: str | None) -> str | None:
        if value is None:
            return None
        mac = clean_mac(value)
        if mac is None or mac.repaired:  # a person typed it: no guessing at look-alikes
            raise PydanticCustomError("invalid_mac", "not a MAC address")
        return mac.value

    @field_validator("gpon_serial")
    @classmethod
    def _gpon(cls, value: str | None) -> str | None:
        if value is None:
            return None
        gpon = clean_gpon(value)
        if gpon is None or gpon.repaired:
            raise PydanticCustomError("invalid_gpon", "not a GPON serial")
        return gpon.value


class SupplierBillCreate(BaseModel):
    """A reviewed supplier invoice, recorded as a Supplier Bill."""

    model_config = ConfigDict(str_strip_whitespace=True)

    vendor: Annotated[str, StringConstraints(min_length=1, max_length=140)]
    number: Annotated[str, StringConstraints(min_length=1, max_length=60)]
    date: dt.date
    subtotal: Amount
    gst: Amount
    qst: Amount
    total: Amount
