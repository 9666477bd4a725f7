"""Lookup and actions over HTTP: staff roles, live reads from both services, audit."""

from __future__ import annotations

from urllib.parse import quote

import httpx
from sqlalchemy import select

from gigafibre.core.events import EventRecord
from gigafibre.customers.models import TimelineEntry
from gigafibre.devices.acs import AcsClient
from gigafibre.devices.models import DeviceAction
from gigafibre.devices.providers import _SHARED, DeviceClients, shared_clients
from gigafibre.settings import Settings
from tests.conftest import LoginAs, TransactionalDatabase
from tests.devices.helpers import GATEWAY_ID, ONT_ID, household

HTML = {"accept": "text/html"}


async def test_lookup_needs_a_support_or_dispatch_role(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    assert (await client.get("/devices/lookup?serial=X")).status_code == 401
    await login_as("tech1", roles=("tech",))
    answer = await client.get("/devices/lookup?serial=X")
    assert answer.status_code == 403


async def test_a_customer_lookup_lists_tr069_and_tr369_devices_with_diagnostics(
    client: httpx.AsyncClient, login_as: LoginAs, tx_database: TransactionalDatabase
) -> None:
    home = await household(tx_database)
    await login_as("agent", roles=("support",))
    answer = await client.get(f"/devices/lookup?customer={home.customer}")
    assert answer.status_code == 200, answer.text
    devices = {d["serial"]: d for d in answer.json()["devices"]}
    assert set(devices) == {"ALCL00000001", "2200000000003", "2200000000005"}
    ont = devices["ALCL00000001"]
    assert ont["protocol"] == "tr069"
    assert ont["online"]
    assert ont["customer"] == home.customer
    assert ont["optical"]["rx_dbm"] < -10
    assert ont["wan"]["pppoe_username"]
    assert ont["findings"][0]["code"] == "ok"
    assert devices["2200000000005"]["protocol"] == "tr369"
    assert devices["2200000000005"]["wifi"][0]["ssid"] == "Gigafibre-0005"
    by_mac = await client.get("/devices/lookup?mac=a4-2b-b0-12-34-56")
    assert [d["serial"] for d in by_mac.json()["devices"]] == ["2200000000003"]
    bad = await client.get("/devices/lookup?mac=zz")
    assert bad.status_code == 422
    assert "mac" in bad.json()["fields"]
    assert (await client.get("/devices/lookup")).status_code == 422
    everything = await client.get("/devices/lookup?serial=*")
    assert everything.status_code == 422
    assert "serial" in everything.json()["fields"]


async def test_a_down_acs_answers_503_in_the_callers_language(
    client: httpx.AsyncClient,
    login_as: LoginAs,
    settings: Settings,
    tx_database: TransactionalDatabase,
) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    working = shared_clients(settings, tx_database)
    _SHARED[tx_database] = DeviceClients(
        acs=AcsClient(
            httpx.AsyncClient(transport=httpx.MockTransport(refuse), base_url="http://a")
        ),
        usp=working.usp,
        secret_key=settings.secret_key,
    )
    await login_as("agent", roles=("support",))
    answer = await client.get("/devices/lookup?serial=NOPE", headers={"accept-language": "fr"})
    assert answer.status_code == 503
    assert answer.json()["error"] == "device_service_unavailable"
    assert "injoignable" in answer.json()["message"]


async def test_actions_are_audited_with_the_staff_name_and_never_keep_the_password(
    client: httpx.AsyncClient, login_as: LoginAs, tx_database: TransactionalDatabase
) -> None:
    home = await household(tx_database)
    csrf = await login_as("agent", roles=("dispatch",))
    url = f"/devices/tr069/{quote(GATEWAY_ID, safe='')}"
    del client.headers["X-CSRF-Token"]
    assert (await client.post(f"{url}/reboot")).status_code == 403
    client.headers["X-CSRF-Token"] = csrf
    reboot = await client.post(f"{url}/reboot")
    assert reboot.status_code == 200, reboot.text
    assert reboot.json()["result"] == "done"
    weak = await client.post(f"{url}/wifi", json={"ssid": "Maison", "password": "short"})
    assert weak.status_code == 422
    assert "password" in weak.json()["fields"]
    wifi = await client.post(f"{url}/wifi", json={"ssid": "Maison", "password": "tres-secret-42"})
    assert wifi.json()["result"] == "done"
    looked = await client.get("/devices/lookup?serial=2200000000003")
    assert looked.json()["devices"][0]["wifi"][0]["ssid"] == "Maison"
    async with tx_database.unit_of_work(write=False) as session:
        audit = (await session.scalars(select(DeviceAction).order_by(DeviceAction.id))).all()
        timeline = (
            await session.scalars(
                select(TimelineEntry.kind).where(TimelineEntry.customer_id == home.customer_id)
            )
        ).all()
        events = (
            await session.scalars(select(EventRecord).where(EventRecord.name == "device.action"))
        ).all()
    assert [(a.action, a.result, a.actor, a.customer_id) for a in audit] == [
        ("reboot", "done", "Agent (agent)", home.customer_id),
        ("wifi", "done", "Agent (agent)", home.customer_id),
    ]
    assert "device.reboot" in timeline
    assert "device.wifi" in timeline
    assert all(f"customer:{home.customer}" in e.topics for e in events)
    everything = " ".join(a.detail for a in audit) + " ".join(str(e.payload) for e in events)
    assert "tres-secret-42" not in everything
    assert "Maison" in everything


async def test_an_offline_modem_queues_the_reboot_and_says_so(
    client: httpx.AsyncClient, login_as: LoginAs, tx_database: TransactionalDatabase
) -> None:
    home = await household(tx_database)
    from gigafibre.equipment.models import EquipmentType
    from tests.devices.helpers import unit

    await unit(
        tx_database,
        serial="ALCL00000004",
        vendor="Nokia",
        model="G-240W-A",
        kind=EquipmentType.ont,
        customer_id=home.customer_id,
        location_id=home.location_id,
    )
    await login_as("agent", roles=("support",))
    answer = await client.post(
        f"/devices/tr069/{quote('ALCL-G%2D240W%2DA-ALCL00000004', safe='')}/reboot"
    )
    assert answer.json()["result"] == "queued"


async def test_ops_pages_search_detail_panel_and_form_actions(
    client: httpx.AsyncClient, login_as: LoginAs, tx_database: TransactionalDatabase
) -> None:
    home = await household(tx_database)
    csrf = await login_as("agent", roles=("support",))
    listing = await client.get("/ops/network/devices", headers=HTML)
    assert listing.status_code == 200
    assert "ALCL00000001" in listing.text
    assert "TR-369 (Oktopus)" in listing.text
    assert "TR-069 (GenieACS)" in listing.text
    found = await client.get(f"/ops/network/devices?q={home.customer}", headers=HTML)
    assert 'data-device="2200000000005"' in found.text
    page = await client.get(f"/ops/clients/{home.customer}", headers=HTML)
    assert f"/ops/network/devices/customer/{home.customer}" in page.text
    panel = await client.get(f"/ops/network/devices/customer/{home.customer}", headers=HTML)
    assert 'data-device="ALCL00000001"' in panel.text
    detail_url = f"/ops/network/devices/tr069/{quote(ONT_ID, safe='')}"
    detail = await client.get(detail_url, headers=HTML)
    assert detail.status_code == 200
    assert 'data-testid="optical"' in detail.text
    posted = await client.post(
        f"{detail_url}/wifi", data={"csrf_token": csrf, "ssid": "", "password": ""}, headers=HTML
    )
    assert posted.status_code == 422
    assert "is-invalid" in posted.text
    posted = await client.post(f"{detail_url}/reboot", data={"csrf_token": csrf}, headers=HTML)
    assert posted.status_code == 303
    shown = await client.get(posted.headers["location"], headers=HTML)
    assert 'data-testid="action-result"' in shown.text
    assert 'data-testid="history"' in shown.text


async def test_usp_devices_take_the_same_actions_through_oktopus(
    client: httpx.AsyncClient, login_as: LoginAs, tx_database: TransactionalDatabase
) -> None:
    home = await household(tx_database)
    await login_as("agent", roles=("support",))
    for action in ("reboot", "refresh"):
        answer = await client.post(f"/devices/tr369/2200000000005/{action}")
        assert answer.json()["result"] == "done", answer.text
    wifi = await client.post(
        "/devices/tr369/2200000000005/wifi", json={"ssid": "Archer-Maison", "password": ""}
    )
    assert wifi.json()["result"] == "done"
    looked = await client.get("/devices/lookup?serial=2200000000005")
    (device,) = looked.json()["devices"]
    assert [w["ssid"] for w in device["wifi"]] == ["Archer-Maison", "Archer-Maison"]
    page = await client.get(f"/ops/clients/{home.customer}", headers=HTML)
    assert "Modem redémarré" in page.text
    assert "Wi-Fi modifié" in page.text
