"""Provisioning on `equipment.installed`: queued once through the outbox, idempotent runs."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from sqlalchemy import select

from gigafibre.core.events import Event
from gigafibre.core.outbox import OutboxMessage, PermanentSendError, RetriableSendError
from gigafibre.devices.acs import AcsClient
from gigafibre.devices.models import DeviceAction
from gigafibre.devices.providers import _SHARED, DeviceClients, shared_clients
from gigafibre.devices.provisioning import (
    CHANNEL,
    provisioning_sender,
    provisioning_subscriber,
)
from gigafibre.equipment.models import EquipmentType
from gigafibre.settings import Settings
from tests.conftest import LoginAs, TransactionalDatabase
from tests.devices.helpers import household, unit


def installed(equipment: str, serial: str, customer: str, event_id: int = 1) -> Event:
    payload = {
        "equipment": equipment,
        "serial": serial,
        "mac": None,
        "customer": customer,
        "job": "DJ-000001",
    }
    return Event(event_id, "equipment.installed", payload, ("dispatch",), dt.datetime.now(dt.UTC))


async def outbox_rows(db: TransactionalDatabase) -> list[OutboxMessage]:
    async with db.unit_of_work(write=False) as session:
        return list(
            (
                await session.scalars(select(OutboxMessage).where(OutboxMessage.channel == CHANNEL))
            ).all()
        )


async def test_an_installation_is_queued_once_and_tags_the_device_idempotently(
    settings: Settings, tx_database: TransactionalDatabase
) -> None:
    home = await household(tx_database)
    subscriber = provisioning_subscriber(tx_database)
    await subscriber(installed(home.gateway, "2200000000003", home.customer))
    await subscriber(installed(home.gateway, "2200000000003", home.customer, event_id=2))
    await subscriber(Event(3, "job.completed", {}, (), dt.datetime.now(dt.UTC)))
    rows = await outbox_rows(tx_database)
    assert len(rows) == 1
    assert rows[0].payload["equipment"] == home.gateway
    send = provisioning_sender(settings, tx_database)
    first = await send(rows[0])
    second = await send(rows[0])
    assert first == second == "tr069:A42BB0-DecoXX230v-2200000000003"
    acs = shared_clients(settings, tx_database).acs
    doc = (await acs.find_devices({"_deviceId._SerialNumber": "2200000000003"}))[0]
    assert doc["_tags"] == ["gigafibre", home.customer, "plan-FIBRE-500"]


async def test_usp_units_are_preauthorised_with_a_derived_password(
    settings: Settings, tx_database: TransactionalDatabase
) -> None:
    home = await household(tx_database)
    await provisioning_subscriber(tx_database)(
        installed(home.archer, "2200000000005", home.customer)
    )
    (row,) = await outbox_rows(tx_database)
    assert await provisioning_sender(settings, tx_database)(row) == "tr369:2200000000005"
    clients = shared_clients(settings, tx_database)
    assert await clients.usp.authorised("2200000000005")
    assert clients.usp_password("2200000000005") == clients.usp_password("2200000000005")
    assert clients.usp_password("2200000000005") != clients.usp_password("2200000000003")


async def test_unmanaged_units_and_retriable_or_permanent_failures(
    settings: Settings, tx_database: TransactionalDatabase
) -> None:
    home = await household(tx_database)
    eero = await unit(
        tx_database,
        serial="GGC00000000001",
        vendor="Eero",
        model="Eero 6+",
        kind=EquipmentType.router,
        customer_id=home.customer_id,
        location_id=home.location_id,
    )
    send = provisioning_sender(settings, tx_database)
    message = OutboxMessage(channel=CHANNEL, recipient="", payload={"equipment": eero})
    assert await send(message) == "unmanaged"
    with pytest.raises(PermanentSendError):
        await send(OutboxMessage(channel=CHANNEL, recipient="", payload={"equipment": "EQ-999999"}))

    def unseen(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=[] if request.method == "GET" else None)

    def down(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, text="busy")

    working = shared_clients(settings, tx_database)
    ont = OutboxMessage(channel=CHANNEL, recipient="", payload={"equipment": home.ont})
    for handler in (unseen, down):
        _SHARED[tx_database] = DeviceClients(
            acs=AcsClient(
                httpx.AsyncClient(transport=httpx.MockTransport(handler), base_url="http://a")
            ),
            usp=working.usp,
            secret_key=settings.secret_key,
        )
        with pytest.raises(RetriableSendError):
            await send(ont)


async def test_staff_can_run_provisioning_again_and_a_moved_unit_loses_the_old_tags(
    client: httpx.AsyncClient,
    login_as: LoginAs,
    settings: Settings,
    tx_database: TransactionalDatabase,
) -> None:
    home = await household(tx_database)
    acs = shared_clients(settings, tx_database).acs
    device = "ALCL-G%2D240W%2DA-ALCL00000001"
    await acs.add_tag(device, "C-000999")
    await acs.add_tag(device, "plan-OLD")
    await login_as("agent", roles=("support",))
    answer = await client.post(f"/provision/equipment/{home.ont}")
    assert answer.status_code == 200, answer.text
    assert answer.json()["protocol"] == "tr069"
    assert answer.json()["device_id"] == device
    doc = await acs.get_device(device)
    assert doc is not None
    assert doc["_tags"] == ["gigafibre", home.customer, "plan-FIBRE-500"]
    assert (await client.post("/provision/equipment/EQ-999999")).status_code == 404
    async with tx_database.unit_of_work(write=False) as session:
        audit = (await session.scalars(select(DeviceAction))).all()
    assert [(a.action, a.actor, a.result) for a in audit] == [
        ("provision", "Agent (agent)", "done")
    ]
