"""GET /sse and POST /broadcast in process: who is let in, and what a stream carries.

httpx's ASGITransport hands back a response only once the app has finished it, so each stream
here is ended by closing the broker once the subscription is registered (real sockets are in
test_sse_servers.py).
"""

from __future__ import annotations

import asyncio
import datetime as dt

import httpx
import pytest
from fastapi import FastAPI

from gigafibre.app import create_app
from gigafibre.core.db import Database
from gigafibre.core.links import Audience, issue_link_token
from gigafibre.core.realtime import MemoryBroker
from gigafibre.live import api as live_api
from gigafibre.settings import Settings
from tests.conftest import LoginAs, TransactionalDatabase


def live_app(settings: Settings, database: Database, broker: MemoryBroker) -> FastAPI:
    """`create_app` with a broker of the test's own."""
    app = create_app(settings, database=database)
    app.state.broker = broker
    return app


@pytest.fixture
def broker() -> MemoryBroker:
    return MemoryBroker(first_id=0)


@pytest.fixture
def app(settings: Settings, tx_database: TransactionalDatabase, broker: MemoryBroker) -> FastAPI:
    return live_app(settings, tx_database, broker)


def link(settings: Settings, subject: str, audience: Audience) -> dict[str, str]:
    token = issue_link_token(settings.jwt_secret, subject=subject, audience=audience)
    return {"Authorization": f"Bearer {token}"}


async def stream(
    client: httpx.AsyncClient, broker: MemoryBroker, url: str, **kwargs: object
) -> httpx.Response:
    """The whole response of a stream, ended by closing the broker once it is subscribed."""
    request = asyncio.create_task(client.get(url, **kwargs))  # type: ignore[arg-type]
    async with asyncio.timeout(5):
        while broker.fanout.count == 0 and not request.done():  # noqa: ASYNC110 (polls the app)
            await asyncio.sleep(0.005)
        await broker.close()
        return await request


async def test_anonymous_visitors_get_401(client: httpx.AsyncClient) -> None:
    response = await client.get("/sse?topic=dispatch")
    assert response.status_code == 401
    assert response.json()["error"] == "authentication_required"
    assert (
        await client.post("/broadcast", json={"topic": "dispatch", "event": "x"})
    ).status_code == 401


async def test_a_forged_or_expired_link_gets_401(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    forged = await client.get("/sse?topic=customer:C-000001&token=not-a-token")
    assert forged.status_code == 401
    expired = issue_link_token(
        settings.jwt_secret,
        subject="C-000001",
        audience=Audience.portal,
        lifetime=-dt.timedelta(seconds=1),
    )
    response = await client.get(f"/sse?topic=customer:C-000001&token={expired}")
    assert response.status_code == 401


async def test_a_customer_follows_its_own_topic_and_no_other(
    client: httpx.AsyncClient, settings: Settings, broker: MemoryBroker
) -> None:
    own = link(settings, "C-000123", Audience.portal)
    other = await client.get("/sse?topic=customer:C-000124", headers=own)
    assert other.status_code == 403
    body = other.json()
    assert (body["error"], body["fields"]) == ("forbidden", {})
    assert "customer:C-000124" in body["message"]
    mixed = await client.get("/sse?topic=customer:C-000123&topic=dispatch", headers=own)
    assert mixed.status_code == 403
    first = await broker.publish("customer:C-000123", "invoice.issued", '{"n": 1}')
    await broker.publish("customer:C-000124", "invoice.issued", '{"n": 2}')
    response = await stream(
        client, broker, "/sse?topic=customer:C-000123&last_event_id=0", headers=own
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/event-stream; charset=utf-8"
    assert response.headers["cache-control"] == "no-store"
    assert response.text == f'id: {first}\nevent: invoice.issued\ndata: {{"n": 1}}\n\n'


async def test_the_link_may_come_in_the_query_for_eventsource(
    client: httpx.AsyncClient, settings: Settings, broker: MemoryBroker
) -> None:
    token = issue_link_token(settings.jwt_secret, subject="C-000123", audience=Audience.portal)
    response = await stream(client, broker, f"/sse?topic=customer:C-000123&token={token}")
    assert response.status_code == 200


async def test_a_technician_follows_its_own_topic_and_no_other(
    client: httpx.AsyncClient, settings: Settings, broker: MemoryBroker
) -> None:
    own = link(settings, "TECH-0001", Audience.tech)
    for topic in ("technician:TECH-0002", "dispatch", "customer:TECH-0001"):
        assert (await client.get(f"/sse?topic={topic}", headers=own)).status_code == 403
    response = await stream(client, broker, "/sse?topic=technician:TECH-0001", headers=own)
    assert response.status_code == 200


async def test_unknown_or_missing_topics_get_422(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    own = link(settings, "C-000123", Audience.portal)
    unknown = await client.get("/sse?topic=customer:C-000123&topic=billing", headers=own)
    assert unknown.status_code == 422
    assert unknown.json()["error"] == "validation_error"
    assert "billing" in unknown.json()["message"]
    assert (await client.get("/sse", headers=own)).status_code == 422


async def test_staff_follow_topics_by_role(
    client: httpx.AsyncClient, login_as: LoginAs, broker: MemoryBroker
) -> None:
    await login_as("compta", roles=("billing",))
    assert (await client.get("/sse?topic=dispatch")).status_code == 403
    response = await stream(client, broker, "/sse?topic=customer:C-000123")
    assert response.status_code == 200


async def test_the_last_event_id_header_wins_over_the_query(
    client: httpx.AsyncClient, login_as: LoginAs, broker: MemoryBroker
) -> None:
    await login_as("dispatcher", roles=("dispatch",))
    ids = [await broker.publish("dispatch", "job.assigned", str(n)) for n in range(3)]
    response = await stream(
        client,
        broker,
        f"/sse?topic=dispatch&last_event_id={ids[0]}",
        headers={"Last-Event-ID": ids[1]},
    )
    assert response.text == f"id: {ids[2]}\nevent: job.assigned\ndata: 2\n\n"


async def test_a_staff_broadcast_reaches_subscribers(
    client: httpx.AsyncClient, login_as: LoginAs, broker: MemoryBroker
) -> None:
    await login_as("soutien", roles=("support",))
    async with broker.subscribe(["conversations"]) as subscription:
        answer = await client.post(
            "/broadcast",
            json={"topic": "conversations", "event": "ticket.created", "data": {"t": "TKT-1"}},
        )
        assert answer.status_code == 200, answer.text
        batch = await subscription.next_batch(max_wait=1)
    assert batch is not None
    assert [(m.id, m.event, m.data) for m in batch] == [
        (answer.json()["id"], "ticket.created", '{"t": "TKT-1"}')
    ]


async def test_broadcast_needs_a_broadcasting_role(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    await login_as("compta", roles=("billing",))
    body = {"topic": "customer:C-000001", "event": "note", "data": "hello"}
    refused = await client.post("/broadcast", json=body)
    assert refused.status_code == 403
    assert refused.json()["error"] == "forbidden"


async def test_broadcast_goes_only_to_known_topics_the_sender_may_follow(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    await login_as("soutien", roles=("support",))
    body = {"topic": "customer:C-000001", "event": "note", "data": "hello"}
    assert (await client.post("/broadcast", json={**body, "topic": "dispatch"})).status_code == 403
    assert (await client.post("/broadcast", json={**body, "topic": "bogus"})).status_code == 422
    assert (await client.post("/broadcast", json={**body, "event": "a\nb"})).status_code == 422
    too_long = {**body, "data": "x" * (live_api.MAX_DATA + 1)}
    assert (await client.post("/broadcast", json=too_long)).status_code == 422
    assert (await client.post("/broadcast", json=body)).status_code == 200


async def test_broadcast_needs_the_csrf_token(client: httpx.AsyncClient, login_as: LoginAs) -> None:
    await login_as("admin", roles=("admin",))
    del client.headers["X-CSRF-Token"]
    refused = await client.post("/broadcast", json={"topic": "dispatch", "event": "note"})
    assert refused.status_code == 403
    assert refused.json()["error"] == "forbidden"
