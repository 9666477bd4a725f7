"""Webhooks from the SMS provider: Twilio's delivery reports for the messages we sent."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response, status
from starlette.datastructures import FormData

from gigafibre.core.errors import ErrorBody
from gigafibre.core.web import SessionDep
from gigafibre.notify import service
from gigafibre.notify.providers import SMS_STATUS_PATH
from gigafibre.notify.twilio_signature import TwilioForm

router = APIRouter(tags=["webhooks"])


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
