"""The technician's JSON API under `/field/api`: the signed-in technician's own jobs only.

Every change accepts an `Idempotency-Key` header: the phone's offline queue sends one per action
and a repeated key gets the first answer back (`Idempotent-Replayed: true`), never a duplicate.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import FileResponse, JSONResponse
from starlette.datastructures import UploadFile

from gigafibre.core.errors import ErrorBody, NotFoundError, ValidationFailedError
from gigafibre.core.i18n import N_
from gigafibre.core.web import SessionDep
from gigafibre.dispatch.models import JobStatus
from gigafibre.field import equipment as equipment_service
from gigafibre.field import photos, schemas, service, views
from gigafibre.field.auth import FieldTechnician
from gigafibre.field.idempotency import run_once
from gigafibre.field.schemas import ERRORS, multipart_body
from gigafibre.vision import service as vision
from gigafibre.vision.errors import FileTooLargeError
from gigafibre.vision.schemas import BarcodeReading
from gigafibre.vision.uploads import SizeChecked, read_upload, upload_limit

router = APIRouter(prefix="/field/api", tags=["field"])
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="Made up by the phone per action (8-80 of A-Z a-z 0-9 - _); a repeat "
        "gets the first answer back.",
    ),
]
CHOOSE_PHOTO = N_("Choose a photo.")
PHOTO_FORM_OVERHEAD = 64 * 1024


def _actor(technician_name: str) -> str:
    return f"technician:{technician_name}"


@router.get("/jobs", response_model=list[schemas.JobSummary], responses=ERRORS)
async def my_jobs(
    session: SessionDep,
    technician: FieldTechnician,
    day: Annotated[dt.date | None, Query(alias="date")] = None,
) -> list[schemas.JobSummary]:
    """The technician's jobs of a day (today, Eastern time, by default) in route order."""
    return await views.day_summaries(session, technician, day or service.local_today())


@router.get("/jobs/{job}", response_model=schemas.JobDetail, responses=ERRORS)
async def my_job(session: SessionDep, technician: FieldTechnician, job: str) -> schemas.JobDetail:
    """One job: customer contact, location (access notes, OLT/PON/ONU), checklist, equipment."""
    record = await service.job_of_technician(session, technician, job)
    return await views.job_detail(session, record)


@router.post("/jobs/{job}/status", response_model=schemas.JobDetail, responses=ERRORS)
async def change_status(
    request: Request,
    session: SessionDep,
    technician: FieldTechnician,
    job: str,
    data: schemas.StatusChange,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """En route, arrived (check-in with the phone's position) or completed."""
    if data.status in (JobStatus.open, JobStatus.assigned, JobStatus.cancelled):
        raise ValidationFailedError(
            N_("Only the dispatcher can make this change."),
            fields={"status": N_("This change of status is not allowed.")},
        )

    async def action() -> schemas.JobDetail:
        record = await service.job_of_technician(session, technician, job)
        await service.change_job_status(
            session,
            record,
            data.status,
            actor=_actor(technician.name),
            latitude=data.latitude,
            longitude=data.longitude,
        )
        return await views.job_detail(session, record)

    return await run_once(
        session,
        technician=technician.name,
        key=idempotency_key,
        method=request.method,
        path=request.url.path,
        action=action,
    )


@router.patch("/jobs/{job}", response_model=schemas.JobDetail, responses=ERRORS)
async def change_details(
    request: Request,
    session: SessionDep,
    technician: FieldTechnician,
    job: str,
    data: schemas.JobUpdate,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """The job's type and priority, as found on site."""

    async def action() -> schemas.JobDetail:
        record = await service.job_of_technician(session, technician, job)
        await service.change_job_details(
            session,
            record,
            actor=_actor(technician.name),
            job_type=data.job_type,
            priority=data.priority,
        )
        return await views.job_detail(session, record)

    return await run_once(
        session,
        technician=technician.name,
        key=idempotency_key,
        method=request.method,
        path=request.url.path,
        action=action,
    )


@router.post("/jobs/{job}/checklist/{index}", response_model=schemas.JobDetail, responses=ERRORS)
async def tick(
    request: Request,
    session: SessionDep,
    technician: FieldTechnician,
    job: str,
    index: int,
    data: schemas.ChecklistTick,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Tick (or untick) one checklist item."""

    async def action() -> schemas.JobDetail:
        record = await service.job_of_technician(session, technician, job)
        await service.tick_checklist(
            session, record, index, data.done, actor=_actor(technician.name)
        )
        return await views.job_detail(session, record)

    return await run_once(
        session,
        technician=technician.name,
        key=idempotency_key,
        method=request.method,
        path=request.url.path,
        action=action,
    )


@router.get("/equipment", response_model=schemas.EquipmentMatches, responses=ERRORS)
async def search_equipment(
    session: SessionDep,
    _technician: FieldTechnician,
    q: Annotated[str, Query(max_length=60)] = "",
) -> schemas.EquipmentMatches:
    """Find a unit by serial (or GPON serial) first; only if none matches, by MAC address."""
    matches = await equipment_service.search_equipment(session, q)
    return schemas.EquipmentMatches(
        query=q,
        matched_by=matches.matched_by,
        results=[schemas.EquipmentOut.model_validate(item) for item in matches.results],
    )


@router.post(
    "/jobs/{job}/equipment", response_model=schemas.Installed, status_code=201, responses=ERRORS
)
async def install(
    request: Request,
    session: SessionDep,
    technician: FieldTechnician,
    job: str,
    data: schemas.InstallRequest,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Install a unit found by search at the job's customer and location."""

    async def action() -> schemas.Installed:
        record = await service.job_of_technician(session, technician, job)
        unit = await equipment_service.equipment_by_name(session, data.equipment)
        await equipment_service.install_on_job(
            session, record, unit, actor=_actor(technician.name), notes=data.notes
        )
        return schemas.Installed(
            job=record.name, equipment=schemas.EquipmentOut.model_validate(unit)
        )

    return await run_once(
        session,
        technician=technician.name,
        key=idempotency_key,
        method=request.method,
        path=request.url.path,
        action=action,
        status_code=201,
    )


@router.post(
    "/jobs/{job}/equipment/new",
    response_model=schemas.Installed,
    status_code=201,
    responses=ERRORS,
)
async def create_and_install(
    request: Request,
    session: SessionDep,
    technician: FieldTechnician,
    job: str,
    data: schemas.EquipmentNew,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Create a unit that is not in the inventory yet (the five fields) and install it."""

    async def action() -> schemas.Installed:
        record = await service.job_of_technician(session, technician, job)
        unit = await equipment_service.create_equipment(
            session,
            equipment_type=data.equipment_type,
            serial_number=data.serial_number,
            vendor=data.vendor,
            model=data.model,
            mac_address=data.mac_address,
        )
        await equipment_service.install_on_job(
            session, record, unit, actor=_actor(technician.name), notes=data.notes
        )
        return schemas.Installed(
            job=record.name, equipment=schemas.EquipmentOut.model_validate(unit)
        )

    return await run_once(
        session,
        technician=technician.name,
        key=idempotency_key,
        method=request.method,
        path=request.url.path,
        action=action,
        status_code=201,
    )


@router.post(
    "/jobs/{job}/photos",
    response_model=schemas.PhotoOut,
    status_code=201,
    responses={
        **ERRORS,
        413: {"model": ErrorBody, "description": "Over GF_FIELD_PHOTO_MAX_BYTES"},
        415: {"model": ErrorBody, "description": "Not a JPEG, PNG or WebP (by content)"},
    },
    openapi_extra=multipart_body("JPEG, PNG or WebP, checked by content"),
)
async def upload_photo(
    request: Request,
    session: SessionDep,
    technician: FieldTechnician,
    job: str,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """A photo of the work (multipart field `file`, optional `caption`)."""
    settings = request.app.state.settings
    limit: int = settings.field_photo_max_bytes
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit + PHOTO_FORM_OVERHEAD:
        raise FileTooLargeError(photos.PHOTO_TOO_LARGE, limit=round(limit / 1024 / 1024))
    record = await service.job_of_technician(session, technician, job)
    form = await request.form()
    file = form.get("file")
    if not isinstance(file, UploadFile):
        raise ValidationFailedError(CHOOSE_PHOTO, fields={"file": CHOOSE_PHOTO})
    data = await file.read(limit + 1)
    caption = form.get("caption")
    await form.close()

    async def action() -> schemas.PhotoOut:
        photo = await photos.add_photo(
            session,
            record,
            data,
            data_dir=settings.data_dir,
            limit=limit,
            actor=_actor(technician.name),
            caption=caption if isinstance(caption, str) else "",
        )
        base = f"/field/api/jobs/{record.name}/photos/{photo.id}"
        return schemas.PhotoOut(
            id=photo.id,
            caption=photo.caption,
            content_type=photo.content_type,
            size_bytes=photo.size_bytes,
            uploaded_at=photo.uploaded_at,
            url=base,
            thumbnail_url=f"{base}?thumbnail=true",
        )

    return await run_once(
        session,
        technician=technician.name,
        key=idempotency_key,
        method=request.method,
        path=request.url.path,
        action=action,
        status_code=201,
    )


@router.get(
    "/jobs/{job}/photos/{photo_id}",
    response_class=FileResponse,
    responses={**ERRORS, 200: {"content": {"image/jpeg": {}, "image/png": {}, "image/webp": {}}}},
)
async def photo(
    request: Request,
    session: SessionDep,
    technician: FieldTechnician,
    job: str,
    photo_id: int,
    thumbnail: bool = False,
) -> FileResponse:
    """A photo of one of the technician's jobs, or its 480-px thumbnail."""
    record = await service.job_of_technician(session, technician, job)
    path, content_type = await photos.photo_file(
        session,
        record,
        photo_id,
        data_dir=request.app.state.settings.data_dir,
        thumbnail=thumbnail,
    )
    if not path.is_file():
        raise NotFoundError(N_("This photo does not exist."))
    return FileResponse(path, media_type=content_type, headers={"Cache-Control": "private"})


@router.post(
    "/scan",
    response_model=BarcodeReading,
    responses={
        **ERRORS,
        411: {"model": ErrorBody, "description": "No Content-Length"},
        413: {"model": ErrorBody, "description": "Over GF_VISION_MAX_UPLOAD_BYTES"},
        415: {"model": ErrorBody, "description": "Not a picture we read (by content)"},
    },
    openapi_extra=multipart_body("A photo of the label: JPEG, PNG, WebP, GIF, BMP or TIFF"),
)
async def scan(
    request: Request, _size: SizeChecked, _technician: FieldTechnician
) -> BarcodeReading:
    """Up to three barcodes of a label photo (the same reader as `/vision/barcodes`)."""
    upload, _fields = await read_upload(request)
    return await vision.read_barcodes(upload=upload, limit=upload_limit(request))
