"""Uploads taken from a request within the size limit, before anything parses the body.

FastAPI would parse a declared `File()` parameter before any dependency runs, so the routes
take the request instead: `check_length` refuses an oversized body from its Content-Length
(nothing read yet, not even by the CSRF check), then `read_upload` parses the form.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import UploadFile

from gigafibre.core.errors import ValidationFailedError
from gigafibre.core.i18n import N_
from gigafibre.vision.errors import FileTooLargeError, LengthRequiredError
from gigafibre.vision.images import Upload
from gigafibre.vision.providers import vision_config
from gigafibre.vision.service import TOO_LARGE, check_size

FORM_OVERHEAD = 64 * 1024  # multipart boundaries, part headers and the other small fields
NEEDS_LENGTH = N_("Send the file with its length (a Content-Length header).")
CHOOSE_FILE = N_("Choose a photo or a PDF.")
FIELDS_NOT_VALID = N_("Some fields are not valid.")


def upload_limit(request: Request) -> int:
    return vision_config(request.app.state.settings).max_upload_bytes


async def check_length(request: Request) -> None:
    limit = upload_limit(request)
    try:
        length = int(request.headers["content-length"])
    except (KeyError, ValueError):
        raise LengthRequiredError(NEEDS_LENGTH) from None
    if length > limit + FORM_OVERHEAD:
        raise FileTooLargeError(TOO_LARGE, limit=round(limit / 1024 / 1024))


SizeChecked = Annotated[None, Depends(check_length)]


async def read_upload(request: Request, field: str = "file") -> tuple[Upload, dict[str, str]]:
    """The uploaded file and the form's other (text) fields."""
    limit = upload_limit(request)
    form = await request.form()
    file = form.get(field)
    if not isinstance(file, UploadFile):
        raise ValidationFailedError(FIELDS_NOT_VALID, fields={field: CHOOSE_FILE})
    upload = Upload(await file.read(limit + 1), file.filename or "")
    values = {key: value for key, value in form.items() if isinstance(value, str)}
    await form.close()  # a spooled temporary file is deleted now: nothing outlives the request
    check_size(upload, limit=limit)
    return upload, values
