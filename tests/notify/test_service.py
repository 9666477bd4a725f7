"""Queuing renders the message into the caller's transaction and refuses bad recipients."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.core.errors import ValidationFailedError
from gigafibre.core.outbox import OutboxStatus
from gigafibre.notify import service
from gigafibre.notify.providers import EmailAttachment


async def test_an_sms_is_queued_rendered_to_an_e164_number(session: AsyncSession) -> None:
    message = await service.queue_sms(
        session,
        to="(418) 555-0123",
        template="otp",
        language="fr",
        context={"code": "482913"},
        reference="C-000123",
    )
    assert message.id is not None  # flushed in the caller's transaction
    assert message.channel == "sms"
    assert message.recipient == "+14185550123"
    assert message.status is OutboxStatus.pending
    assert "482913" in message.body
    assert message.reference == "C-000123"
    assert message.payload == {"template": "otp", "language": "fr"}


async def test_the_same_dedupe_key_queues_one_sms(session: AsyncSession) -> None:
    first = await service.queue_sms(
        session,
        to="4185550123",
        template="otp",
        language="fr",
        context={"code": "1"},
        dedupe_key="otp:C-1",
    )
    again = await service.queue_sms(
        session,
        to="4185550123",
        template="otp",
        language="fr",
        context={"code": "1"},
        dedupe_key="otp:C-1",
    )
    assert first.id == again.id


async def test_a_bad_phone_number_is_a_field_error(session: AsyncSession) -> None:
    with pytest.raises(ValidationFailedError) as failed:
        await service.queue_sms(
            session, to="555-01", template="otp", language="fr", context={"code": "1"}
        )
    assert set(failed.value.fields) == {"to"}
    assert failed.value.status_code == 422


async def test_an_email_carries_html_threading_and_attachments(session: AsyncSession) -> None:
    message = await service.queue_email(
        session,
        to="luc.bedard@example.ca",
        template="invoice_issued",
        language="en",
        context={"invoice": "INV-0000123", "amount": "114.98", "due_date": "2026-01-15"},
        headers={"In-Reply-To": "<a@b.example>", "References": "<a@b.example>"},
        attachments=[EmailAttachment("INV-0000123.pdf", "application/pdf", b"%PDF")],
    )
    assert message.channel == "email"
    assert message.subject == "Your invoice INV-0000123 for $114.98"
    assert "INV-0000123" in message.body
    assert message.payload["html"].startswith("<!doctype html>")
    assert message.payload["headers"] == {
        "In-Reply-To": "<a@b.example>",
        "References": "<a@b.example>",
    }
    assert message.payload["attachments"] == [
        {"filename": "INV-0000123.pdf", "content_type": "application/pdf", "data": "JVBERg=="}
    ]


@pytest.mark.parametrize(
    ("to", "headers", "field"),
    [
        ("not-an-address", None, "to"),
        ("luc@example.ca", {"References": "<a@b>\r\nBcc: spy@example.com"}, "headers"),
        ("luc@example.ca", {"From": "ceo@example.com"}, "headers"),
    ],
)
async def test_bad_addresses_and_headers_are_field_errors(
    session: AsyncSession, to: str, headers: dict[str, str] | None, field: str
) -> None:
    with pytest.raises(ValidationFailedError) as failed:
        await service.queue_email(
            session, to=to, template="otp", language="fr", context={"code": "1"}, headers=headers
        )
    assert set(failed.value.fields) == {field}
