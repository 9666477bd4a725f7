"""Inbound channels: Twilio SMS, Mailjet Parse email and 3CX call events.

Each is authenticated before anything is read into the database: Twilio by its
X-Twilio-Signature (the same check as notify's status callback), Mailjet and 3CX by a shared
secret from settings compared in constant time. An empty secret refuses everything.
"""

from __future__ import annotations

import base64
import binascii
import email.utils
import hmac
import re
from typing import Annotated, Any

import structlog
from fastapi import APIRouter, Body, Depends, Header, Query, Request, Response, status

from gigafibre.conversations import attachments as files
from gigafibre.conversations import service, telephony
from gigafibre.conversations.schemas import CallEvent
from gigafibre.core.errors import DomainError, ErrorBody, ForbiddenError
from gigafibre.core.i18n import N_
from gigafibre.core.web import SessionDep
from gigafibre.notify.twilio_signature import BAD_SIGNATURE, TwilioForm
from gigafibre.tickets.models import Channel

router = APIRouter(tags=["webhooks"])
log = structlog.get_logger("gigafibre.conversations.webhooks")
BAD_TOKEN = N_("The webhook token is not valid.")
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'
MESSAGE_ID = re.compile(r"<[^<>\s]{1,240}>")
SMS_INBOUND_FORM: dict[str, Any] = {
    "type": "object",
    "required": ["MessageSid", "From", "Body"],
    "properties": {
        "MessageSid": {"type": "string"},
        "From": {"type": "string", "description": "E.164 number of the sender"},
        "To": {"type": "string"},
        "Body": {"type": "string"},
        "NumMedia": {"type": "string"},
    },
    "additionalProperties": {"type": "string"},
}
SIGNATURE_HEADER = {
    "name": "X-Twilio-Signature",
    "in": "header",
    "required": True,
    "schema": {"type": "string"},
    "description": "Base64 HMAC-SHA1 of the public URL and the sorted form fields.",
}


def same_secret(expected: str, given: str | None) -> bool:
    """Constant-time comparison; an unset secret never matches."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


@router.post(
    "/webhook/twilio/sms-inbound",
    summary="Twilio inbound SMS",
    response_class=Response,
    responses={
        200: {"content": {"text/xml": {}}, "description": "Stored (or a replay): empty TwiML."},
        403: {"model": ErrorBody, "description": BAD_SIGNATURE},
    },
    openapi_extra={
        "parameters": [SIGNATURE_HEADER],
        "requestBody": {
            "required": True,
            "content": {"application/x-www-form-urlencoded": {"schema": SMS_INBOUND_FORM}},
        },
    },
)
async def twilio_sms_inbound(request: Request, form: TwilioForm, session: SessionDep) -> Response:
    """An SMS a customer sent us: threads onto their open ticket (or the unmatched queue)."""
    sender = str(form.get("From") or "")
    inbound = service.Inbound(
        channel=Channel.sms,
        sender=sender,
        recipient=str(form.get("To") or ""),
        content=str(form.get("Body") or "")[:5000],
        external_id=str(form.get("MessageSid") or "")[:250] or None,
    )
    customer = await service.customer_by_phone(session, sender)
    await service.receive(
        session, inbound, customer=customer, data_dir=request.app.state.settings.data_dir
    )
    return Response(EMPTY_TWIML, media_type="text/xml")


def _header(headers: Any, name: str) -> str:
    if not isinstance(headers, dict):
        return ""
    for key, value in headers.items():
        if str(key).lower() == name.lower():
            return str(value[0] if isinstance(value, list) and value else value)
    return ""


def _parse_attachments(payload: dict[str, Any], max_bytes: int) -> tuple[files.NewAttachment, ...]:
    """Mailjet's `Parts` describe each `AttachmentN` (base64); unusable ones are dropped."""
    found: list[files.NewAttachment] = []
    for part in payload.get("Parts") or []:
        if not isinstance(part, dict):
            continue
        ref = str(part.get("ContentRef") or "")
        if not ref.startswith("Attachment") or not isinstance(payload.get(ref), str):
            continue
        headers = part.get("Headers") or {}
        content_type = _header(headers, "Content-Type") or "application/octet-stream"
        disposition = _header(headers, "Content-Disposition")
        match = re.search(r'filename="?([^";]+)"?', disposition) or re.search(
            r'name="?([^";]+)"?', content_type
        )
        try:
            content = base64.b64decode(payload[ref], validate=True)
            found.append(
                files.check(
                    files.NewAttachment(match.group(1) if match else ref, content_type, content),
                    max_bytes=max_bytes,
                )
            )
        except (binascii.Error, DomainError):
            log.info("mailjet.attachment_dropped", part=ref, content_type=content_type[:100])
    return tuple(found)


async def mailjet_token(
    request: Request,
    token: Annotated[
        str | None, Query(max_length=200, description="GF_MAILJET_PARSE_TOKEN")
    ] = None,
) -> None:
    """Mailjet cannot sign or add headers: the secret rides in the URL it is given."""
    if not same_secret(request.app.state.settings.mailjet_parse_token, token):
        raise ForbiddenError(BAD_TOKEN)


@router.post(
    "/webhook/mailjet/parse",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Mailjet Parse API inbound email",
    dependencies=[Depends(mailjet_token)],
    responses={403: {"model": ErrorBody, "description": BAD_TOKEN}},
)
async def mailjet_parse(
    request: Request,
    session: SessionDep,
    payload: Annotated[dict[str, Any], Body(description="Mailjet Parse API JSON")],
) -> Response:
    """An email a customer sent us, threaded by In-Reply-To/References, else by sender."""
    settings = request.app.state.settings
    headers = payload.get("Headers") or {}
    _name, address = email.utils.parseaddr(str(payload.get("From") or payload.get("Sender") or ""))
    references = " ".join((_header(headers, "In-Reply-To"), _header(headers, "References")))
    message_id = MESSAGE_ID.search(_header(headers, "Message-ID"))
    text = str(payload.get("Text-part") or "")
    if not text.strip():
        text = re.sub(r"<[^>]+>", " ", str(payload.get("Html-part") or ""))
    inbound = service.Inbound(
        channel=Channel.email,
        sender=address,
        recipient=str(payload.get("Recipient") or payload.get("To") or "")[:254],
        subject=str(payload.get("Subject") or "")[:200],
        content=text.strip()[:20_000],
        external_id=message_id.group(0) if message_id else None,
        in_reply_to=tuple(MESSAGE_ID.findall(references))[-20:],
        attachments=_parse_attachments(payload, settings.support_attachment_max_bytes),
    )
    customer = await service.customer_by_email(session, address)
    await service.receive(session, inbound, customer=customer, data_dir=settings.data_dir)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


async def threecx_token(
    request: Request, token: Annotated[str | None, Header(alias="X-3CX-Token")] = None
) -> None:
    if not same_secret(request.app.state.settings.threecx_webhook_token, token):
        raise ForbiddenError(BAD_TOKEN)


@router.post(
    "/webhook/3cx/call-event",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="3CX call event",
    dependencies=[Depends(threecx_token)],
    responses={403: {"model": ErrorBody, "description": BAD_TOKEN}},
)
async def threecx_call_event(session: SessionDep, event: CallEvent) -> Response:
    """A call began, was answered or ended: recorded as a phone Communication."""
    await telephony.record_call(session, event)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
