"""Flow 4.1 end to end over HTTP: order, slot, contract, sandbox payment, appointment, portal."""

from __future__ import annotations

import datetime as dt
import re

import httpx
from sqlalchemy import select

from gigafibre.core.events import EventRecord
from gigafibre.dispatch.models import DispatchJob, JobStatus
from gigafibre.signup.models import OrderStatus, SignupOrder, SlotHold
from tests.conftest import TransactionalDatabase
from tests.signup.conftest import World, last_message, place_order
from tests.signup.test_acceptance import HTML, accept_token, contract_form


async def test_paying_the_first_invoice_books_the_held_slot_and_the_portal_shows_it(
    client: httpx.AsyncClient, tx_database: TransactionalDatabase, world: World
) -> None:
    order = await place_order(client, tx_database, world)
    offered = (await client.get(f"/api/slots?token={order['token']}")).json()["slots"]
    assert offered, "the installer has free time in the next two weeks"
    chosen = offered[1]
    assert re.match(r"\w+ \d+ \w+, \d+ h", chosen["label"])
    held = await client.post(
        "/api/slots/hold", json={"token": order["token"], "start": chosen["start"]}
    )
    assert held.status_code == 200, held.text
    early = await client.post("/api/checkout", json={"token": order["token"]})
    assert early.status_code == 409  # accept the contract first
    token = accept_token(order)
    page, shown_hash = await contract_form(client, token)
    assert 'data-testid="held-slot"' in page
    accepted = await client.post(
        "/accept", data={"token": token, "text_hash": shown_hash, "agree": "yes"}, headers=HTML
    )
    checkout = accepted.headers["location"].replace("http://127.0.0.1:8000", "")
    paid = await client.post(checkout, data={"outcome": "pay"}, headers=HTML)
    assert paid.status_code == 303
    welcome = await client.get(
        paid.headers["location"].replace("http://127.0.0.1:8000", ""), headers=HTML
    )
    assert 'data-testid="installation-window"' in welcome.text
    assert chosen["label"] in welcome.text

    async with tx_database.unit_of_work(write=False) as session:
        signup_order = await session.scalar(
            select(SignupOrder).where(SignupOrder.name == order["order"])
        )
        assert signup_order is not None
        assert signup_order.status is OrderStatus.paid
        job = await session.get(DispatchJob, signup_order.job_id)
        hold = await session.scalar(select(SlotHold).where(SlotHold.order_id == signup_order.id))
        assert job is not None
        assert hold is not None
        assert hold.confirmed_at is not None
        assert job.window_start == dt.datetime.fromisoformat(chosen["start"])
        assert job.status is JobStatus.assigned
        assert job.technician_id == hold.technician_id
        scheduled = await session.scalar(
            select(EventRecord).where(EventRecord.name == "installation.scheduled")
        )
        assert scheduled is not None
        assert f"customer:{scheduled.payload['customer']}" in scheduled.topics
    sms = await last_message(tx_database, "+14185550142")
    assert "rendez-vous confirmé" in sms.body

    await client.post("/portal/request-link", json={"contact": "nadia@example.ca"})
    link = re.search(
        r"/portal/auth\?token=([\w.-]+)", (await last_message(tx_database, "nadia@example.ca")).body
    )
    assert link is not None
    await client.get(f"/portal/auth?token={link.group(1)}", headers=HTML)
    dashboard = await client.get("/portal/", headers=HTML)
    assert 'data-testid="next-appointment"' in dashboard.text
    assert chosen["label"] in dashboard.text
    again = await client.post("/api/checkout", json={"token": order["token"]})
    assert again.status_code == 409
