"""Domain errors carry their HTTP status and an English message id, translated when rendered.

Every bad input gets `{"error": code, "message": text, "fields": {...}}` in the caller's language.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from gigafibre.core.i18n import gettext


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
    "missing": "This field is required.",
    "string_too_short": "This field is required.",
    "string_too_long": "This value is too long.",
    "value_error": "This value is not valid.",
    "enum": "Choose one of the listed values.",
    "literal_error": "Choose one of the listed values.",
    "int_parsing": "Enter a whole number.",
    "greater_than_equal": "This number is too small.",
    "less_than_equal": "This number is too large.",
    "invalid_phone": "Enter a valid phone number, e.g. 418 555-0123.",
    "invalid_postal_code": "Enter a valid Canadian postal code, e.g. G1R 2B5.",
    "invalid_email": "Enter a valid email address.",
    "json_invalid": "The request body is not valid JSON.",
}


def field_errors(errors: list[Any]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for error in errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "query")]
        name = ".".join(location) or "body"
        kind = str(error.get("type", ""))
        if kind == "value_error" and "email" in str(error.get("msg", "")).lower():
            kind = "invalid_email"
        fields.setdefault(name, FIELD_MESSAGES.get(kind, "This value is not valid."))
    return fields


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
    404: ("not_found", "This page does not exist."),
    405: ("method_not_allowed", "This method is not allowed here."),
}


async def http_error_handler(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    code, message = HTTP_MESSAGES.get(error.status_code, ("http_error", str(error.detail)))
    return JSONResponse(
        {"error": code, "message": gettext(message), "fields": {}},
        status_code=error.status_code,
        headers=error.headers,
    )
