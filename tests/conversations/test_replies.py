"""Staff replies leave on the customer's channel through the outbox, exactly once; email
replies thread; internal notes stay inside; status changes announce themselves."""

from __future__ import annotations

from email import message_from_bytes, policy

import httpx
from sqlalchemy import select

from gigafibre.core.events import EventRecord
from gigafibre.core.outbox import OutboxMessage, OutboxStatus, OutboxWorker
from gigafibre.notify.providers import OutgoingEmail, SmsMessage, email_sender, sms_sender
from gigafibre.notify.providers.email import build_mime
from gigafibre.tickets.models import Communication, HDTicket
from tests.conftest import LoginAs, TransactionalDatabase
from tests.conversations.conftest import (
    MAILJET_TOKEN,
    MARIE_EMAIL,
    MARIE_PHONE,
    make_customer,
    post_twilio,
    sms,
)
from tests.conversations.test_inbound import parse_payload

PARSE_PATH = f"/webhook/mailjet/parse?token={MAILJET_TOKEN}"


class RecordingSms:
    """An SMS provider at its boundary: counts what it is asked to send."""

    def __init__(self) -> None:
        self.sent: list[SmsMessage] = []

    async def send_sms(self, message: SmsMessage) -> str:
        self.sent.append(message)
        return f"SM{len(self.sent):032d}"


class RecordingEmail:
    def __init__(self) -> None:
        self.sent: list[OutgoingEmail] = []

    async def send_email(self, message: OutgoingEmail) -> str:
        build_mime(message, sender="Gigafibre <soutien@gigafibre.ca>")
        self.sent.append(message)
        return message.message_id


async def ticket_name(db: TransactionalDatabase) -> str:
    async with db.unit_of_work(write=False) as session:
        name: str | None = await session.scalar(select(HDTicket.name))
    assert name is not None
    return name


async def outbox(db: TransactionalDatabase) -> list[OutboxMessage]:
    async with db.unit_of_work(write=False) as session:
        return list((await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all())


async def test_a_staff_reply_is_delivered_by_sms_exactly_once(
    client: httpx.AsyncClient, tx_database: TransactionalDatabase, login_as: LoginAs
) -> None:
    await make_customer(tx_database)
    await post_twilio(
        client, "/webhook/twilio/sms-inbound", sms(MARIE_PHONE, "Panne?", "SM" + "5" * 32)
    )
    name = await ticket_name(tx_database)
    await login_as("soutien", roles=("support",))
    response = await client.post(
        f"/conversations/{name}/replies", json={"body": "Un technicien passe demain."}
    )
    assert response.status_code == 201, response.text
    assert response.json()["delivery"] == "queued"
    provider = RecordingSms()
    worker = OutboxWorker(tx_database, {"sms": sms_sender(provider)}, concurrency=1)
    assert await worker.run_once() == 1
    assert await worker.run_once() == 0
    assert [(m.to, m.body) for m in provider.sent] == [
        (MARIE_PHONE, f"Gigafibre ({name}) : Un technicien passe demain.")
    ]
    [row] = await outbox(tx_database)
    assert row.status is OutboxStatus.sent
    assert row.reference == name
    thread = (await client.get(f"/conversations/{name}")).json()
    assert thread["status"] == "replied"
    assert [m["delivery"] for m in thread["messages"]] == ["received", "sent"]
    report = {
        "MessageSid": row.provider_reference,
        "MessageStatus": "delivered",
        "AccountSid": "AC" + "0" * 32,
        "To": MARIE_PHONE,
    }
    assert (await post_twilio(client, "/webhook/twilio/sms-status", report)).status_code == 204
    thread = (await client.get(f"/conversations/{name}")).json()
    assert [m["delivery"] for m in thread["messages"]] == ["received", "delivered"]


async def test_an_email_reply_threads_on_the_customers_message(
    client: httpx.AsyncClient, tx_database: TransactionalDatabase, login_as: LoginAs
) -> None:
    await make_customer(tx_database)
    first = await client.post(PARSE_PATH, json=parse_payload())
    assert first.status_code == 204
    name = await ticket_name(tx_database)
    await login_as("soutien", roles=("support",))
    response = await client.post(f"/conversations/{name}/replies", json={"body": "Nous vérifions."})
    assert response.status_code == 201, response.text
    provider = RecordingEmail()
    worker = OutboxWorker(
        tx_database, {"email": email_sender(provider, domain="gigafibre.ca")}, concurrency=1
    )
    assert await worker.run_once() == 1
    [sent] = provider.sent
    assert sent.to == MARIE_EMAIL
    assert "Soutien, L'équipe Gigafibre" in sent.text  # signed with the agent's full name
    assert sent.headers["In-Reply-To"] == "<abc-1@mail.example.ca>"
    assert sent.headers["References"] == "<abc-1@mail.example.ca>"
    assert sent.message_id.endswith(f".{name}@gigafibre.ca>")
    mime = message_from_bytes(
        bytes(build_mime(sent, sender="Gigafibre <soutien@gigafibre.ca>")), policy=policy.default
    )
    assert mime["In-Reply-To"] == "<abc-1@mail.example.ca>"
    assert mime["Message-ID"] == sent.message_id
    # She answers from another address: In-Reply-To still finds the ticket.
    answer = parse_payload(
        From="Marie <marie.perso@example.org>",
        Sender="marie.perso@example.org",
        Subject=f"Re: [{name}] Facture trop élevée",
        Headers={
            "Message-ID": "<abc-2@mail.example.org>",
            "In-Reply-To": sent.message_id,
            "References": f"<abc-1@mail.example.ca> {sent.message_id}",
        },
        **{"Text-part": "Merci!"},
    )
    assert (await client.post(PARSE_PATH, json=answer)).status_code == 204
    thread = (await client.get(f"/conversations/{name}")).json()
    assert [m["content"] for m in thread["messages"]] == [
        "Bonjour, ma facture a doublé.",
        "Nous vérifions.",
        "Merci!",
    ]
    assert thread["status"] == "open"
    second = await client.post(f"/conversations/{name}/replies", json={"body": "Réglé."})
    assert second.status_code == 201
    rows = await outbox(tx_database)
    assert rows[-1].payload["headers"] == {
        "In-Reply-To": "<abc-2@mail.example.org>",
        "References": f"<abc-1@mail.example.ca> {sent.message_id} <abc-2@mail.example.org>",
    }


async def test_an_internal_note_is_never_sent_nor_shown_to_the_customer(
    client: httpx.AsyncClient, tx_database: TransactionalDatabase, login_as: LoginAs
) -> None:
    customer = await make_customer(tx_database)
    await post_twilio(
        client, "/webhook/twilio/sms-inbound", sms(MARIE_PHONE, "Allô", "SM" + "6" * 32)
    )
    name = await ticket_name(tx_database)
    await login_as("soutien", roles=("support",))
    note = await client.post(
        f"/conversations/{name}/replies", json={"body": "Client difficile", "internal": True}
    )
    assert note.status_code == 201
    assert await outbox(tx_database) == []
    async with tx_database.unit_of_work(write=False) as session:
        [event] = (
            await session.scalars(select(EventRecord).where(EventRecord.name == "ticket.note"))
        ).all()
    assert event.topics == ["conversations"]
    thread = (await client.get(f"/conversations/{name}")).json()
    assert thread["status"] == "open"
    assert thread["sla"]["first_response_overdue"] is False
    assert f"customer:{customer.name}" not in event.topics


async def test_resolving_emits_ticket_resolved_and_readers_cannot_write(
    client: httpx.AsyncClient, tx_database: TransactionalDatabase, login_as: LoginAs
) -> None:
    await make_customer(tx_database)
    await post_twilio(
        client, "/webhook/twilio/sms-inbound", sms(MARIE_PHONE, "Allô", "SM" + "7" * 32)
    )
    name = await ticket_name(tx_database)
    await login_as("soutien", roles=("support",))
    changed = await client.patch(
        f"/conversations/{name}",
        json={"status": "resolved", "priority": "high", "assignee": "soutien", "tags": ["Panne"]},
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["status"], body["priority"], body["assignee"], body["tags"]) == (
        "resolved",
        "high",
        "soutien",
        ["panne"],
    )
    async with tx_database.unit_of_work(write=False) as session:
        names = (await session.scalars(select(EventRecord.name).order_by(EventRecord.id))).all()
        ticket = await session.scalar(select(HDTicket))
    assert names[-2:] == ["ticket.updated", "ticket.resolved"]
    assert ticket is not None
    assert ticket.resolved_at is not None
    listed = (await client.get("/conversations", params={"tag": "panne"})).json()["items"]
    assert [item["name"] for item in listed] == [name]
    assert (await client.get("/conversations", params={"status": "open"})).json()["items"] == []
    client.cookies.clear()
    await login_as("repartiteur", roles=("dispatch",))
    assert (await client.get(f"/conversations/{name}")).status_code == 200
    refused = await client.post(f"/conversations/{name}/replies", json={"body": "Salut"})
    assert refused.status_code == 403
    async with tx_database.unit_of_work(write=False) as session:
        assert (await session.scalars(select(Communication))).all()[-1].content == "Allô"
