"""3CX call events (shared token) and the Twilio IVR (signed, TwiML, fr-CA and en)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from xml.etree.ElementTree import Element, fromstring

import httpx
from sqlalchemy import select

from gigafibre.billing.models import SalesInvoice
from gigafibre.core.naming import assign_name
from gigafibre.tickets.models import Channel, Communication, Direction
from tests.conftest import LoginAs, TransactionalDatabase
from tests.conversations.conftest import (
    AGENT_NUMBER,
    MARIE_PHONE,
    THREECX_TOKEN,
    count,
    make_customer,
    post_twilio,
)

CALL_PATH = "/webhook/3cx/call-event"


def call_event(**fields: object) -> dict[str, object]:
    return {
        "call_id": "00042",
        "direction": "inbound",
        "number": "(418) 555-0123",
        "status": "ringing",
        **fields,
    }


async def test_3cx_needs_its_token_and_records_one_call_per_call_id(
    client: httpx.AsyncClient, tx_database: TransactionalDatabase, login_as: LoginAs
) -> None:
    customer = await make_customer(tx_database)
    for headers in ({}, {"X-3CX-Token": "wrong"}, {"X-3CX-Token": THREECX_TOKEN[:-1]}):
        response = await client.post(CALL_PATH, json=call_event(), headers=headers)
        assert response.status_code == 403
    assert await count(tx_database, Communication) == 0
    token = {"X-3CX-Token": THREECX_TOKEN}
    assert (await client.post(CALL_PATH, json=call_event(), headers=token)).status_code == 204
    ended = call_event(status="ended", agent="101 Julie", duration_seconds=185)
    assert (await client.post(CALL_PATH, json=ended, headers=token)).status_code == 204
    async with tx_database.unit_of_work(write=False) as session:
        [call] = (await session.scalars(select(Communication))).all()
    assert (call.channel, call.direction, call.customer_id) == (
        Channel.phone,
        Direction.inbound,
        customer.id,
    )
    assert (call.status, call.author, call.duration_seconds) == ("ended", "101 Julie", 185)
    await login_as("repartiteur", roles=("dispatch",))
    [logged] = (await client.get("/conversations/calls")).json()
    assert (logged["customer"], logged["number"], logged["duration_seconds"]) == (
        customer.name,
        MARIE_PHONE,
        185,
    )
    page = await client.get("/ops/telephony", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "Marie-Ève Tremblay" in page.text
    assert "3:05" in page.text


def twiml(response: httpx.Response) -> Element:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/xml")
    return fromstring(response.text)  # noqa: S314 (our own app's TwiML, in a test)


def call(sender: str, **extra: str) -> dict[str, str]:
    return {
        "CallSid": "CA" + "9" * 32,
        "AccountSid": "AC" + "0" * 32,
        "From": sender,
        "To": "+15815550100",
        "CallStatus": "ringing",
        **extra,
    }


async def owe(db: TransactionalDatabase, customer_id: int, amount: str) -> None:
    async with db.unit_of_work() as session:
        invoice = SalesInvoice(
            customer_id=customer_id,
            posting_date=dt.date(2026, 11, 1),
            due_date=dt.date(2026, 11, 22),
            total=Decimal(amount),
            outstanding_amount=Decimal(amount),
            status="overdue",
        )
        await assign_name(session, invoice)
        session.add(invoice)


async def test_the_ivr_refuses_unsigned_calls(client: httpx.AsyncClient) -> None:
    for path in ("/voice/inbound", "/voice/gather?lang=fr", "/voice/connect-agent?lang=fr"):
        assert (await client.post(path, data=call(MARIE_PHONE))).status_code == 403


async def test_a_known_caller_is_greeted_by_name_and_hears_the_balance(
    client: httpx.AsyncClient, tx_database: TransactionalDatabase
) -> None:
    customer = await make_customer(tx_database)
    await owe(tx_database, customer.id, "86.23")
    menu = twiml(await post_twilio(client, "/voice/inbound", call(MARIE_PHONE)))
    gather = menu.find("Gather")
    assert gather is not None
    assert gather.get("action") == "/voice/gather?lang=fr"
    says = gather.findall("Say")
    assert says[0].get("language") == "fr-CA"
    assert says[0].text == "Bonjour Marie-Ève Tremblay, bienvenue chez Gigafibre."
    assert "faites le 1" in (says[1].text or "")
    assert says[2].get("language") == "en-CA"
    balance = twiml(
        await post_twilio(client, "/voice/gather?lang=fr", call(MARIE_PHONE, Digits="1"))
    )
    assert balance.findtext("Say") == "Votre solde est de 86 dollars et 23 cents."
    assert balance.findtext("Redirect") == "/voice/inbound?lang=fr"
    outage = twiml(
        await post_twilio(client, "/voice/gather?lang=fr", call(MARIE_PHONE, Digits="2"))
    )
    assert outage.findtext("Say") == "Nous ne voyons aucune panne à votre adresse."
    english = twiml(
        await post_twilio(client, "/voice/gather?lang=fr", call(MARIE_PHONE, Digits="9"))
    )
    assert english.findtext("Redirect") == "/voice/inbound?lang=en"
    menu_en = twiml(await post_twilio(client, "/voice/inbound?lang=en", call(MARIE_PHONE)))
    assert menu_en.find("Gather/Say") is not None
    assert menu_en.findtext("Gather/Say") == "Hello Marie-Ève Tremblay, welcome to Gigafibre."
    async with tx_database.unit_of_work(write=False) as session:
        [logged] = (await session.scalars(select(Communication))).all()
    assert (logged.channel, logged.customer_id, logged.status) == (
        Channel.phone,
        customer.id,
        "ivr",
    )


async def test_a_stranger_can_only_reach_an_agent(
    client: httpx.AsyncClient, tx_database: TransactionalDatabase
) -> None:
    await make_customer(tx_database)
    stranger = "+15145550199"
    menu = twiml(await post_twilio(client, "/voice/inbound", call(stranger)))
    assert menu.findtext("Gather/Say") == "Bienvenue chez Gigafibre."
    refused = twiml(await post_twilio(client, "/voice/gather?lang=fr", call(stranger, Digits="1")))
    assert refused.findtext("Say") == "Nous n’avons pas trouvé votre compte à partir de ce numéro."
    to_agent = twiml(await post_twilio(client, "/voice/gather?lang=fr", call(stranger, Digits="0")))
    assert to_agent.findtext("Redirect") == "/voice/connect-agent?lang=fr"
    dial = twiml(await post_twilio(client, "/voice/connect-agent?lang=fr", call(stranger)))
    assert dial.findtext("Dial") == AGENT_NUMBER
    assert dial.findtext("Say") == "Veuillez patienter, nous vous transférons à un agent."
