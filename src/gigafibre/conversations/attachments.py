"""Files customers send with a message: checked (size, type, first bytes), kept in the data dir.

The name on disk is random; the customer's filename is only a label, so it cannot choose a
path. The first bytes must match the declared type, so a script renamed `.png` is refused.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from gigafibre.core.errors import NotFoundError, ValidationFailedError
from gigafibre.core.i18n import N_

INVALID_FIELDS = N_("Some fields are not valid.")
TOO_LARGE = N_("This file is too large.")
BAD_TYPE = N_("Only PDF, PNG, JPEG and text files can be attached.")
SUFFIX = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "text/plain": ".txt",
}
MAGIC = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
}
FOLDER = "conversations"


@dataclass(frozen=True)
class NewAttachment:
    filename: str
    content_type: str
    content: bytes = field(repr=False)


def clean_filename(raw: str) -> str:
    name = PurePath(raw.replace("\\", "/")).name.strip() or "fichier"
    return "".join(ch for ch in name if ch.isprintable())[:200]


def check(attachment: NewAttachment, *, max_bytes: int) -> NewAttachment:
    """The attachment, normalised, or a 422 naming the field `attachment`."""
    content_type = attachment.content_type.split(";")[0].strip().lower()
    if len(attachment.content) > max_bytes:
        raise ValidationFailedError(INVALID_FIELDS, fields={"attachment": TOO_LARGE})
    if content_type not in SUFFIX or not attachment.content:
        raise ValidationFailedError(INVALID_FIELDS, fields={"attachment": BAD_TYPE})
    magic = MAGIC.get(content_type)
    if magic is not None and not attachment.content.startswith(magic):
        raise ValidationFailedError(INVALID_FIELDS, fields={"attachment": BAD_TYPE})
    if content_type == "text/plain":
        try:
            attachment.content.decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationFailedError(INVALID_FIELDS, fields={"attachment": BAD_TYPE}) from None
    return NewAttachment(clean_filename(attachment.filename), content_type, attachment.content)


def store(data_dir: Path, attachment: NewAttachment) -> str:
    """Write the bytes under a random name; returns that name."""
    folder = data_dir / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    stored_as = secrets.token_hex(16) + SUFFIX[attachment.content_type]
    (folder / stored_as).write_bytes(attachment.content)
    return stored_as


def path_of(data_dir: Path, stored_as: str) -> Path:
    return data_dir / FOLDER / PurePath(stored_as).name


def existing(data_dir: Path, stored_as: str) -> Path:
    """The file's path, or a 404 when the bytes are gone (restored backup, cleaned disk)."""
    path = path_of(data_dir, stored_as)
    if not path.is_file():
        raise NotFoundError("This file is no longer available.")
    return path
