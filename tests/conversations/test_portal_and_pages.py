"""The portal's Messages page (attachments checked, internal notes hidden) and the ops pages."""

from __future__ import annotations

import re

import httpx
from sqlalchemy import select

from gigafibre.conversations import service
from gigafibre.conversations.models import CommunicationAttachment
from gigafibre.settings import Settings
from gigafibre.tickets.models import Channel, Communication, HDTicket
from tests.conftest import LoginAs, TransactionalDatabase
from tests.conversations.conftest import count, make_customer, portal_login

HTML = {"accept": "text/html"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


async def test_a_customer_writes_with_a_file_and_sees_replies_but_not_notes(
    client: httpx.AsyncClient,
    tx_database: TransactionalDatabase,
    conversation_settings: Settings,
    login_as: LoginAs,
) -> None:
    customer = await make_customer(tx_database)
    csrf = await portal_login(client, conversation_settings, customer.name)
    sent = await client.post(
        "/portal/messages",
        data={"body": "Voici une photo du modem", "csrf_token": csrf},
        files={"attachment": ("modem.png", PNG, "image/png")},
    )
    assert sent.status_code == 303, sent.text
    async with tx_database.unit_of_work(write=False) as session:
        ticket = await session.scalar(select(HDTicket))
        stored = await session.scalar(select(CommunicationAttachment))
    assert ticket is not None
    assert ticket.channel is Channel.web
    assert stored is not None
    assert stored.filename == "modem.png"
    assert (conversation_settings.data_dir / "conversations" / stored.stored_as).read_bytes() == PNG
    own = await client.get(f"/portal/messages/attachments/{stored.id}")
    assert own.status_code == 200
    assert own.content == PNG

    portal_cookies = dict(client.cookies)
    client.cookies.clear()
    await login_as("soutien", roles=("support",))
    for body, internal in (("Bien reçu, merci.", False), ("Modem à remplacer", True)):
        response = await client.post(
            f"/conversations/{ticket.name}/replies", json={"body": body, "internal": internal}
        )
        assert response.status_code == 201, response.text
    staff_view = await client.get(f"/ops/tickets/{ticket.name}", headers=HTML)
    assert "Modem à remplacer" in staff_view.text
    assert "modem.png" in staff_view.text

    client.cookies.clear()
    del client.headers["X-CSRF-Token"]
    client.cookies.update(portal_cookies)
    page = await client.get("/portal/messages", headers=HTML)
    assert page.status_code == 200
    assert "Voici une photo du modem" in page.text
    assert "Bien reçu, merci." in page.text
    assert "Modem à remplacer" not in page.text
    assert f'sse-connect="/sse?topic=customer%3A{customer.name}"' in page.text


async def test_a_bad_attachment_is_refused_and_nothing_is_stored(
    client: httpx.AsyncClient, tx_database: TransactionalDatabase, conversation_settings: Settings
) -> None:
    customer = await make_customer(tx_database)
    csrf = await portal_login(client, conversation_settings, customer.name)
    for name, content, kind in (
        ("script.png", b"<script>alert(1)</script>", "image/png"),
        ("setup.exe", b"MZ\x90\x00", "application/octet-stream"),
        (
            "huge.pdf",
            b"%PDF-" + b"0" * conversation_settings.support_attachment_max_bytes,
            "application/pdf",
        ),
    ):
        refused = await client.post(
            "/portal/messages",
            data={"body": "Pièce jointe", "csrf_token": csrf},
            files={"attachment": (name, content, kind)},
            headers=HTML,
        )
        assert refused.status_code == 422, name
    forged = await client.post("/portal/messages", data={"body": "Sans jeton"})
    assert forged.status_code == 403
    assert await count(tx_database, Communication) == 0


async def test_the_portal_api_and_someone_elses_attachment(
    client: httpx.AsyncClient, tx_database: TransactionalDatabase, conversation_settings: Settings
) -> None:
    marie = await make_customer(tx_database)
    jean = await make_customer(tx_database, "Jean Gagnon", "+15815550199", "jean@example.ca")
    csrf = await portal_login(client, conversation_settings, marie.name)
    created = await client.post(
        "/conversations",
        json={"subject": "Déménagement", "body": "Je déménage le 1er"},
        headers={"X-CSRF-Token": csrf},
    )
    assert created.status_code == 201, created.text
    assert created.json()["subject"] == "Déménagement"
    assert created.json()["customer"] == marie.name
    async with tx_database.unit_of_work() as session:
        message = Communication(
            name="COM-9999999",
            customer_id=jean.id,
            channel=Channel.web,
            direction="inbound",
            content="Jean",
        )
        session.add(message)
        await session.flush()
        theirs = CommunicationAttachment(
            communication_id=message.id,
            filename="jean.pdf",
            content_type="application/pdf",
            size=1,
            stored_as="jean-file.pdf",
        )
        session.add(theirs)
        await session.flush()
        theirs_id = theirs.id
    assert (await client.get(f"/portal/messages/attachments/{theirs_id}")).status_code == 404
    assert (await client.get("/conversations")).status_code == 401


async def test_the_ops_inbox_filters_flags_overdue_and_keeps_canned_replies(
    client: httpx.AsyncClient,
    tx_database: TransactionalDatabase,
    conversation_settings: Settings,
    login_as: LoginAs,
) -> None:
    customer = await make_customer(tx_database)
    csrf = await login_as("soutien", roles=("support",))
    async with tx_database.unit_of_work() as session:
        message = await service.receive(
            session,
            service.Inbound(channel=Channel.web, sender=customer.name, content="Plus d'Internet"),
            customer=customer,
            data_dir=conversation_settings.data_dir,
        )
        ticket = await session.get(HDTicket, message.ticket_id)
        assert ticket is not None
        ticket.opened_at = ticket.opened_at.replace(year=2025)
        name = ticket.name
    page = await client.get("/ops/tickets", headers=HTML)
    assert page.status_code == 200
    assert f'data-ticket="{name}"' in page.text
    assert 'data-testid="sla-overdue"' in page.text
    assert 'sse-connect="/sse?topic=conversations"' in page.text
    filtered = await client.get("/ops/tickets?channel=email", headers=HTML)
    assert f'data-ticket="{name}"' not in filtered.text
    saved = await client.post(
        "/ops/tickets/canned",
        data={
            "title": "Panne connue",
            "language": "fr",
            "body": "Une panne est en cours.",
            "csrf_token": csrf,
        },
    )
    assert saved.status_code == 303
    thread = await client.get(f"/ops/tickets/{name}", headers=HTML)
    assert "Panne connue" in thread.text
    replied = await client.post(
        f"/ops/tickets/{name}/reply",
        data={"body": "Une panne est en cours.", "csrf_token": csrf},
    )
    assert replied.status_code == 303
    updated = await client.post(
        f"/ops/tickets/{name}/update",
        data={
            "status": "resolved",
            "priority": "urgent",
            "assignee": "soutien",
            "tags": "panne, secteur",
            "csrf_token": csrf,
        },
    )
    assert updated.status_code == 303
    after = await client.get(f"/ops/tickets/{name}", headers=HTML)
    status = re.search(r'data-testid="ticket-status">([^<]+)<', after.text)
    assert status is not None
    assert status.group(1) == "Résolu"
    assert "panne, secteur" in after.text
