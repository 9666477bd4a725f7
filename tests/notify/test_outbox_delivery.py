"""Through the outbox worker with the real providers: an outage delays, never drops or doubles."""

from __future__ import annotations

import base64
from collections import Counter

import pytest
from sqlalchemy import select, update

from gigafibre.core.db import Database, utcnow
from gigafibre.core.outbox import OutboxMessage, OutboxStatus, OutboxWorker
from gigafibre.notify import service
from gigafibre.notify.providers import (
    EmailAttachment,
    ProviderConfigurationError,
    build_senders,
)
from gigafibre.settings import Settings, SmsProvider
from tests.conftest import TransactionalDatabase
from tests.notify.fakes import FakeTwilio, Mailbox

OUTAGE_REQUESTS = 25


async def make_due(db: Database) -> None:
    async with db.unit_of_work() as session:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.pending)
            .values(next_attempt_at=utcnow())
        )


async def all_messages(db: Database) -> dict[str, OutboxMessage]:
    async with db.unit_of_work(write=False) as session:
        rows = (await session.scalars(select(OutboxMessage))).all()
        return {row.recipient: row for row in rows}


async def test_every_sms_is_delivered_exactly_once_after_a_twilio_outage(
    tx_database: TransactionalDatabase, notify_settings: Settings, twilio: FakeTwilio
) -> None:
    numbers = [f"+1418555{n:04d}" for n in range(100, 110)]
    refused = "+14185550999"
    twilio.fail_next = OUTAGE_REQUESTS
    twilio.refused[refused] = 21211
    async with tx_database.unit_of_work() as session:
        for n, number in enumerate([*numbers, refused]):
            await service.queue_sms(
                session,
                to=number,
                template="otp",
                language="fr",
                context={"code": f"{n:06d}"},
                reference=f"TEST-{n}",
            )
    worker = OutboxWorker(
        tx_database,
        build_senders(notify_settings, twilio_base_url=twilio.url),
        concurrency=1,
    )
    rounds = 0
    while await worker.run_once():
        rounds += 1
        assert rounds < 10, "the outbox never drained"
        await make_due(tx_database)

    assert len(twilio.requests) > OUTAGE_REQUESTS  # the outage really hit the queue
    bodies = Counter(message["Body"] for message in twilio.accepted)
    assert len(bodies) == len(numbers)
    assert set(bodies.values()) == {1}
    rows = await all_messages(tx_database)
    sids = {message["To"]: message["sid"] for message in twilio.accepted}
    for number in numbers:
        assert rows[number].status is OutboxStatus.sent
        assert rows[number].provider_reference == sids[number]
        assert rows[number].attempts >= 2
    dead = rows[refused]
    assert dead.status is OutboxStatus.dead
    assert "21211" in dead.last_error
    assert refused not in sids


async def test_a_queued_email_reaches_the_smtp_server_threaded(
    tx_database: TransactionalDatabase, notify_settings: Settings, mailbox: Mailbox
) -> None:
    async with tx_database.unit_of_work() as session:
        queued = await service.queue_email(
            session,
            to="Marie-Eve.Tremblay@example.ca",
            template="ticket_reply",
            language="fr-CA",
            context={"ticket": "TKT-000012", "message": "Votre modem a été remplacé."},
            reference="TKT-000012",
            headers={"In-Reply-To": "<q1@client.example>", "References": "<q1@client.example>"},
            attachments=[EmailAttachment("photo.jpg", "image/jpeg", b"\xff\xd8\xff")],
        )
    worker = OutboxWorker(tx_database, build_senders(notify_settings), concurrency=1)
    assert await worker.run_once() == 1
    [received] = mailbox.received
    async with tx_database.unit_of_work(write=False) as session:
        sent = await session.get(OutboxMessage, queued.id)
        assert sent is not None
    assert sent.status is OutboxStatus.sent
    assert sent.provider_reference == received["Message-ID"]
    assert received["Message-ID"].endswith("@gigafibre.ca>")
    assert received["In-Reply-To"] == "<q1@client.example>"
    assert received["Subject"] == "[TKT-000012] Réponse à votre demande"
    [photo] = list(received.iter_attachments())
    assert photo.get_content() == b"\xff\xd8\xff"
    assert sent.payload["attachments"][0]["data"] == base64.b64encode(b"\xff\xd8\xff").decode()


async def test_the_sandbox_delivers_into_the_outbox_at_once(
    tx_database: TransactionalDatabase, settings: Settings
) -> None:
    async with tx_database.unit_of_work() as session:
        sms = await service.queue_sms(
            session, to="418 555-0123", template="otp", language="en", context={"code": "123456"}
        )
        mail = await service.queue_email(
            session, to="luc@example.ca", template="otp", language="fr", context={"code": "1"}
        )
    worker = OutboxWorker(tx_database, build_senders(settings), concurrency=1)
    assert await worker.run_once() == 2
    async with tx_database.unit_of_work(write=False) as session:
        sent_sms = await session.get(OutboxMessage, sms.id)
        sent_mail = await session.get(OutboxMessage, mail.id)
    assert sent_sms is not None
    assert sent_mail is not None
    assert sent_sms.status is sent_mail.status is OutboxStatus.sent
    assert sent_sms.provider_reference.startswith("SBX-SM-")
    assert sent_mail.provider_reference == f"<gf-outbox-{mail.id}-" + (
        f"{int(mail.created_at.timestamp())}@gigafibre.ca>"
    )


def test_twilio_without_its_settings_stops_the_start(settings: Settings) -> None:
    chosen = settings.model_copy(update={"sms_provider": SmsProvider.twilio})
    with pytest.raises(ProviderConfigurationError, match="GF_TWILIO_AUTH_TOKEN"):
        build_senders(chosen)
    assert set(build_senders(settings)) == {"sms", "email"}
