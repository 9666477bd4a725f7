"""One contract for every email provider: the sandbox, and SMTP against a real aiosmtpd server."""

from __future__ import annotations

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword

from gigafibre.core.outbox import PermanentSendError, RetriableSendError
from gigafibre.notify.providers import (
    EmailAttachment,
    EmailProvider,
    OutgoingEmail,
    SandboxEmail,
    SmtpEmail,
)
from tests.notify.fakes import Mailbox, free_port, serve_smtp

SENDER = "Gigafibre <noreply@gigafibre.ca>"


def an_email(**overrides: object) -> OutgoingEmail:
    values: dict[str, object] = {
        "to": "marie-eve.tremblay@example.ca",
        "subject": "Votre facture INV-0000123",
        "text": "Bonjour,\nVotre facture est prête.\n",
        "html": "<p>Bonjour,</p><p>Votre facture est prête.</p>",
        "message_id": "<gf-outbox-1-1700000000@gigafibre.ca>",
        "headers": {
            "In-Reply-To": "<abc@client.example>",
            "References": "<root@client.example> <abc@client.example>",
        },
        "attachments": (
            EmailAttachment("INV-0000123.pdf", "application/pdf", b"%PDF-1.4 facture"),
        ),
    }
    values.update(overrides)
    return OutgoingEmail(**values)  # type: ignore[arg-type]


@pytest.fixture(params=["sandbox", "smtp"])
def provider(
    request: pytest.FixtureRequest, smtp_server: tuple[Mailbox, int], mailbox: Mailbox
) -> EmailProvider:
    if request.param == "sandbox":
        return SandboxEmail(sender=SENDER)
    return SmtpEmail(host="127.0.0.1", port=smtp_server[1], sender=SENDER)


async def test_a_valid_email_returns_its_message_id(provider: EmailProvider) -> None:
    message = an_email()
    assert await provider.send_email(message) == message.message_id


async def test_an_unknown_mailbox_is_a_permanent_failure(provider: EmailProvider) -> None:
    with pytest.raises(PermanentSendError, match="550"):
        await provider.send_email(an_email(to="nobody@nowhere.invalid"))


async def test_a_header_with_a_line_break_never_leaves(provider: EmailProvider) -> None:
    with pytest.raises(PermanentSendError, match="line breaks"):
        await provider.send_email(an_email(headers={"In-Reply-To": "<a@b>\r\nBcc: x@y.z"}))
    with pytest.raises(PermanentSendError, match="set by the sender"):
        await provider.send_email(an_email(headers={"Bcc": "spy@example.com"}))


# What only SMTP has to prove: the message on the wire and the server's replies.


async def test_smtp_delivers_text_html_threading_and_attachment(
    smtp_server: tuple[Mailbox, int], mailbox: Mailbox
) -> None:
    sender = SmtpEmail(host="127.0.0.1", port=smtp_server[1], sender=SENDER)
    await sender.send_email(an_email())
    [received] = mailbox.received
    assert mailbox.envelopes == [("noreply@gigafibre.ca", ["marie-eve.tremblay@example.ca"])]
    assert received["From"] == SENDER
    assert received["To"] == "marie-eve.tremblay@example.ca"
    assert received["Subject"] == "Votre facture INV-0000123"
    assert received["Message-ID"] == "<gf-outbox-1-1700000000@gigafibre.ca>"
    assert received["In-Reply-To"] == "<abc@client.example>"
    assert received["References"] == "<root@client.example> <abc@client.example>"
    assert received["Auto-Submitted"] == "auto-generated"
    assert received["Date"]
    assert received.get_content_type() == "multipart/mixed"
    text = received.get_body(preferencelist=("plain",))
    html = received.get_body(preferencelist=("html",))
    assert text is not None
    assert "Votre facture est prête." in text.get_content()
    assert html is not None
    assert "<p>Votre facture est prête.</p>" in html.get_content()
    [attachment] = list(received.iter_attachments())
    assert attachment.get_filename() == "INV-0000123.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == b"%PDF-1.4 facture"


async def test_smtp_temporary_refusals_and_outages_are_retriable(
    smtp_server: tuple[Mailbox, int], mailbox: Mailbox
) -> None:
    sender = SmtpEmail(host="127.0.0.1", port=smtp_server[1], sender=SENDER)
    with pytest.raises(RetriableSendError, match="451"):
        await sender.send_email(an_email(to="busy@example.ca"))
    down = SmtpEmail(host="127.0.0.1", port=free_port(), sender=SENDER, timeout=2)
    with pytest.raises(RetriableSendError, match="unreachable"):
        await down.send_email(an_email())
    assert mailbox.received == []


def _authenticator(
    _server: object, _session: object, _envelope: object, _mechanism: str, data: object
) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"relay", b"s3cret")
    return AuthResult(success=ok, handled=False)


async def test_smtp_signs_in_and_a_refused_login_names_the_settings() -> None:
    with serve_smtp(authenticator=_authenticator, auth_require_tls=False) as (box, port):
        good = SmtpEmail(
            host="127.0.0.1", port=port, sender=SENDER, username="relay", password="s3cret"
        )
        await good.send_email(an_email())
        assert len(box.received) == 1
        bad = SmtpEmail(
            host="127.0.0.1", port=port, sender=SENDER, username="relay", password="wrong"
        )
        with pytest.raises(PermanentSendError, match="GF_SMTP_PASSWORD") as refused:
            await bad.send_email(an_email())
        assert "wrong" not in str(refused.value)
