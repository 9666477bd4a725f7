"""/ops/outbox: every SMS and email we sent or will send, and a way to retry dead letters."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from gigafibre.core.errors import NotFoundError
from gigafibre.core.i18n import N_
from gigafibre.core.outbox import OutboxMessage, OutboxStatus, send_again
from gigafibre.core.web import SessionDep, render
from gigafibre.customers.normalize import format_phone
from gigafibre.notify import service
from gigafibre.settings import EmailProvider, Settings, SmsProvider
from gigafibre.staff.auth import require_staff
from gigafibre.staff.models import Role
from gigafibre.staff.service import StaffIdentity

router = APIRouter(prefix="/ops/outbox", include_in_schema=False)

Reader = Annotated[StaffIdentity, Depends(require_staff(Role.support, Role.dispatch, Role.billing))]
PAGE_SIZE = 50
STATUS_LABELS = {
    OutboxStatus.pending: N_("Waiting"),
    OutboxStatus.sending: N_("Sending"),
    OutboxStatus.sent: N_("Sent"),
    OutboxStatus.dead: N_("Failed for good"),
}
CHANNEL_LABELS = {"sms": N_("SMS"), "email": N_("Email"), "webhook": N_("Webhook")}
# Twilio's delivery reports, as staff read them.
DELIVERY_LABELS = {
    "accepted": N_("Accepted"),
    "scheduled": N_("Scheduled"),
    "queued": N_("Queued at the provider"),
    "sending": N_("Sending"),
    "sent": N_("Sent"),
    "delivered": N_("Delivered"),
    "undelivered": N_("Not delivered"),
    "failed": N_("Failed"),
    "canceled": N_("Cancelled"),
    "read": N_("Read"),
}
LABELS = {
    "statuses": STATUS_LABELS,
    "channels": CHANNEL_LABELS,
    "deliveries": DELIVERY_LABELS,
}
STATUS_BADGES = {
    OutboxStatus.pending: "text-bg-warning",
    OutboxStatus.sending: "text-bg-info",
    OutboxStatus.sent: "text-bg-success",
    OutboxStatus.dead: "text-bg-danger",
}


def _masked(settings: Settings, message: OutboxMessage) -> bool:
    """Sign-in codes and links stay hidden unless the sandbox delivered them (the demo)."""
    if not service.is_secret(message):
        return False
    if message.channel == "sms":
        return settings.sms_provider is not SmsProvider.sandbox
    return settings.email_provider is not EmailProvider.sandbox


def _recipient(message: OutboxMessage) -> str:
    if message.channel == "sms" and message.recipient.startswith("+"):
        return format_phone(message.recipient)
    return message.recipient


@router.get("")
async def outbox_page(
    request: Request,
    session: SessionDep,
    _staff: Reader,
    channel: Annotated[str, Query(max_length=20)] = "",
    status: Annotated[OutboxStatus | None, Query()] = None,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> Response:
    page = await service.list_outbox(
        session, channel=channel or None, status=status, offset=offset, limit=PAGE_SIZE
    )
    settings: Settings = request.app.state.settings
    return render(
        request,
        "notify/outbox_list.html",
        {
            "page": page,
            "channel": channel,
            "status": status.value if status else "",
            "statuses": list(OutboxStatus),
            "badges": STATUS_BADGES,
            "masked": {m.id for m in page.messages if _masked(settings, m)},
            "recipient": _recipient,
            "labels": LABELS,
            "active": "outbox",
        },
    )


async def _load(session: SessionDep, message_id: int) -> OutboxMessage:
    message = await session.get(OutboxMessage, message_id)
    if message is None:
        raise NotFoundError("No message has the number {id}.", id=message_id)
    return message


def _attachments(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """Name, type and size of each attachment; the base64 content stays in the row."""
    return [
        {
            "filename": str(item.get("filename", "")),
            "content_type": str(item.get("content_type", "")),
            "size": len(str(item.get("data", ""))) * 3 // 4,
        }
        for item in payload.get("attachments") or []
        if isinstance(item, dict)
    ]


@router.get("/{message_id}")
async def outbox_message(
    request: Request, session: SessionDep, _staff: Reader, message_id: int
) -> Response:
    message = await _load(session, message_id)
    payload = message.payload or {}
    return render(
        request,
        "notify/outbox_detail.html",
        {
            "m": message,
            "badges": STATUS_BADGES,
            "masked": _masked(request.app.state.settings, message),
            "recipient": _recipient(message),
            "html": str(payload.get("html") or ""),
            "headers": payload.get("headers") or {},
            "attachments": _attachments(payload),
            "labels": LABELS,
            "active": "outbox",
        },
    )


@router.post("/{message_id}/send-again")
async def send_message_again(session: SessionDep, _staff: Reader, message_id: int) -> Response:
    """Puts a dead letter back in line; the worker sends it on its next round."""
    await send_again(session, message_id=message_id)
    return RedirectResponse(f"/ops/outbox/{message_id}", status_code=303)
