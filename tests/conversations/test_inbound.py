"""Inbound channels: Twilio SMS (signature first), Mailjet email, the unmatched queue."""

from __future__ import annotations

import base64

import httpx
from sqlalchemy import select

from gigafibre.conversations.models import CommunicationAttachment
from gigafibre.core.events import EventRecord
from gigafibre.tickets.models import Channel, Communication, HDTicket, TicketStatus
from gigafibre.tickets.service import open_ticket
from tests.conftest import LoginAs, TransactionalDatabase
from tests.conversations.conftest import (
    MAILJET_TOKEN,
    MARIE_EMAIL,
    MARIE_PHONE,
    count,
    make_customer,
    post_twilio,
    signature,
    sms,
)

SMS_PATH = "/webhook/twilio/sms-inbound"
PARSE_PATH = f"/webhook/mailjet/parse?token={MAILJET_TOKEN}"


async def thread_of(db: TransactionalDatabase, ticket_id: int) -> list[Communication]:
    async with db.unit_of_work(write=False) as session:
        return list(
            (
                await session.scalars(
                    select(Communication)
                    .where(Communication.ticket_id == ticket_id)
                    .order_by(Communication.id)
                )
            ).all()
        )


async def events(db: TransactionalDatabase, name: str) -> list[EventRecord]:
    async with db.unit_of_work(write=False) as session:
        return list(
            (await session.scalars(select(EventRecord).where(EventRecord.name == name))).all()
        )


async def test_a_forged_signature_is_refused_and_stores_nothing(
    client: httpx.AsyncClient, tx_database: TransactionalDatabase
) -> None:
    await make_customer(tx_database)
    params = sms(MARIE_PHONE, "Internet coupé", "SM" + "f" * 32)
    forged = await post_twilio(client, SMS_PATH, params, token="guessed-" + "g" * 24)
    missing = await client.post(SMS_PATH, data=params)
    other_body = {**params, "Body": "autre chose"}
    tampered = await client.post(
        SMS_PATH, data=other_body, headers={"X-Twilio-Signature": signature(SMS_PATH, params)}
    )
    for response in (forged, missing, tampered):
        assert response.status_code == 403
        assert response.json()["error"] == "forbidden"
    assert await count(tx_database, Communication) == 0
    assert await count(tx_database, HDTicket) == 0
    assert await events(tx_database, "ticket.created") == []


async def test_an_sms_from_a_known_number_threads_onto_the_open_ticket(
    client: httpx.AsyncClient, tx_database: TransactionalDatabase
) -> None:
    customer = await make_customer(tx_database)
    async with tx_database.unit_of_work() as session:
        ticket = await open_ticket(
            session, customer_id=customer.id, subject="Lenteur", channel=Channel.web
        )
        ticket.status = TicketStatus.replied
    first = await post_twilio(
        client, SMS_PATH, sms("418 555-0123", "Toujours lent", "SM" + "1" * 32)
    )
    assert first.status_code == 200
    assert first.headers["content-type"].startswith("text/xml")
    assert "<Response" in first.text
    replay = await post_twilio(
        client, SMS_PATH, sms("418 555-0123", "Toujours lent", "SM" + "1" * 32)
    )
    assert replay.status_code == 200
    messages = await thread_of(tx_database, ticket.id)
    assert [(m.channel, m.content, m.customer_id) for m in messages] == [
        (Channel.sms, "Toujours lent", customer.id)
    ]
    async with tx_database.unit_of_work(write=False) as session:
        reopened = await session.get(HDTicket, ticket.id)
        assert reopened is not None
        assert reopened.status is TicketStatus.open
    assert await count(tx_database, HDTicket) == 1
    announced = await events(tx_database, "ticket.message")
    assert len(announced) == 1
    assert set(announced[0].topics) == {"conversations", f"customer:{customer.name}"}


async def test_a_first_message_opens_a_ticket_and_says_so(
    client: httpx.AsyncClient, tx_database: TransactionalDatabase
) -> None:
    customer = await make_customer(tx_database)
    response = await post_twilio(
        client, SMS_PATH, sms(MARIE_PHONE, "Mon modem clignote", "SM" + "2" * 32)
    )
    assert response.status_code == 200
    async with tx_database.unit_of_work(write=False) as session:
        ticket = await session.scalar(select(HDTicket).where(HDTicket.customer_id == customer.id))
    assert ticket is not None
    assert ticket.channel is Channel.sms
    assert ticket.subject == "Mon modem clignote"
    created = await events(tx_database, "ticket.created")
    assert [event.payload["ticket"] for event in created] == [ticket.name]


async def test_an_unknown_sender_waits_until_staff_link_it(
    client: httpx.AsyncClient, tx_database: TransactionalDatabase, login_as: LoginAs
) -> None:
    customer = await make_customer(tx_database)
    response = await post_twilio(
        client, SMS_PATH, sms("+15815559999", "C'est Marie, nouveau cell", "SM" + "3" * 32)
    )
    assert response.status_code == 200
    assert await count(tx_database, HDTicket) == 0
    await login_as("soutien", roles=("support",))
    queue = await client.get("/conversations/unmatched")
    assert queue.status_code == 200
    [waiting] = queue.json()
    assert waiting["sender"] == "+15815559999"
    linked = await client.post(
        f"/conversations/unmatched/{waiting['name']}/link", json={"customer": customer.name}
    )
    assert linked.status_code == 200, linked.text
    thread = linked.json()
    assert thread["customer"] == customer.name
    assert [m["content"] for m in thread["messages"]] == ["C'est Marie, nouveau cell"]
    assert (await client.get("/conversations/unmatched")).json() == []
    again = await client.post(
        f"/conversations/unmatched/{waiting['name']}/link", json={"customer": customer.name}
    )
    assert again.status_code == 409
    follow_up = await post_twilio(
        client, SMS_PATH, sms("+15815559999", "Encore moi", "SM" + "4" * 32)
    )
    assert follow_up.status_code == 200
    assert len((await client.get("/conversations/unmatched")).json()) == 1


def parse_payload(**fields: object) -> dict[str, object]:
    payload: dict[str, object] = {
        "Sender": MARIE_EMAIL,
        "Recipient": "soutien@gigafibre.ca",
        "Date": "20261129T091500",
        "From": f"Marie-Ève Tremblay <{MARIE_EMAIL}>",
        "To": "Soutien Gigafibre <soutien@gigafibre.ca>",
        "Subject": "Facture trop élevée",
        "Headers": {"Message-ID": "<abc-1@mail.example.ca>", "Subject": "Facture trop élevée"},
        "Parts": [
            {"Headers": {"Content-Type": "text/plain; charset=UTF-8"}, "ContentRef": "Text-part"}
        ],
        "Text-part": "Bonjour, ma facture a doublé.",
        "Html-part": "<p>Bonjour, ma facture a doublé.</p>",
        "SpamAssassinScore": "0.0",
    }
    payload.update(fields)
    return payload


async def test_mailjet_needs_the_shared_secret(
    client: httpx.AsyncClient, tx_database: TransactionalDatabase
) -> None:
    await make_customer(tx_database)
    for path in ("/webhook/mailjet/parse", "/webhook/mailjet/parse?token=wrong"):
        response = await client.post(path, json=parse_payload())
        assert response.status_code == 403
    assert await count(tx_database, Communication) == 0


async def test_an_email_opens_a_ticket_with_its_attachment(
    client: httpx.AsyncClient, tx_database: TransactionalDatabase
) -> None:
    customer = await make_customer(tx_database)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\n"
    payload = parse_payload(
        Parts=[
            {"Headers": {"Content-Type": "text/plain"}, "ContentRef": "Text-part"},
            {
                "Headers": {
                    "Content-Type": 'application/pdf; name="facture.pdf"',
                    "Content-Disposition": 'attachment; filename="facture.pdf"',
                },
                "ContentRef": "Attachment1",
            },
            {
                "Headers": {"Content-Type": 'application/x-msdownload; name="virus.exe"'},
                "ContentRef": "Attachment2",
            },
        ],
        Attachment1=base64.b64encode(pdf).decode(),
        Attachment2=base64.b64encode(b"MZ\x90\x00").decode(),
    )
    response = await client.post(PARSE_PATH, json=payload)
    assert response.status_code == 204, response.text
    async with tx_database.unit_of_work(write=False) as session:
        message = await session.scalar(select(Communication))
        assert message is not None
        ticket = await session.get(HDTicket, message.ticket_id)
        files = (await session.scalars(select(CommunicationAttachment))).all()
    assert message.customer_id == customer.id
    assert message.external_id == "<abc-1@mail.example.ca>"
    assert message.content == "Bonjour, ma facture a doublé."
    assert ticket is not None
    assert ticket.subject == "Facture trop élevée"
    assert [(f.filename, f.content_type, f.size) for f in files] == [
        ("facture.pdf", "application/pdf", len(pdf))
    ]
