"""Outgoing webhooks, sent by the outbox worker: a signed JSON POST, retried on 5xx.

The body is signed with HMAC-SHA256 under GF_SECRET_KEY in `X-Gigafibre-Signature:
t=<unix time>,v1=<hex>` over `<t>.<body>`, the way Stripe signs, so a receiver can check it came
from us and is fresh.
"""

from __future__ import annotations

import hashlib
import hmac
import time

import httpx

from gigafibre.core.outbox import OutboxMessage, PermanentSendError, RetriableSendError

SIGNATURE_HEADER = "X-Gigafibre-Signature"
TIMEOUT = httpx.Timeout(10.0, connect=5.0)


def sign(secret: str, body: bytes, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


class WebhookSender:
    def __init__(self, secret: str, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.secret = secret
        self.transport = transport

    async def __call__(self, message: OutboxMessage) -> str:
        body = message.body.encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Gigafibre-Webhooks/1",
            "Idempotency-Key": f"gf-outbox-{message.id}",
            SIGNATURE_HEADER: sign(self.secret, body, int(time.time())),
        }
        try:
            async with httpx.AsyncClient(timeout=TIMEOUT, transport=self.transport) as client:
                response = await client.post(message.recipient, content=body, headers=headers)
        except httpx.HTTPError as error:
            raise RetriableSendError(f"{type(error).__name__}: {error}") from error
        if response.status_code == 429 or response.status_code >= 500:
            retry_after = response.headers.get("retry-after", "")
            raise RetriableSendError(
                f"HTTP {response.status_code}",
                delay_seconds=float(retry_after) if retry_after.isdigit() else None,
            )
        if response.status_code >= 400:
            raise PermanentSendError(f"HTTP {response.status_code}: {response.text[:200]}")
        return f"HTTP {response.status_code}"
