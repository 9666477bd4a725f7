"""The providers chosen from settings, and the outbox senders that feed them.

`build_senders(settings)` is called once when the runtime is built (never at import time); it
returns the `Sender` for the outbox channels "sms" and "email". A sender turns an outbox row into
the provider's typed input, so the providers themselves know nothing of the database.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

import httpx

from gigafibre.core.outbox import OutboxMessage, PermanentSendError, Sender
from gigafibre.notify.providers.email import (
    EmailAttachment,
    EmailProvider,
    OutgoingEmail,
    SandboxEmail,
    SmtpEmail,
    mail_domain,
)
from gigafibre.notify.providers.sms import (
    TWILIO_API_BASE,
    SandboxSms,
    SmsMessage,
    SmsProvider,
    TwilioSms,
)
from gigafibre.settings import EmailProvider as EmailProviderName
from gigafibre.settings import Settings
from gigafibre.settings import SmsProvider as SmsProviderName

__all__ = [
    "SMS_STATUS_PATH",
    "EmailAttachment",
    "EmailProvider",
    "OutgoingEmail",
    "ProviderConfigurationError",
    "SandboxEmail",
    "SandboxSms",
    "SmsMessage",
    "SmsProvider",
    "SmtpEmail",
    "TwilioSms",
    "build_email_provider",
    "build_senders",
    "build_sms_provider",
    "email_sender",
    "message_id_for",
    "sms_sender",
]

SMS_STATUS_PATH = "/webhook/twilio/sms-status"


class ProviderConfigurationError(RuntimeError):
    """A real provider was chosen without what it needs; raised at start-up, not at send time."""


def build_sms_provider(
    settings: Settings,
    *,
    twilio_base_url: str = TWILIO_API_BASE,
    http: httpx.AsyncClient | None = None,
) -> SmsProvider:
    if settings.sms_provider is SmsProviderName.sandbox:
        return SandboxSms()
    missing = [
        f"GF_{name.upper()}"
        for name in ("twilio_account_sid", "twilio_auth_token", "twilio_from_number")
        if not getattr(settings, name)
    ]
    if missing:
        raise ProviderConfigurationError(f"GF_SMS_PROVIDER=twilio needs {', '.join(missing)}")
    return TwilioSms(
        account_sid=settings.twilio_account_sid,
        auth_token=settings.twilio_auth_token,
        from_number=settings.twilio_from_number,
        status_callback=settings.public_base_url.rstrip("/") + SMS_STATUS_PATH,
        base_url=twilio_base_url,
        http=http,
    )


def build_email_provider(settings: Settings) -> EmailProvider:
    if settings.email_provider is EmailProviderName.sandbox:
        return SandboxEmail(sender=settings.smtp_from)
    if not settings.smtp_host:
        raise ProviderConfigurationError("GF_EMAIL_PROVIDER=smtp needs GF_SMTP_HOST")
    return SmtpEmail(
        host=settings.smtp_host,
        port=settings.smtp_port,
        sender=settings.smtp_from,
        username=settings.smtp_username,
        password=settings.smtp_password,
    )


def sms_sender(provider: SmsProvider) -> Sender:
    async def send(message: OutboxMessage) -> str:
        return await provider.send_sms(SmsMessage(to=message.recipient, body=message.body))

    return send


def message_id_for(message: OutboxMessage, domain: str) -> str:
    """The row's Message-ID: chosen at queue time, else derived from the row.

    Derived, not random, so a retry after a lost SMTP reply carries the same id and the
    receiving side can recognise the duplicate.
    """
    chosen = message.payload.get("message_id")
    if isinstance(chosen, str) and chosen:
        return chosen
    stamp = int(message.created_at.timestamp()) if message.created_at else 0
    return f"<gf-outbox-{message.id}-{stamp}@{domain}>"


def _attachments(payload: dict[str, Any]) -> tuple[EmailAttachment, ...]:
    found: list[EmailAttachment] = []
    for item in payload.get("attachments") or []:
        try:
            found.append(
                EmailAttachment(
                    filename=str(item["filename"]),
                    content_type=str(item.get("content_type") or "application/octet-stream"),
                    content=base64.b64decode(item["data"], validate=True),
                )
            )
        except (KeyError, TypeError, binascii.Error) as error:
            raise PermanentSendError(f"unreadable attachment in the payload: {error}") from None
    return tuple(found)


def email_sender(provider: EmailProvider, *, domain: str) -> Sender:
    async def send(message: OutboxMessage) -> str:
        payload = message.payload or {}
        headers = payload.get("headers") or {}
        if not isinstance(headers, dict):
            raise PermanentSendError("the payload's headers are not a mapping")
        return await provider.send_email(
            OutgoingEmail(
                to=message.recipient,
                subject=message.subject,
                text=message.body,
                html=str(payload.get("html") or ""),
                message_id=message_id_for(message, domain),
                headers={str(name): str(value) for name, value in headers.items()},
                attachments=_attachments(payload),
            )
        )

    return send


def build_senders(
    settings: Settings,
    *,
    twilio_base_url: str = TWILIO_API_BASE,
    http: httpx.AsyncClient | None = None,
) -> dict[str, Sender]:
    """The outbox senders for "sms" and "email", from `GF_SMS_PROVIDER`/`GF_EMAIL_PROVIDER`."""
    sms = build_sms_provider(settings, twilio_base_url=twilio_base_url, http=http)
    email = build_email_provider(settings)
    return {
        "sms": sms_sender(sms),
        "email": email_sender(email, domain=mail_domain(settings.smtp_from)),
    }
