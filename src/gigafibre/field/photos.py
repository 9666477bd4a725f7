"""Job photos: checked by content (JPEG, PNG, WebP, decodable), stored under the data dir.

The stored file name is random and ours; the client's name and declared type are ignored.
A 480-px JPEG thumbnail is kept beside each photo so the job page loads fast on a phone.
"""

from __future__ import annotations

import asyncio
import io
import secrets
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.core.errors import NotFoundError, ValidationFailedError
from gigafibre.core.events import emit
from gigafibre.core.i18n import N_
from gigafibre.dispatch.models import DispatchJob
from gigafibre.field.models import JobPhoto
from gigafibre.field.service import job_topics
from gigafibre.vision.errors import FileTooLargeError, UnsupportedFileTypeError
from gigafibre.vision.images import FileKind, sniff

PHOTO_DIR = "field-photos"
PHOTO_KINDS = {FileKind.jpeg: ".jpg", FileKind.png: ".png", FileKind.webp: ".webp"}
THUMBNAIL_SIZE = (480, 480)
MAX_PIXELS = 50_000_000
PHOTO_TOO_LARGE = N_("The photo is larger than {limit} MB.")
NOT_A_PHOTO = N_("This file type is not supported: send a photo (JPEG, PNG or WebP).")
DAMAGED = N_("This photo could not be read: it is damaged or incomplete.")


def photo_dir(data_dir: Path) -> Path:
    return data_dir / PHOTO_DIR


def _thumbnail(data: bytes) -> bytes:
    """Decode the whole picture (a damaged one fails here) and make an upright thumbnail."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ValidationFailedError(DAMAGED, fields={"file": DAMAGED})
            image.load()
            upright = ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValidationFailedError(DAMAGED, fields={"file": DAMAGED}) from None
    upright.thumbnail(THUMBNAIL_SIZE)
    out = io.BytesIO()
    upright.save(out, "JPEG", quality=80)
    return out.getvalue()


def check_photo(data: bytes, *, limit: int) -> FileKind:
    if len(data) > limit:
        raise FileTooLargeError(PHOTO_TOO_LARGE, limit=round(limit / 1024 / 1024))
    if not data:
        raise ValidationFailedError(DAMAGED, fields={"file": DAMAGED})
    kind = sniff(data)
    if kind not in PHOTO_KINDS:
        raise UnsupportedFileTypeError(NOT_A_PHOTO, fields={"file": NOT_A_PHOTO})
    return kind


async def add_photo(
    session: AsyncSession,
    job: DispatchJob,
    data: bytes,
    *,
    data_dir: Path,
    limit: int,
    actor: str,
    caption: str = "",
) -> JobPhoto:
    """Validate, store the photo and its thumbnail, record it; files are removed on failure."""
    kind = check_photo(data, limit=limit)
    thumbnail = await asyncio.to_thread(_thumbnail, data)
    folder = photo_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    stored = f"{job.name}-{secrets.token_hex(12)}{PHOTO_KINDS[kind]}"
    path, thumb_path = folder / stored, folder / f"thumb-{stored}.jpg"
    await asyncio.to_thread(path.write_bytes, data)
    await asyncio.to_thread(thumb_path.write_bytes, thumbnail)
    try:
        photo = JobPhoto(
            job_id=job.id,
            stored_name=stored,
            content_type=kind.value,
            size_bytes=len(data),
            caption=caption.strip()[:200],
            uploaded_by=actor[:80],
        )
        session.add(photo)
        await session.flush()
        await emit(
            session,
            "job.photo_added",
            {"job": job.name, "photo": photo.id, "actor": actor},
            topics=await job_topics(session, job),
        )
    except BaseException:
        path.unlink(missing_ok=True)
        thumb_path.unlink(missing_ok=True)
        raise
    return photo


async def photos_of_job(session: AsyncSession, job: DispatchJob) -> Sequence[JobPhoto]:
    return (
        await session.scalars(
            select(JobPhoto).where(JobPhoto.job_id == job.id).order_by(JobPhoto.id)
        )
    ).all()


async def photo_file(
    session: AsyncSession, job: DispatchJob, photo_id: int, *, data_dir: Path, thumbnail: bool
) -> tuple[Path, str]:
    """The file of one of the job's photos (or its thumbnail) and its content type."""
    photo = await session.scalar(
        select(JobPhoto).where(JobPhoto.id == photo_id, JobPhoto.job_id == job.id)
    )
    if photo is None:
        raise NotFoundError(N_("This photo does not exist."))
    folder = photo_dir(data_dir)
    if thumbnail:
        return folder / f"thumb-{photo.stored_name}.jpg", "image/jpeg"
    return folder / photo.stored_name, photo.content_type
