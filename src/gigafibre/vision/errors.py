"""Errors of the vision endpoints, rendered like every other domain error (fr/en JSON body)."""

from __future__ import annotations

from gigafibre.core.errors import DomainError


class FileTooLargeError(DomainError):
    status_code = 413
    code = "file_too_large"


class LengthRequiredError(DomainError):
    status_code = 411
    code = "length_required"


class UnsupportedFileTypeError(DomainError):
    status_code = 415
    code = "unsupported_file_type"


class UnreadableFileError(DomainError):
    status_code = 422
    code = "unreadable_file"


class VisionUnavailableError(DomainError):
    """The reading service failed in a way that may pass: try again later."""

    status_code = 503
    code = "vision_unavailable"


class VisionNeedsActionError(DomainError):
    """The reading service refuses us until someone fixes its set-up (key, model, quota)."""

    status_code = 502
    code = "vision_needs_action"
