"""Uptime Kuma's webhook (token first), the Réseau page and the /olt JSON API."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest_asyncio
from sqlalchemy import select

from gigafibre.app import create_app
from gigafibre.core.events import EventRecord
from gigafibre.network import service
from gigafibre.network.models import Olt, Outage, OutageCustomer, OutageScope, OutageSource
from gigafibre.network.outages import open_outage
from gigafibre.settings import Settings
from tests.conftest import LoginAs, TransactionalDatabase
from tests.network.conftest import OLT_NAME, make_neighbourhood

TOKEN = "kuma-shared-token-0123456789"
HTML = {"accept": "text/html"}


def heartbeat(status: int, *, hostname: str = "10.20.0.1") -> dict[str, object]:
    return {
        "heartbeat": {
            "monitorID": 7,
            "status": status,
            "time": "2026-11-29 04:10:00.000",
            "msg": "timeout" if status == 0 else "OK",
            "important": True,
        },
        "monitor": {
            "id": 7,
            "name": "OLT Limoilou",
            "type": "ping",
            "hostname": hostname,
            "url": "https://",
            "active": True,
            "interval": 60,
        },
        "msg": "[OLT Limoilou] [Down] timeout",
    }


@pytest_asyncio.fixture(loop_scope="session")
async def kuma(
    settings: Settings, tx_database: TransactionalDatabase
) -> AsyncIterator[httpx.AsyncClient]:
    with_token = settings.model_copy(update={"kuma_webhook_token": TOKEN})
    app = create_app(with_token, database=tx_database)
    transport = httpx.ASGITransport(app=app, client=("203.0.113.9", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


async def test_kuma_webhook_refuses_a_missing_or_wrong_token(
    kuma: httpx.AsyncClient, tx_database: TransactionalDatabase
) -> None:
    async with tx_database.unit_of_work() as session:
        await make_neighbourhood(session, host="10.20.0.1", port=161, community="c", per_port=2)
    missing = await kuma.post("/webhook/kuma", json=heartbeat(0))
    wrong = await kuma.post("/webhook/kuma", json=heartbeat(0), headers={"X-Gigafibre-Token": "x"})
    almost = await kuma.post("/webhook/kuma", params={"token": TOKEN[:-1]}, json=heartbeat(0))
    assert [r.status_code for r in (missing, wrong, almost)] == [403, 403, 403]
    assert missing.json()["error"] == "forbidden"
    async with tx_database.unit_of_work() as session:
        assert list(await session.scalars(select(Outage))) == []


async def test_kuma_test_button_and_unknown_monitor(kuma: httpx.AsyncClient) -> None:
    test = await kuma.post(
        "/webhook/kuma", params={"token": TOKEN}, json={"heartbeat": None, "monitor": None}
    )
    assert test.json() == {"action": "test", "outage": ""}
    stranger = await kuma.post(
        "/webhook/kuma", params={"token": TOKEN}, json=heartbeat(0, hostname="192.0.2.99")
    )
    assert stranger.json()["action"] == "unknown_monitor"


async def test_kuma_down_opens_an_olt_outage_and_up_closes_it(
    kuma: httpx.AsyncClient, tx_database: TransactionalDatabase
) -> None:
    async with tx_database.unit_of_work() as session:
        hood = await make_neighbourhood(
            session, host="10.20.0.1", port=161, community="c", per_port=3
        )
    headers = {"X-Gigafibre-Token": TOKEN}
    down = await kuma.post("/webhook/kuma", json=heartbeat(0), headers=headers)
    again = await kuma.post("/webhook/kuma", json=heartbeat(0), headers=headers)
    assert down.status_code == 200, down.text
    assert down.json()["action"] == "opened"
    assert again.json() == {"action": "unchanged", "outage": down.json()["outage"]}
    async with tx_database.unit_of_work() as session:
        outage = (await session.scalars(select(Outage))).one()
        assert (outage.scope, outage.source) == (OutageScope.olt, OutageSource.kuma)
        listed = set(await session.scalars(select(OutageCustomer.service_location_id)))
        assert listed == {location.id for location in hood.locations.values()}
        any_location = hood.locations[("0/1/2", 1)].id
        assert [o.name for o in await service.outages_at_location(session, any_location)] == [
            outage.name
        ]
    up = await kuma.post("/webhook/kuma", json=heartbeat(1), headers=headers)
    assert up.json()["action"] == "closed"
    async with tx_database.unit_of_work() as session:
        resolved = await session.scalars(
            select(EventRecord).where(EventRecord.name == "outage.resolved")
        )
        assert len(list(resolved)) == 6


async def test_network_page_and_olt_api(
    client: httpx.AsyncClient, login_as: LoginAs, tx_database: TransactionalDatabase
) -> None:
    async with tx_database.unit_of_work() as session:
        hood = await make_neighbourhood(
            session, host="10.20.0.1", port=161, community="c", per_port=2
        )
        await open_outage(
            session,
            olt_id=hood.olt.id,
            pon_port_id=None,
            source=OutageSource.kuma,
            cause="Uptime Kuma: fibre cut",
            location_ids=[hood.locations[("0/1/1", 1)].id],
        )
    await login_as("support-net", ("support",))
    page = await client.get("/ops/network", headers=HTML)
    assert page.status_code == 200
    assert OLT_NAME in page.text
    assert "/ops/network/devices" in page.text
    assert hood.customers[("0/1/1", 1)].name in page.text
    assert 'sse-connect="/sse?topic=network"' in page.text
    olts = (await client.get("/olt")).json()
    assert [o["name"] for o in olts] == [OLT_NAME]
    outages = (await client.get("/olt/outages")).json()
    assert outages[0]["customers"][0]["customer"] == hood.customers[("0/1/1", 1)].name
    assert (await client.get(f"/olt/{OLT_NAME}")).status_code == 200
    assert (await client.get("/olt/OLT-NOPE")).status_code == 404
    no_polls_yet = await client.get(f"/olt/{OLT_NAME}/readings", params={"port": "0/1/1"})
    assert no_polls_yet.status_code == 404  # ports appear with the first poll
    name = outages[0]["name"]
    closed = await client.post(f"/olt/outages/{name}/close")
    assert closed.status_code == 200, closed.text
    assert closed.json()["closed_at"]
    again = await client.post(f"/olt/outages/{name}/close")
    assert again.status_code == 409
    assert (await client.post("/olt/outages/OUT-999999/close")).status_code == 404
    async with tx_database.unit_of_work() as session:
        resolved = await session.scalars(
            select(EventRecord).where(EventRecord.name == "outage.resolved")
        )
        assert [e.payload["customer"] for e in resolved] == [hood.customers[("0/1/1", 1)].name]


async def test_network_is_not_for_technicians(client: httpx.AsyncClient, login_as: LoginAs) -> None:
    await login_as("tech-only", ("tech",))
    assert (await client.get("/olt")).status_code == 403
    assert (await client.get("/ops/network", headers=HTML)).status_code == 403


async def test_kuma_matches_the_monitored_host_before_the_monitor_name(
    kuma: httpx.AsyncClient, tx_database: TransactionalDatabase
) -> None:
    async with tx_database.unit_of_work() as session:
        await make_neighbourhood(session, host="10.20.0.1", port=161, community="c", per_port=1)
        session.add(Olt(name="OLT-TEST-02", vendor="huawei_ma5800", host="10.20.0.2"))
    body = heartbeat(0, hostname="")
    body["monitor"] = {"id": 8, "name": OLT_NAME, "type": "http", "url": "https://10.20.0.2:8443/"}
    opened = await kuma.post("/webhook/kuma", json=body, headers={"X-Gigafibre-Token": TOKEN})
    assert opened.json()["action"] == "opened"
    async with tx_database.unit_of_work() as session:
        outage = (await session.scalars(select(Outage))).one()
        olt = await session.get(Olt, outage.olt_id)
        assert olt is not None
        assert olt.name == "OLT-TEST-02"


async def test_staff_close_an_outage_from_the_page(
    client: httpx.AsyncClient, login_as: LoginAs, tx_database: TransactionalDatabase
) -> None:
    async with tx_database.unit_of_work() as session:
        hood = await make_neighbourhood(
            session, host="10.20.0.1", port=161, community="c", per_port=1
        )
        outage = await open_outage(
            session,
            olt_id=hood.olt.id,
            pon_port_id=None,
            source=OutageSource.kuma,
            cause="Uptime Kuma: down",
            location_ids=[],
        )
    csrf = await login_as("dispatcher-net", ("dispatch",))
    page = await client.get("/ops/network", headers=HTML)
    assert 'data-testid="close-outage"' in page.text
    del client.headers["X-CSRF-Token"]
    refused = await client.post(f"/ops/network/outages/{outage.name}/close", headers=HTML)
    assert refused.status_code == 403
    closed = await client.post(
        f"/ops/network/outages/{outage.name}/close", data={"csrf_token": csrf}, headers=HTML
    )
    assert closed.status_code == 303
    page = await client.get("/ops/network", headers=HTML)
    assert 'data-testid="close-outage"' not in page.text


async def test_admins_register_olts(client: httpx.AsyncClient, login_as: LoginAs) -> None:
    await login_as("net-admin", ("admin",))
    body = {"name": "OLT-QC-09", "vendor": "huawei_ma5800", "host": "10.20.9.1"}
    created = await client.post("/olt", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["ports"] == []
    assert (await client.post("/olt", json=body)).status_code == 409
    unknown = await client.post("/olt", json={**body, "name": "OLT-X", "vendor": "acme"})
    assert unknown.status_code == 422
    assert "huawei_ma5800" in unknown.json()["fields"]["vendor"]
