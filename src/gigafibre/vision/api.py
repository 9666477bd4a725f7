"""JSON endpoints: `POST /vision/barcodes|equipment|invoice`, the file in the multipart field
`file`. Nothing is stored: the caller reviews the reading and saves what it keeps."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from gigafibre.core.errors import ErrorBody
from gigafibre.staff.auth import require_staff
from gigafibre.staff.models import Role
from gigafibre.staff.service import StaffIdentity
from gigafibre.vision import service
from gigafibre.vision.providers import VisionProvider, vision_provider
from gigafibre.vision.schemas import BarcodeReading, EquipmentReading, InvoiceReading
from gigafibre.vision.uploads import SizeChecked, read_upload, upload_limit

router = APIRouter(prefix="/vision", tags=["vision"])

READERS = (Role.support, Role.dispatch, Role.tech, Role.billing)
Reader = Annotated[StaffIdentity, Depends(require_staff(*READERS))]
Provider = Annotated[VisionProvider, Depends(vision_provider)]



def _upload_body(accept: str) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {
                            "file": {
                                "type": "string",
                                "format": "binary",
                                "description": f"{accept}, checked by content",
                            }
                        },
                    }
                }
            },
        }
    }


ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text}
    for status, text in (
        (401, "Not signed in"),
        (403, "Role not allowed, or CSRF token missing"),
        (411, "No Content-Length"),
        (413, "File over the size limit (GF_VISION_MAX_UPLOAD_BYTES, 10 MB by default)"),
        (415, "Not a file type we read (by content)"),
        (422, "No file, or a damaged one"),
    )
}
PROVIDER_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    502: {"model": ErrorBody, "description": "The reading service needs an administrator"},
    503: {"model": ErrorBody, "description": "The reading service is not answering"},
}
IMAGES = "JPEG, PNG, WebP, GIF, BMP or TIFF"


@router.post(
    "/barcodes",
    response_model=BarcodeReading,
    responses=ERRORS,
    openapi_extra=_upload_body(IMAGES),
)
async def barcodes(request: Request, _size: SizeChecked, _staff: Reader) -> BarcodeReading:
    """Up to three barcodes or QR codes: format, text and the four corners of each."""
    upload, _fields = await read_upload(request)
    return await service.read_barcodes(upload=upload, limit=upload_limit(request))


@router.post(
    "/equipment",
    response_model=EquipmentReading,
    responses=PROVIDER_ERRORS,
    openapi_extra=_upload_body(IMAGES),
)
async def equipment(
    request: Request, _size: SizeChecked, _staff: Reader, provider: Provider
) -> EquipmentReading:
    """Up to five equipment labels with a confidence (0..1) for each field."""
    upload, _fields = await read_upload(request)
    return await service.read_equipment(
        upload=upload, provider=provider, limit=upload_limit(request)
    )


@router.post(
    "/invoice",
    response_model=InvoiceReading,
    responses=PROVIDER_ERRORS,
    openapi_extra=_upload_body(IMAGES + " or PDF (first page)"),
)
async def invoice(
    request: Request, _size: SizeChecked, _staff: Reader, provider: Provider
) -> InvoiceReading:
    """A supplier invoice's vendor, number, date and amounts, with GST and QST checked."""
    upload, _fields = await read_upload(request)
    return await service.read_invoice(upload=upload, provider=provider, limit=upload_limit(request))
