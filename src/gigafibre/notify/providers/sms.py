"""SMS providers: Twilio's REST API, and a sandbox that answers like Twilio without a network.

Both speak the same `SmsProvider` protocol and fail the same way: `RetriableSendError` when the
provider may take the message later, `PermanentSendError` when it never will (bad number, opted
out, wrong credentials). The sandbox honours Twilio's test "magic" numbers, so a demo or a test
can show a refused number on the same code path as production.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any, Protocol

import httpx
import structlog

from gigafibre.core.outbox import PermanentSendError, RetriableSendError

log = structlog.get_logger("gigafibre.notify.sms")

TWILIO_API_BASE = "https://api.twilio.com"
MAX_SMS_LENGTH = 1600  # Twilio's limit on Body
MAX_RETRY_AFTER_SECONDS = 3600.0
E164 = re.compile(r"^\+[1-9]\d{6,14}$")
# Twilio's test numbers (twilio.com/docs/iam/test-credentials) and the error each one raises.
MAGIC_NUMBERS = {
    "+15005550001": (21211, "The 'To' number is not a valid phone number."),
    "+15005550002": (21612, "The 'To' phone number is not currently reachable via SMS."),
    "+15005550003": (21408, "Permission to send an SMS has not been enabled for the region."),
    "+15005550004": (21610, "Attempt to send to unsubscribed recipient."),
    "+15005550009": (21614, "'To' number is not a valid mobile number."),
}


@dataclass(frozen=True)
class SmsMessage:
    """One SMS to send: an E.164 number and the final text."""

    to: str
    body: str


class SmsProvider(Protocol):
    """Sends one SMS and returns the provider's message id (Twilio's `SM…` sid)."""

    async def send_sms(self, message: SmsMessage) -> str: ...


def _check_before_sending(message: SmsMessage) -> None:
    """Refusals any provider would make, raised before spending a request on them."""
    if not E164.match(message.to):
        raise PermanentSendError(f"21211: {message.to!r} is not an E.164 phone number")
    if not message.body.strip():
        raise PermanentSendError("21602: the message body is empty")
    if len(message.body) > MAX_SMS_LENGTH:
        raise PermanentSendError(f"21617: the body exceeds {MAX_SMS_LENGTH} characters")


class SandboxSms:
    """Delivers at once: the outbox row is the delivered message, readable at /ops/outbox."""

    async def send_sms(self, message: SmsMessage) -> str:
        _check_before_sending(message)
        refused = MAGIC_NUMBERS.get(message.to)
        if refused is not None:
            code, text = refused
            raise PermanentSendError(f"Twilio error {code}: {text}")
        return f"SBX-SM-{secrets.token_hex(16)}"


def retry_after_seconds(value: str | None) -> float | None:
    """`Retry-After` as seconds or as an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER_SECONDS)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    seconds = (when - dt.datetime.now(dt.UTC)).total_seconds()
    return min(max(seconds, 1.0), MAX_RETRY_AFTER_SECONDS)


@dataclass
class TwilioSms:
    """Twilio's Messages API over httpx.

    A time-out after Twilio took the request cannot be told apart from one before it, so such a
    message is retried and may, rarely, arrive twice: Twilio's API has no idempotency key.
    """

    account_sid: str
    auth_token: str = field(repr=False)
    from_number: str
    status_callback: str = ""
    base_url: str = TWILIO_API_BASE
    timeout: httpx.Timeout = field(default_factory=lambda: httpx.Timeout(15.0, connect=5.0))
    http: httpx.AsyncClient | None = field(default=None, repr=False)

    @property
    def messages_url(self) -> str:
        base = self.base_url.rstrip("/")
        return f"{base}/2010-04-01/Accounts/{self.account_sid}/Messages.json"

    async def send_sms(self, message: SmsMessage) -> str:
        _check_before_sending(message)
        # A Messaging Service sid (MG…) lets Twilio pick the sending number from a pool.
        sender = "MessagingServiceSid" if self.from_number.startswith("MG") else "From"
        form = {"To": message.to, sender: self.from_number, "Body": message.body}
        if self.status_callback:
            form["StatusCallback"] = self.status_callback
        try:
            if self.http is not None:
                response = await self._post(self.http, form)
            else:
                async with httpx.AsyncClient(timeout=self.timeout) as http:
                    response = await self._post(http, form)
        except httpx.HTTPError as error:
            raise RetriableSendError(f"Twilio unreachable: {type(error).__name__}") from None
        return self._outcome(response)

    async def _post(self, http: httpx.AsyncClient, form: dict[str, str]) -> httpx.Response:
        return await http.post(
            self.messages_url,
            data=form,
            auth=(self.account_sid, self.auth_token),
            headers={"Accept": "application/json"},
            timeout=self.timeout,
        )

    def _outcome(self, response: httpx.Response) -> str:
        status = response.status_code
        body = _json_object(response)
        if status in (200, 201):
            sid = body.get("sid")
            if not isinstance(sid, str) or not sid:
                raise RetriableSendError(f"Twilio answered {status} without a message sid")
            return sid
        code, text = body.get("code"), str(body.get("message", ""))[:300]
        if status == 401:
            raise PermanentSendError(
                f"Twilio refused our credentials (HTTP 401, error {code}): "
                "check GF_TWILIO_ACCOUNT_SID and GF_TWILIO_AUTH_TOKEN"
            )
        if status == 429 or status >= 500 or status == 408:
            log.warning("notify.twilio.retry", status=status, code=code)
            raise RetriableSendError(
                f"Twilio HTTP {status}" + (f" (error {code})" if code else ""),
                delay_seconds=retry_after_seconds(response.headers.get("retry-after")),
            )
        log.warning("notify.twilio.refused", status=status, code=code)
        raise PermanentSendError(f"Twilio error {code} (HTTP {status}): {text}")


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
