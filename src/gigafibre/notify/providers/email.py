"""Email providers: SMTP through aiosmtplib, and a sandbox that builds the same message.

Both take an `OutgoingEmail` and return its Message-ID, which the outbox keeps as the provider
reference: a customer's reply carries it in `In-Reply-To`, so tickets can thread on it.
SMTP 4xx replies and lost connections are retriable; 5xx replies are permanent.
"""

from __future__ import annotations

import email.utils
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Protocol

import aiosmtplib
import structlog

from gigafibre.core.db import utcnow
from gigafibre.core.outbox import PermanentSendError, RetriableSendError

log = structlog.get_logger("gigafibre.notify.email")

# Headers we set ourselves; a caller may not replace them through `headers`.
PROTECTED_HEADERS = frozenset(
    {"from", "to", "cc", "bcc", "subject", "message-id", "date", "mime-version", "sender"}
)
HEADER_NAME = re.compile(r"^[!-9;-~]{1,76}$")  # printable ASCII without ':' (RFC 5322 ftext)


@dataclass(frozen=True)
class EmailAttachment:
    filename: str
    content_type: str
    content: bytes = field(repr=False)


@dataclass(frozen=True)
class OutgoingEmail:
    """One email, ready to send; `message_id` is `<…@our-domain>`."""

    to: str
    subject: str
    text: str
    message_id: str
    html: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    attachments: tuple[EmailAttachment, ...] = ()


class EmailProvider(Protocol):
    """Sends one email and returns its Message-ID."""

    async def send_email(self, message: OutgoingEmail) -> str: ...


def header_problem(name: str, value: str) -> str | None:
    """Why a caller's header cannot go out as given (None when it can)."""
    if not HEADER_NAME.match(name):
        return "invalid header name"
    if name.lower() in PROTECTED_HEADERS:
        return f"{name} is set by the sender"
    if "\r" in value or "\n" in value:
        return "line breaks in a header value"
    return None


def mail_domain(address: str) -> str:
    """The domain of `Name <user@domain>`, for our Message-IDs and EHLO."""
    _name, addr = email.utils.parseaddr(address)
    domain = addr.rpartition("@")[2].strip().lower()
    return domain or "localhost"


def build_mime(message: OutgoingEmail, *, sender: str) -> EmailMessage:
    """Text with an HTML alternative, threading headers, then attachments (multipart/mixed)."""
    mime = EmailMessage()
    mime["From"] = sender
    mime["To"] = message.to
    mime["Subject"] = message.subject
    mime["Date"] = email.utils.format_datetime(utcnow())
    mime["Message-ID"] = message.message_id
    headers = {"Auto-Submitted": "auto-generated", **message.headers}
    for name, value in headers.items():
        problem = header_problem(name, value)
        if problem is not None:
            raise PermanentSendError(f"header {name!r} refused: {problem}")
        mime[name] = value
    mime.set_content(message.text)
    if message.html:
        mime.add_alternative(message.html, subtype="html")
    for attachment in message.attachments:
        maintype, _slash, subtype = attachment.content_type.partition("/")
        if not maintype or not subtype:
            raise PermanentSendError(f"attachment {attachment.filename!r}: bad content type")
        mime.add_attachment(
            attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    return mime


class SandboxEmail:
    """Builds the message as SMTP would, then keeps it in the outbox row instead of sending it.

    Addresses at the reserved `.invalid` domain are refused like a mailbox that does not exist.
    """

    def __init__(self, *, sender: str) -> None:
        self.sender = sender

    async def send_email(self, message: OutgoingEmail) -> str:
        build_mime(message, sender=self.sender)
        domain = message.to.rpartition("@")[2].lower()
        if not domain or domain.endswith(".invalid"):
            raise PermanentSendError(f"550 5.1.1 {message.to}: mailbox unavailable (sandbox)")
        return message.message_id


@dataclass
class SmtpEmail:
    """SMTP with STARTTLS on 587, implicit TLS on 465, plain on any other port (local relays)."""

    host: str
    port: int
    sender: str
    username: str = ""
    password: str = field(default="", repr=False)
    timeout: float = 30.0

    async def send_email(self, message: OutgoingEmail) -> str:
        mime = build_mime(message, sender=self.sender)
        try:
            await aiosmtplib.send(
                mime,
                hostname=self.host,
                port=self.port,
                username=self.username or None,
                password=self.password or None,
                use_tls=self.port == 465,
                start_tls=self.port == 587,
                local_hostname=mail_domain(self.sender),
                timeout=self.timeout,
            )
        except aiosmtplib.SMTPRecipientsRefused as error:
            codes = [refused.code for refused in error.recipients]
            detail = "; ".join(f"{r.code} {r.message}" for r in error.recipients)[:500]
            if codes and all(code >= 500 for code in codes):
                raise PermanentSendError(f"SMTP refused the recipient: {detail}") from None
            raise RetriableSendError(f"SMTP deferred the recipient: {detail}") from None
        except aiosmtplib.SMTPAuthenticationError as error:
            raise PermanentSendError(
                f"SMTP refused our login ({error.code}): check GF_SMTP_USERNAME and "
                "GF_SMTP_PASSWORD"
            ) from None
        except aiosmtplib.SMTPResponseException as error:
            detail = f"{error.code} {error.message}"[:500]
            if error.code >= 500:
                raise PermanentSendError(f"SMTP refused the message: {detail}") from None
            raise RetriableSendError(f"SMTP deferred the message: {detail}") from None
        except aiosmtplib.SMTPNotSupported as error:
            raise PermanentSendError(
                f"SMTP server does not support what we need ({error.message}): "
                "check GF_SMTP_HOST and GF_SMTP_PORT"
            ) from None
        except (aiosmtplib.SMTPException, OSError) as error:
            log.warning("notify.smtp.retry", error=type(error).__name__)
            raise RetriableSendError(f"SMTP unreachable: {type(error).__name__}") from None
        return message.message_id
