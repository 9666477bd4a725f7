"""Equipment on site: search by serial then MAC, create with five fields, install once."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from gigafibre.core.events import EventRecord
from gigafibre.equipment.models import EquipmentStatus, ServiceEquipment
from gigafibre.field.equipment import normalise_mac
from tests.conftest import TransactionalDatabase
from tests.field.conftest import SignIn, Site


def test_mac_addresses_are_normalised() -> None:
    assert normalise_mac("00-1a-2b-3c-4d-5e") == "00:1A:2B:3C:4D:5E"
    assert normalise_mac("001a.2b3c.4d5e") == "00:1A:2B:3C:4D:5E"
    assert normalise_mac("00:1A:2B:3C:4D") is None
    assert normalise_mac("GG:1A:2B:3C:4D:5E") is None


async def test_search_finds_by_serial_first_then_by_mac(
    client: httpx.AsyncClient, site: Site, sign_in: SignIn
) -> None:
    await sign_in(site.technician)
    by_serial = (await client.get("/field/api/equipment", params={"q": "alclb12"})).json()
    assert by_serial["matched_by"] == "serial"
    assert [item["name"] for item in by_serial["results"]] == [site.stock.name]
    by_mac = (await client.get("/field/api/equipment", params={"q": "00-1a-2b-3c"})).json()
    assert by_mac["matched_by"] == "mac"
    assert [item["name"] for item in by_mac["results"]] == [site.stock.name]
    nothing = (await client.get("/field/api/equipment", params={"q": "ZZZZ99"})).json()
    assert (nothing["matched_by"], nothing["results"]) == ("none", [])
    short = (await client.get("/field/api/equipment", params={"q": "AL"})).json()
    assert short["results"] == []


async def test_search_treats_like_wildcards_as_text(
    client: httpx.AsyncClient, site: Site, sign_in: SignIn
) -> None:
    await sign_in(site.technician)
    response = (await client.get("/field/api/equipment", params={"q": "%%%"})).json()
    assert response["results"] == []


async def test_installing_gives_the_unit_to_the_customer_and_announces_it(
    client: httpx.AsyncClient, site: Site, sign_in: SignIn, tx_database: TransactionalDatabase
) -> None:
    await sign_in(site.technician)
    url = f"/field/api/jobs/{site.job.name}/equipment"
    response = await client.post(url, json={"equipment": site.stock.name})
    assert response.status_code == 201, response.text
    assert response.json()["equipment"]["status"] == "installed"
    again = await client.post(url, json={"equipment": site.stock.name})
    assert again.status_code == 201  # the same unit on the same job: nothing new
    detail = (await client.get(f"/field/api/jobs/{site.job.name}")).json()
    assert [item["name"] for item in detail["equipment"]] == [site.stock.name]

    async with tx_database.unit_of_work() as session:
        unit = await session.scalar(
            select(ServiceEquipment).where(ServiceEquipment.id == site.stock.id)
        )
        events = (
            await session.scalars(
                select(EventRecord).where(EventRecord.name == "equipment.installed")
            )
        ).all()
    assert unit is not None
    assert unit.status == EquipmentStatus.installed
    assert unit.customer_id == site.job.customer_id
    assert unit.service_location_id == site.job.service_location_id
    assert len(events) == 1
    assert events[0].payload == {
        "equipment": site.stock.name,
        "serial": "ALCLB1234567",
        "mac": "00:1A:2B:3C:4D:5E",
        "customer": site.customer,
        "job": site.job.name,
    }


async def test_create_with_the_five_fields_then_install(
    client: httpx.AsyncClient, site: Site, sign_in: SignIn
) -> None:
    await sign_in(site.technician)
    url = f"/field/api/jobs/{site.job.name}/equipment/new"
    response = await client.post(
        url,
        json={
            "equipment_type": "router",
            "vendor": "TP-Link",
            "model": "XX230v",
            "serial_number": " 2234ab-99 ",
            "mac_address": "aa-bb-cc-dd-ee-ff",
            "notes": "Au sous-sol",
        },
    )
    assert response.status_code == 201, response.text
    unit = response.json()["equipment"]
    assert (unit["serial_number"], unit["mac_address"]) == ("2234AB-99", "AA:BB:CC:DD:EE:FF")
    assert unit["status"] == "installed"
    duplicate = await client.post(
        url, json={"equipment_type": "router", "serial_number": "2234AB-99"}
    )
    assert duplicate.status_code == 409
    bad_mac = await client.post(
        url, json={"equipment_type": "ont", "serial_number": "XYZ123", "mac_address": "nope"}
    )
    assert bad_mac.status_code == 422
    assert "mac_address" in bad_mac.json()["fields"]


async def test_a_unit_installed_elsewhere_is_refused(
    client: httpx.AsyncClient, site: Site, sign_in: SignIn, tx_database: TransactionalDatabase
) -> None:
    async with tx_database.unit_of_work() as session:
        unit = await session.scalar(
            select(ServiceEquipment).where(ServiceEquipment.id == site.stock.id)
        )
        assert unit is not None
        unit.status = EquipmentStatus.installed
        unit.customer_id = None
    await sign_in(site.technician)
    response = await client.post(
        f"/field/api/jobs/{site.job.name}/equipment", json={"equipment": site.stock.name}
    )
    assert response.status_code == 409
