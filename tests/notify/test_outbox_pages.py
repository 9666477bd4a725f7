"""Staff read the outbox at /ops/outbox and put dead letters back in line."""

from __future__ import annotations

import httpx
from sqlalchemy import update

from gigafibre.core.outbox import OutboxMessage, OutboxStatus
from gigafibre.notify import pages, service
from gigafibre.settings import Settings, SmsProvider
from tests.conftest import LoginAs, TransactionalDatabase

HTML = {"accept": "text/html"}


async def queue_some(db: TransactionalDatabase) -> tuple[int, int]:
    async with db.unit_of_work() as session:
        sms = await service.queue_sms(
            session,
            to="418 555-0123",
            template="appointment_confirmed",
            language="fr",
            context={
                "date": "4 décembre",
                "window": "8 h - 12 h",
                "address": "12, rue Saint-Jean",
                "technician": "Éric",
            },
            reference="DJ-000045",
        )
        email = await service.queue_email(
            session,
            to="luc@example.ca",
            template="invoice_issued",
            language="fr",
            context={"invoice": "INV-0000123", "amount": "114.98", "due_date": "15 janvier"},
        )
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == email.id)
            .values(status=OutboxStatus.dead, attempts=8, last_error="SMTP refused: 550")
        )
        return sms.id, email.id


async def test_the_outbox_lists_every_message_with_its_state(
    client: httpx.AsyncClient, login_as: LoginAs, tx_database: TransactionalDatabase
) -> None:
    sms_id, email_id = await queue_some(tx_database)
    await login_as("dispatcher", ("dispatch",))
    page = await client.get("/ops/outbox", headers=HTML)
    assert page.status_code == 200
    assert f'data-testid="outbox-row-{sms_id}"' in page.text
    assert f'data-testid="outbox-row-{email_id}"' in page.text
    assert "418 555-0123" in page.text
    assert "Votre facture INV-0000123" in page.text
    assert "SMTP refused: 550" in page.text
    assert page.text.index(f"outbox-row-{email_id}") < page.text.index(f"outbox-row-{sms_id}")
    assert f'data-testid="send-again-{email_id}"' in page.text
    assert f'data-testid="send-again-{sms_id}"' not in page.text

    only_sms = await client.get("/ops/outbox?channel=sms", headers=HTML)
    assert f"outbox-row-{sms_id}" in only_sms.text
    assert f"outbox-row-{email_id}" not in only_sms.text
    only_dead = await client.get("/ops/outbox?status=dead", headers=HTML)
    assert f"outbox-row-{email_id}" in only_dead.text
    assert f"outbox-row-{sms_id}" not in only_dead.text


async def test_the_detail_shows_the_rendered_message(
    client: httpx.AsyncClient, login_as: LoginAs, tx_database: TransactionalDatabase
) -> None:
    sms_id, email_id = await queue_some(tx_database)
    await login_as("agent", ("support",))
    sms = await client.get(f"/ops/outbox/{sms_id}", headers=HTML)
    assert sms.status_code == 200
    assert "rendez-vous confirmé le 4 décembre" in sms.text
    email = await client.get(f"/ops/outbox/{email_id}", headers=HTML)
    assert 'data-testid="subject">Votre facture INV-0000123' in email.text
    assert "<iframe" in email.text
    assert 'sandbox=""' in email.text
    missing = await client.get("/ops/outbox/999999", headers=HTML)
    assert missing.status_code == 404


async def test_send_again_puts_a_dead_letter_back_in_line(
    client: httpx.AsyncClient, login_as: LoginAs, tx_database: TransactionalDatabase
) -> None:
    sms_id, email_id = await queue_some(tx_database)
    csrf = await login_as("biller", ("billing",))
    del client.headers["X-CSRF-Token"]  # the button posts the form field, as a browser does
    refused = await client.post(f"/ops/outbox/{email_id}/send-again", headers=HTML)
    assert refused.status_code == 403
    response = await client.post(
        f"/ops/outbox/{email_id}/send-again", data={"csrf_token": csrf}, headers=HTML
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/ops/outbox/{email_id}"
    async with tx_database.unit_of_work(write=False) as session:
        message = await session.get(OutboxMessage, email_id)
        assert message is not None
        assert message.status is OutboxStatus.pending
        assert message.attempts == 0
    not_dead = await client.post(
        f"/ops/outbox/{sms_id}/send-again", data={"csrf_token": csrf}, headers=HTML
    )
    assert not_dead.status_code == 409


async def test_technicians_do_not_see_the_outbox(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    await login_as("tech", ("tech",))
    assert (await client.get("/ops/outbox", headers=HTML)).status_code == 403


async def test_sign_in_codes_are_hidden_unless_the_sandbox_delivered_them(
    settings: Settings, tx_database: TransactionalDatabase
) -> None:
    async with tx_database.unit_of_work() as session:
        otp = await service.queue_sms(
            session, to="4185550123", template="otp", language="fr", context={"code": "123456"}
        )
    real = settings.model_copy(update={"sms_provider": SmsProvider.twilio})
    assert pages._masked(real, otp)
    assert not pages._masked(settings, otp)
