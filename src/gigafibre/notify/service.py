"""Queue SMS and email in the caller's transaction; read the outbox; record delivery reports.

Queuing renders the message now, in the recipient's language, and stores the final text in the
outbox row: what staff read at /ops/outbox is exactly what left. Nothing is sent here; the worker
sends after the caller's transaction commits, and a rollback takes the message with it.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.core.errors import FIELD_MESSAGES, UNKNOWN_VALUE, ValidationFailedError
from gigafibre.core.i18n import N_
from gigafibre.core.outbox import OutboxMessage, OutboxStatus, enqueue
from gigafibre.customers.normalize import InvalidPhoneError, normalize_phone
from gigafibre.notify.providers.email import EmailAttachment, header_problem
from gigafibre.notify.providers.sms import MAX_SMS_LENGTH
from gigafibre.notify.rendering import normalize_language, render_message

INVALID_FIELDS = N_("Some fields are not valid.")
SMS_TOO_LONG = N_("This message is too long for an SMS.")
# Messages that let whoever reads them sign in as the recipient: masked on /ops/outbox when a
# real provider delivers them, so a support login is not a way into a customer's account.
SECRET_TEMPLATES = frozenset({"otp", "magic_link", "tech_job_link"})
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
# Twilio's delivery states, in the order they happen: a late or replayed callback never moves a
# message backwards (a "sent" arriving after "delivered" is ignored).
DELIVERY_RANK = {
    "accepted": 0,
    "scheduled": 0,
    "queued": 1,
    "sending": 2,
    "sent": 3,
    "delivered": 4,
    "undelivered": 4,
    "failed": 4,
    "canceled": 4,
    "read": 5,
}
DELIVERY_STATUS = re.compile(r"^[a-z_]{1,40}$")


def _invalid(field: str, message: str) -> ValidationFailedError:
    return ValidationFailedError(INVALID_FIELDS, fields={field: message})


async def queue_sms(
    session: AsyncSession,
    *,
    to: str,
    template: str,
    language: str,
    context: Mapping[str, Any],
    reference: str = "",
    dedupe_key: str | None = None,
) -> OutboxMessage:
    """Render `template` in `language` and queue it as an SMS to `to` (any Canadian form)."""
    try:
        number = normalize_phone(to)
    except InvalidPhoneError:
        raise _invalid("to", FIELD_MESSAGES["invalid_phone"]) from None
    rendered = render_message(template, language, context)
    if len(rendered.sms) > MAX_SMS_LENGTH:
        raise _invalid("body", SMS_TOO_LONG)
    return await enqueue(
        session,
        channel="sms",
        recipient=number,
        body=rendered.sms,
        payload={"template": template, "language": normalize_language(language)},
        reference=reference,
        dedupe_key=dedupe_key,
    )


async def queue_email(
    session: AsyncSession,
    *,
    to: str,
    template: str,
    language: str,
    context: Mapping[str, Any],
    reference: str = "",
    headers: Mapping[str, str] | None = None,
    attachments: Sequence[EmailAttachment] | None = None,
    dedupe_key: str | None = None,
) -> OutboxMessage:
    """Render and queue an email; `headers` carries threading (`In-Reply-To`, `References`).

    Header values may come from a customer's own email, so line breaks are refused here rather
    than trusted to reach the SMTP server.
    """
    try:
        address = validate_email(to, check_deliverability=False).normalized
    except EmailNotValidError:
        raise _invalid("to", FIELD_MESSAGES["invalid_email"]) from None
    extra = dict(headers or {})
    for name, value in extra.items():
        if header_problem(name, value) is not None:
            raise _invalid("headers", UNKNOWN_VALUE)
    files = list(attachments or ())
    if sum(len(item.content) for item in files) > MAX_ATTACHMENT_BYTES:
        raise _invalid("attachments", FIELD_MESSAGES["string_too_long"])
    rendered = render_message(template, language, context)
    payload: dict[str, Any] = {
        "template": template,
        "language": normalize_language(language),
        "html": rendered.html,
        "headers": extra,
        "attachments": [
            {
                "filename": item.filename,
                "content_type": item.content_type,
                "data": base64.b64encode(item.content).decode("ascii"),
            }
            for item in files
        ],
    }
    return await enqueue(
        session,
        channel="email",
        recipient=address,
        subject=rendered.subject,
        body=rendered.text,
        payload=payload,
        reference=reference,
        dedupe_key=dedupe_key,
    )


@dataclass(frozen=True)
class OutboxPage:
    messages: list[OutboxMessage]
    counts: dict[str, int]  # messages per status, for the current channel filter
    channels: list[str]
    offset: int
    limit: int
    has_more: bool


async def list_outbox(
    session: AsyncSession,
    *,
    channel: str | None = None,
    status: OutboxStatus | None = None,
    offset: int = 0,
    limit: int = 50,
) -> OutboxPage:
    """Newest first; one row more than asked tells whether there is a next page."""
    query = select(OutboxMessage)
    counting = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    if channel:
        query = query.where(OutboxMessage.channel == channel)
        counting = counting.where(OutboxMessage.channel == channel)
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    rows = list(
        (
            await session.scalars(
                query.order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
                .offset(offset)
                .limit(limit + 1)
            )
        ).all()
    )
    counts = {str(state): int(n) for state, n in (await session.execute(counting)).all()}
    channels = sorted((await session.scalars(select(OutboxMessage.channel).distinct())).all())
    return OutboxPage(
        messages=rows[:limit],
        counts=counts,
        channels=channels,
        offset=offset,
        limit=limit,
        has_more=len(rows) > limit,
    )


def is_secret(message: OutboxMessage) -> bool:
    return (message.payload or {}).get("template") in SECRET_TEMPLATES


async def record_sms_status(
    session: AsyncSession, *, message_sid: str, status: str, error_code: str = ""
) -> int:
    """Apply a Twilio status callback; returns how many rows moved (0 for a replay or stale one).

    Idempotent: the same callback twice changes nothing the second time. A callback that beats
    the worker's own commit of the sid finds no row and is dropped; the next one catches up.
    """
    status = status.strip().lower()
    if not message_sid or not DELIVERY_STATUS.match(status):
        return 0
    rank = DELIVERY_RANK.get(status, 1)
    rows = (
        await session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.channel == "sms", OutboxMessage.provider_reference == message_sid
            )
        )
    ).all()
    moved = 0
    for row in rows:
        current = DELIVERY_RANK.get(row.delivery_status, -1) if row.delivery_status else -1
        if row.delivery_status == status or rank < current:
            continue
        row.delivery_status = status
        if status in ("failed", "undelivered") and error_code:
            row.last_error = f"Twilio error {error_code[:20]}: {status}"
        moved += 1
    await session.flush()
    return moved
