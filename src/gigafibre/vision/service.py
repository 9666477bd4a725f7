"""Vision use cases: read codes, labels and invoices (storing nothing), then save what a person
reviewed as a Service Equipment or a Supplier Bill.

Reading functions take an `Upload` and a provider, not a request, so the ops OCR page, the JSON
API and the technician's scanner share them. Decoding and OCR are CPU work: they run in worker
threads so the event loop keeps serving other requests meanwhile.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable
from typing import TypeVar

import structlog
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.core.errors import ConflictError
from gigafibre.core.events import emit
from gigafibre.core.i18n import N_
from gigafibre.core.naming import assign_name
from gigafibre.equipment.models import EquipmentStatus, ServiceEquipment
from gigafibre.vision import barcodes, invoices, parsers
from gigafibre.vision.errors import (
    FileTooLargeError,
    UnreadableFileError,
    VisionNeedsActionError,
    VisionUnavailableError,
)
from gigafibre.vision.images import Document, Upload, open_document
from gigafibre.vision.models import SupplierBill
from gigafibre.vision.providers import (
    DEFAULT_MAX_UPLOAD_BYTES,
    ProviderActionRequiredError,
    ProviderPermanentError,
    ProviderRetriableError,
    VisionProvider,
)
from gigafibre.vision.schemas import (
    MAX_LABELS,
    BarcodeReading,
    DecodedBarcode,
    EquipmentCreate,
    EquipmentLabel,
    EquipmentReading,
    InvoiceFields,
    InvoiceReading,
    SupplierBillCreate,
)

log = structlog.get_logger("gigafibre.vision")
MAX_BARCODES = 3
TOO_LARGE = N_("The file is larger than {limit} MB.")
SERVICE_BUSY = N_("The reading service is not answering; try again in a moment.")
SERVICE_NEEDS_ACTION = N_(
    "The reading service refused the request: an administrator must check its settings."
)
SERVICE_CANNOT_READ = N_("The reading service could not read this picture.")
DUPLICATE_SERIAL = N_("This serial number is already in the inventory ({name}).")
SERIAL_TAKEN = N_("Another equipment already has this serial number.")
DUPLICATE_BILL = N_("This supplier's bill number is already recorded ({name}).")
BILL_TAKEN = N_("This bill number is already recorded for this supplier.")
T = TypeVar("T")


def check_size(upload: Upload, *, limit: int = DEFAULT_MAX_UPLOAD_BYTES) -> None:
    if len(upload.data) > limit:
        raise FileTooLargeError(TOO_LARGE, limit=round(limit / 1024 / 1024))


async def _open(upload: Upload, *, allow_pdf: bool, limit: int) -> Document:
    check_size(upload, limit=limit)
    return await asyncio.to_thread(open_document, upload, allow_pdf=allow_pdf)


async def read_barcodes(
    *, upload: Upload, limit: int = DEFAULT_MAX_UPLOAD_BYTES
) -> BarcodeReading:
    """Up to three codes, top to bottom, each with its format, text and four corners."""
    document = await _open(upload, allow_pdf=False, limit=limit)
    codes = await asyncio.to_thread(barcodes.read_codes, document.image)
    return BarcodeReading(barcodes=barcodes.reading_order(codes)[:MAX_BARCODES])


def confirm_with_codes(
    labels: list[EquipmentLabel], codes: list[DecodedBarcode]
) -> list[EquipmentLabel]:
    """Replace a provider's reading by the decoded code that says the same thing, exactly."""
    confirmed = []
    cleaners = {
        "serial_number": parsers.clean_serial,
        "mac_address": parsers.clean_mac,
        "gpon_serial": parsers.clean_gpon,
    }
    texts = [code.text for code in codes] + [
        candidate.value for code in codes for candidate in parsers.parse_code(code.text)
    ]
    for label in labels:
        changes: dict[str, object] = {}
        scores = label.confidence.model_copy()
        for field, clean in cleaners.items():
            value = getattr(label, field)
            if not value:
                continue
            usable = [
                cleaned.value
                for text in texts
                if (cleaned := clean(text)) is not None and not cleaned.repaired
            ]
            match = parsers.closest(value, usable)
            if match is not None:
                changes[field] = match
                setattr(scores, field, max(getattr(scores, field), 0.99))
        confirmed.append(label.model_copy(update={**changes, "confidence": scores}))
    return confirmed


async def _ask(call: Awaitable[T]) -> T:
    """Await a provider call, turning its failures into errors a person can act on."""
    try:
        return await call
    except ProviderRetriableError:
        raise VisionUnavailableError(SERVICE_BUSY) from None
    except ProviderActionRequiredError:
        raise VisionNeedsActionError(SERVICE_NEEDS_ACTION) from None
    except ProviderPermanentError:
        raise UnreadableFileError(SERVICE_CANNOT_READ) from None


async def read_equipment(
    *, upload: Upload, provider: VisionProvider, limit: int = DEFAULT_MAX_UPLOAD_BYTES
) -> EquipmentReading:
    """Up to five labels found on the photo; every code decoded is returned too."""
    started = time.perf_counter()
    document = await _open(upload, allow_pdf=False, limit=limit)
    codes = await asyncio.to_thread(barcodes.read_codes, document.image, thorough=True)
    labels = await _ask(provider.read_equipment(document, codes=codes))
    log.info(
        "vision.equipment.read",
        provider=provider.name,
        labels=len(labels),
        codes=len(codes),
        seconds=round(time.perf_counter() - started, 3),
    )
    return EquipmentReading(
        provider=provider.name,
        labels=confirm_with_codes(labels, codes)[:MAX_LABELS],
        barcodes=barcodes.reading_order(codes),
    )


async def read_invoice(
    *, upload: Upload, provider: VisionProvider, limit: int = DEFAULT_MAX_UPLOAD_BYTES
) -> InvoiceReading:
    """An invoice's fields (a PDF's first page), with the Quebec taxes checked."""
    started = time.perf_counter()
    document = await _open(upload, allow_pdf=True, limit=limit)
    fields = await _ask(provider.read_invoice(document))
    check = invoices.check_taxes(fields)
    log.info(
        "vision.invoice.read",
        provider=provider.name,
        kind=document.kind.value,
        taxes_ok=check.ok,
        seconds=round(time.perf_counter() - started, 3),
    )
    return InvoiceReading(
        **fields.model_dump(), provider=provider.name, taxes_check=check
    )


async def create_equipment(
    session: AsyncSession, *, data: EquipmentCreate, actor: str
) -> ServiceEquipment:
    """A reviewed label becomes a Service Equipment in stock, named EQ-…; serials are unique."""
    existing = await session.scalar(
        select(ServiceEquipment.name).where(ServiceEquipment.serial_number == data.serial_number)
    )
    if existing is not None:
        raise ConflictError(
            DUPLICATE_SERIAL, fields={"serial_number": SERIAL_TAKEN}, name=existing
        )
    equipment = ServiceEquipment(
        equipment_type=data.equipment_type,
        vendor=data.vendor,
        model=data.model,
        serial_number=data.serial_number,
        mac_address=data.mac_address,
        gpon_serial=data.gpon_serial,
        status=EquipmentStatus.in_stock,
    )
    try:
        async with session.begin_nested():  # a concurrent insert of the same serial
            await assign_name(session, equipment)
            session.add(equipment)
            await session.flush()
    except IntegrityError:
        raise ConflictError(
            DUPLICATE_SERIAL, fields={"serial_number": SERIAL_TAKEN}, name=data.serial_number
        ) from None
    await emit(
        session,
        "equipment.created",
        {"equipment": equipment.name, "serial_number": equipment.serial_number, "actor": actor},
    )
    return equipment


def _taxes_match(data: SupplierBillCreate) -> bool:
    check = invoices.check_taxes(InvoiceFields(**data.model_dump()))
    return check.ok


async def record_supplier_bill(
    session: AsyncSession, *, data: SupplierBillCreate, actor: str
) -> SupplierBill:
    """A reviewed supplier invoice becomes a Supplier Bill, once per supplier and number."""
    existing = await session.scalar(
        select(SupplierBill.name).where(
            SupplierBill.supplier_name == data.vendor, SupplierBill.bill_number == data.number
        )
    )
    if existing is not None:
        raise ConflictError(DUPLICATE_BILL, fields={"number": BILL_TAKEN}, name=existing)
    bill = SupplierBill(
        supplier_name=data.vendor,
        bill_number=data.number,
        bill_date=data.date,
        subtotal=data.subtotal,
        gst=data.gst,
        qst=data.qst,
        total=data.total,
        taxes_match=_taxes_match(data),
        recorded_by=actor,
    )
    try:
        async with session.begin_nested():
            await assign_name(session, bill)
            session.add(bill)
            await session.flush()
    except IntegrityError:
        raise ConflictError(
            DUPLICATE_BILL, fields={"number": BILL_TAKEN}, name=data.number
        ) from None
    await emit(
        session,
        "supplier_bill.recorded",
        {"bill": bill.name, "supplier": bill.supplier_name, "total": str(bill.total)},
    )
    return bill

