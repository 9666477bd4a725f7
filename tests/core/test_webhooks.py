from __future__ import annotations

import hashlib
import hmac

import httpx
import pytest

from gigafibre.core.outbox import OutboxMessage, PermanentSendError, RetriableSendError
from gigafibre.core.webhooks import SIGNATURE_HEADER, WebhookSender

SECRET = "w" * 40


def message(body: str = '{"job": "DJ-000001"}') -> OutboxMessage:
    return OutboxMessage(id=42, channel="webhook", recipient="https://hooks.example/in", body=body)


async def test_a_webhook_is_a_signed_json_post() -> None:
    seen: list[httpx.Request] = []

    def receiver(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    sender = WebhookSender(SECRET, transport=httpx.MockTransport(receiver))
    assert await sender(message()) == "HTTP 204"
    request = seen[0]
    assert request.headers["content-type"] == "application/json"
    assert request.headers["idempotency-key"] == "gf-outbox-42"
    parts = dict(part.split("=", 1) for part in request.headers[SIGNATURE_HEADER].split(","))
    expected = hmac.new(
        SECRET.encode(), f"{parts['t']}.".encode() + request.content, hashlib.sha256
    ).hexdigest()
    assert hmac.compare_digest(parts["v1"], expected)


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (500, RetriableSendError),
        (503, RetriableSendError),
        (429, RetriableSendError),
        (404, PermanentSendError),
        (400, PermanentSendError),
    ],
)
async def test_server_errors_are_retried_and_client_errors_are_final(
    status: int, error: type[Exception]
) -> None:
    sender = WebhookSender(SECRET, transport=httpx.MockTransport(lambda _r: httpx.Response(status)))
    with pytest.raises(error):
        await sender(message())


async def test_an_unreachable_receiver_is_retried() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    sender = WebhookSender(SECRET, transport=httpx.MockTransport(refuse))
    with pytest.raises(RetriableSendError):
        await sender(message())
