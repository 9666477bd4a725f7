"""Ops OCR page: upload or drop a photo, review the reading, then save equipment or a bill.

With htmx each step swaps a fragment (errors come back as 200 so htmx shows them); without
JavaScript the same forms post and get whole pages back.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ValidationError

from gigafibre.core.errors import DomainError, field_errors
from gigafibre.core.i18n import N_, gettext
from gigafibre.core.web import SessionDep, render
from gigafibre.equipment.models import EquipmentType
from gigafibre.staff.auth import require_staff
from gigafibre.staff.models import Role
from gigafibre.staff.service import StaffIdentity
from gigafibre.vision import invoices, service
from gigafibre.vision.providers import VisionProvider, vision_provider
from gigafibre.vision.schemas import (
    LABEL_FIELDS,
    EquipmentCreate,
    InvoiceFields,
    SupplierBillCreate,
    parse_amount,
)
from gigafibre.vision.uploads import SizeChecked, read_upload, upload_limit

router = APIRouter(prefix="/ops/ocr", include_in_schema=False)

STOCKERS = (Role.support, Role.dispatch, Role.tech)
Reader = Annotated[
    StaffIdentity, Depends(require_staff(Role.support, Role.dispatch, Role.tech, Role.billing))
]
Stocker = Annotated[StaffIdentity, Depends(require_staff(*STOCKERS))]
Biller = Annotated[StaffIdentity, Depends(require_staff(Role.billing))]
Provider = Annotated[VisionProvider, Depends(vision_provider)]

TYPE_LABELS = {
    EquipmentType.ont: N_("ONT"),
    EquipmentType.router: N_("Router"),
    EquipmentType.set_top_box: N_("Set-top box"),
    EquipmentType.ata: N_("ATA"),
}
FIELD_MESSAGES = {
    "invalid_mac": N_("Enter a MAC address such as AA:BB:CC:DD:EE:FF."),
    "invalid_gpon": N_("Enter a GPON serial such as ALCLB1234567 (4 letters, 8 hex digits)."),
    "decimal_parsing": N_("Enter an amount such as 1234.56."),
    "decimal_max_places": N_("Enter an amount such as 1234.56."),
    "date_parsing": N_("Enter a date such as 2025-03-15."),
    "date_from_datetime_parsing": N_("Enter a date such as 2025-03-15."),
}
NOTHING_FOUND = N_("No label was found on this picture. Try a sharper, closer photo.")
INVOICE_FIELDS = ("vendor", "number", "date", "subtotal", "gst", "qst", "total")
AMOUNT_FIELDS = ("subtotal", "gst", "qst", "total")


def _is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def _errors(error: ValidationError) -> dict[str, str]:
    found = field_errors(list(error.errors()))
    for item in error.errors():
        name = ".".join(str(part) for part in item["loc"])
        if item["type"] in FIELD_MESSAGES:
            found[name] = FIELD_MESSAGES[item["type"]]
    return {name: gettext(text) for name, text in found.items()}


def _context(request: Request, staff: StaffIdentity, **extra: Any) -> dict[str, Any]:
    limit = upload_limit(request)
    stocks = staff.has_any(STOCKERS)
    return {
        "active": "ocr",
        "types": [(kind.value, gettext(label)) for kind, label in TYPE_LABELS.items()],
        "can_stock": stocks,
        "can_bill": staff.has_any((Role.billing,)),
        "kind": "equipment" if stocks else "invoice",
        "max_bytes": limit,
        "max_mb": round(limit / 1024 / 1024),
        **extra,
    }


def _fragment_or_page(
    request: Request,
    staff: StaffIdentity,
    fragment: str,
    status: int = 200,
    page_result: str | None = None,
    **extra: Any,
) -> Response:
    """The fragment for htmx (always 200, or htmx would not show it), else the whole page."""
    context = _context(request, staff, result=page_result or fragment, **extra)
    if _is_htmx(request):
        return render(request, fragment, context)
    return render(request, "vision/ocr.html", context, status_code=status)


@router.get("")
async def ocr_page(
    request: Request,
    staff: Reader,
    saved: Annotated[str, Query(max_length=20, pattern=r"^[A-Z]+-\d+$")] = "",
) -> Response:
    return render(request, "vision/ocr.html", _context(request, staff, saved=saved))


@router.post("/read")
async def read(
    request: Request, _size: SizeChecked, staff: Reader, provider: Provider
) -> Response:
    try:
        upload, fields = await read_upload(request)
        kind = "invoice" if fields.get("kind") == "invoice" else "equipment"
        limit = upload_limit(request)
        if kind == "invoice":
            reading = await service.read_invoice(upload=upload, provider=provider, limit=limit)
            values = reading.model_dump(include=set(INVOICE_FIELDS))
            return _fragment_or_page(
                request, staff, "vision/_invoice_form.html", kind=kind, values=values,
                errors={}, check=reading.taxes_check, provider=reading.provider,
            )
        labels = await service.read_equipment(upload=upload, provider=provider, limit=limit)
    except DomainError as error:
        return _fragment_or_page(
            request, staff, "vision/_alert.html", status=error.status_code,
            message=error.render()["message"],
        )
    if not labels.labels:
        return _fragment_or_page(
            request, staff, "vision/_alert.html", status=422, message=gettext(NOTHING_FOUND)
        )
    forms = [
        {
            "index": index,
            "values": label.model_dump(exclude={"confidence"}, mode="json"),
            "confidence": label.confidence.model_dump(),
            "errors": {},
        }
        for index, label in enumerate(labels.labels)
    ]
    return _fragment_or_page(
        request, staff, "vision/_equipment_forms.html", kind="equipment", forms=forms,
        provider=labels.provider,
    )


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


def _confidence(values: dict[str, str]) -> dict[str, float]:
    scores = {}
    for name in LABEL_FIELDS:
        try:
            scores[name] = min(max(float(values.get(f"confidence.{name}", "0")), 0.0), 1.0)
        except ValueError:
            scores[name] = 0.0
    return scores


def _parse(model: type[BaseModel], values: dict[str, Any]) -> tuple[Any, dict[str, str]]:
    try:
        return model.model_validate(values), {}
    except ValidationError as error:
        return None, _errors(error)


def _saved_or_form(
    request: Request,
    staff: StaffIdentity,
    name: str | None,
    fragment: str,
    page_result: str,
    **extra: Any,
) -> Response:
    if name is not None:
        if _is_htmx(request):
            return render(request, "vision/_saved.html", {"name": name, **extra})
        return RedirectResponse(f"/ops/ocr?saved={name}", status_code=303)
    return _fragment_or_page(
        request, staff, fragment, status=422, page_result=page_result, **extra
    )


@router.post("/equipment")
async def create_equipment(request: Request, session: SessionDep, staff: Stocker) -> Response:
    values = await _form(request)
    data, errors = _parse(EquipmentCreate, {name: values.get(name, "") for name in LABEL_FIELDS})
    name = None
    if data is not None:
        try:
            saved = await service.create_equipment(session, data=data, actor=staff.username)
            name = saved.name
        except DomainError as error:
            rendered = error.render()
            errors = rendered["fields"] or {"form": rendered["message"]}
    index = values.get("index", "0")
    form = {
        "index": int(index) if index.isdigit() and len(index) < 3 else 0,
        "values": values,
        "confidence": _confidence(values),
        "errors": errors,
    }
    return _saved_or_form(
        request, staff, name, "vision/_equipment_form.html", "vision/_equipment_forms.html",
        kind="equipment", form=form, forms=[form], summary=values,
    )


@router.post("/invoice")
async def record_invoice(request: Request, session: SessionDep, staff: Biller) -> Response:
    values = await _form(request)
    submitted = {name: values.get(name, "") for name in INVOICE_FIELDS}
    data, errors = _parse(SupplierBillCreate, submitted)
    name = None
    if data is not None:
        try:
            saved = await service.record_supplier_bill(session, data=data, actor=staff.username)
            name = saved.name
        except DomainError as error:
            rendered = error.render()
            errors = rendered["fields"] or {"form": rendered["message"]}
    amounts = {key: parse_amount(values.get(key) or None) for key in AMOUNT_FIELDS}
    try:
        check = invoices.check_taxes(InvoiceFields.model_validate(amounts))
    except ValidationError:
        check = None
    return _saved_or_form(
        request, staff, name, "vision/_invoice_form.html", "vision/_invoice_form.html",
        kind="invoice", values=values, errors=errors, check=check, summary=values,
    )
