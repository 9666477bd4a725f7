"""Domain errors carry their HTTP status and an English message id, translated when rendered.

Every bad input gets `{"error": code, "message": text, "fields": {...}}` in the caller's language.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from gigafibre.core.i18n import N_, gettext


class DomainError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(
        self, message: str, *, fields: dict[str, str] | None = None, **params: object
    ) -> None:
        super().__init__(message)
        self.message = message
        self.params = params
        self.fields = fields or {}

    def render(self) -> dict[str, Any]:
        return {
            "error": self.code,
            "message": gettext(self.message).format(**self.params),
            "fields": {name: gettext(text) for name, text in self.fields.items()},
        }


class NotFoundError(DomainError):
    status_code = 404
    code = "not_found"


class ValidationFailedError(DomainError):
    status_code = 422
    code = "validation_error"


class ConflictError(DomainError):
    status_code = 409
    code = "conflict"


class AuthenticationRequiredError(DomainError):
    status_code = 401
    code = "authentication_required"


class ForbiddenError(DomainError):
    status_code = 403
    code = "forbidden"


class RateLimitedError(DomainError):
    status_code = 429
    code = "rate_limited"


# Pydantic error types we explain in words; anything else falls back to "This value is not valid."
FIELD_MESSAGES = {
    "missing": N_("This field is required."),
    "string_too_short": N_("This field is required."),
    "string_too_long": N_("This value is too long."),
    "value_error": N_("This value is not valid."),
    "enum": N_("Choose one of the listed values."),
    "literal_error": N_("Choose one of the listed values."),
    "int_parsing": N_("Enter a whole number."),
    "greater_than_equal": N_("This number is too small."),
    "less_than_equal": N_("This number is too large."),
    "invalid_phone": N_("Enter a valid phone number, e.g. 418 555-0123."),
    "invalid_postal_code": N_("Enter a valid Canadian postal code, e.g. G1R 2B5."),
    "invalid_email": N_("Enter a valid email address."),
    "json_invalid": N_("The request body is not valid JSON."),
}


def field_errors(errors: list[Any]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for error in errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "query")]
        name = ".".join(location) or "body"
        kind = str(error.get("type", ""))
        if kind == "value_error" and "email" in str(error.get("msg", "")).lower():
            kind = "invalid_email"
        fields.setdefault(name, FIELD_MESSAGES.get(kind, UNKNOWN_VALUE))
    return fields


UNKNOWN_VALUE = N_("This value is not valid.")


async def domain_error_handler(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, DomainError)
    return JSONResponse(error.render(), status_code=error.status_code)


async def validation_error_handler(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    failed = ValidationFailedError(
        "Some fields are not valid.", fields=field_errors(list(error.errors()))
    )
    return JSONResponse(failed.render(), status_code=422)


HTTP_MESSAGES = {
    404: ("not_found", N_("This page does not exist.")),
    405: ("method_not_allowed", N_("This method is not allowed here.")),
}


async def http_error_handler(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    code, message = HTTP_MESSAGES.get(error.status_code, ("http_error", str(error.detail)))
    return JSONResponse(
        {"error": code, "message": gettext(message), "fields": {}},
        status_code=error.status_code,
        headers=error.headers,
    )


class ErrorBody(BaseModel):
    """The body of every 4xx/5xx answer, for OpenAPI `responses=`."""

    error: str
    message: str
    fields: dict[str, str]
