"""Webhooks from the SMS provider: Twilio's delivery reports for the messages we sent."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response, status
from pydantic import BaseModel
from starlette.datastructures import FormData
from twilio.request_validator import RequestValidator  # type: ignore[import-untyped]

from gigafibre.core.errors import ForbiddenError
from gigafibre.core.i18n import N_
from gigafibre.core.web import SessionDep
from gigafibre.notify import service
from gigafibre.notify.providers import SMS_STATUS_PATH

router = APIRouter(tags=["webhooks"])

BAD_SIGNATURE = N_("The request signature is not valid.")


class ErrorBody(BaseModel):
    error: str
    message: str
    fields: dict[str, str]


STATUS_CALLBACK_FORM: dict[str, Any] = {
    "type": "object",
    "required": ["MessageSid", "MessageStatus"],
    "properties": {
        "MessageSid": {"type": "string", "description": "The sid Twilio gave the message."},
        "MessageStatus": {
            "type": "string",
            "description": "queued, sending, sent, delivered, undelivered, failed, …",
        },
        "ErrorCode": {"type": "string", "description": "Twilio error code when it failed."},
        "AccountSid": {"type": "string"},
        "From": {"type": "string"},
        "To": {"type": "string"},
    },
    "additionalProperties": {"type": "string"},
}


def public_url(request: Request) -> str:
    """The URL Twilio called, as the world sees it: behind a proxy the scheme and host differ."""
    base: str = request.app.state.settings.public_base_url.rstrip("/")
    query = f"?{request.url.query}" if request.url.query else ""
    return f"{base}{request.url.path}{query}"


async def signed_by_twilio(request: Request) -> FormData:
    """The form, once X-Twilio-Signature proves Twilio sent it; 403 before anything is stored.

    Without an auth token configured nothing can be verified, so everything is refused.
    """
    token: str = request.app.state.settings.twilio_auth_token
    signature = request.headers.get("x-twilio-signature")
    if not token or not signature:
        raise ForbiddenError(BAD_SIGNATURE)
    form = await request.form()
    if any(not isinstance(value, str) for _key, value in form.multi_items()):
        raise ForbiddenError(BAD_SIGNATURE)
    if not RequestValidator(token).validate(public_url(request), form, signature):
        raise ForbiddenError(BAD_SIGNATURE)
    return form


TwilioForm = Annotated[FormData, Depends(signed_by_twilio)]


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value[:200] if isinstance(value, str) else ""


@router.post(
    SMS_STATUS_PATH,
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Twilio SMS status callback",
    responses={
        204: {"description": "Recorded, or already known (a replay changes nothing)."},
        403: {"model": ErrorBody, "description": "X-Twilio-Signature missing or not valid."},
    },
    openapi_extra={
        "parameters": [
            {
                "name": "X-Twilio-Signature",
                "in": "header",
                "required": True,
                "schema": {"type": "string"},
                "description": "Base64 HMAC-SHA1 of the public URL and the sorted form fields, "
                "keyed with the account's auth token.",
            }
        ],
        "requestBody": {
            "required": True,
            "content": {"application/x-www-form-urlencoded": {"schema": STATUS_CALLBACK_FORM}},
        },
    },
)
async def twilio_sms_status(form: TwilioForm, session: SessionDep) -> Response:
    """Delivery report for an SMS we sent: sets the outbox row's delivery status.

    The signature is checked before the database is touched. Reports are matched to the outbox
    by `MessageSid`; unknown sids are accepted and ignored so Twilio does not retry them.
    """
    await service.record_sms_status(
        session,
        message_sid=_text(form, "MessageSid"),
        status=_text(form, "MessageStatus"),
        error_code=_text(form, "ErrorCode"),
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
