"""Portal self-care: modem status, outage at the address, reboot and Wi-Fi, validated,
rate-limited and audited as the customer."""

from __future__ import annotations

import datetime as dt

import httpx
from sqlalchemy import select

from gigafibre.core.naming import assign_name
from gigafibre.core.security import csrf_token
from gigafibre.devices.models import ActorKind, DeviceAction
from gigafibre.network.models import Olt, Outage, OutageCustomer, OutageScope, OutageSource
from gigafibre.portal.auth import PORTAL_COOKIE
from gigafibre.portal.service import session_token
from gigafibre.settings import Settings
from tests.conftest import TransactionalDatabase
from tests.devices.helpers import GATEWAY_ID, Household, household

HTML = {"accept": "text/html"}


def sign_in(client: httpx.AsyncClient, settings: Settings, customer: str) -> str:
    token = session_token(settings.jwt_secret, customer)
    client.cookies.set(PORTAL_COOKIE, token)
    return csrf_token(settings.secret_key, f"portal:{token}")


async def open_outage(db: TransactionalDatabase, home: Household) -> None:
    async with db.unit_of_work() as session:
        olt = Olt(name="OLT-QC-01", vendor="nokia", host="10.0.0.1")
        session.add(olt)
        await session.flush()
        outage = Outage(
            scope=OutageScope.olt,
            source=OutageSource.kuma,
            olt_id=olt.id,
            opened_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=20),
        )
        await assign_name(session, outage)
        session.add(outage)
        await session.flush()
        session.add(
            OutageCustomer(
                outage_id=outage.id,
                customer_id=home.customer_id,
                service_location_id=home.location_id,
            )
        )


async def test_the_page_shows_the_modem_and_an_outage_at_the_address(
    client: httpx.AsyncClient, settings: Settings, tx_database: TransactionalDatabase
) -> None:
    assert (await client.get("/portal/internet", headers=HTML)).status_code in (303, 307)
    home = await household(tx_database)
    await open_outage(tx_database, home)
    sign_in(client, settings, home.customer)
    page = await client.get("/portal/internet", headers=HTML)
    assert page.status_code == 200
    assert 'data-device="2200000000003"' in page.text
    assert 'data-testid="outage"' in page.text
    assert "Mon Internet" in page.text
    assert "Connecté" in page.text


async def test_wifi_changes_are_validated_applied_and_audited_as_the_customer(
    client: httpx.AsyncClient, settings: Settings, tx_database: TransactionalDatabase
) -> None:
    home = await household(tx_database)
    csrf = sign_in(client, settings, home.customer)
    form = {"csrf_token": csrf, "device": GATEWAY_ID}
    empty = await client.post("/portal/internet/wifi", data={**form, "ssid": "", "password": ""})
    assert empty.status_code == 422
    assert "1 à 32 caractères" in empty.text
    long = await client.post("/portal/internet/wifi", data={**form, "ssid": "x" * 33})
    assert long.status_code == 422
    accented = await client.post(
        "/portal/internet/wifi", data={**form, "ssid": "Maison", "password": "motdepassé1"}
    )
    assert accented.status_code == 422
    assert "8 à 63" in accented.text
    forged = await client.post(
        "/portal/internet/wifi", data={**form, "csrf_token": "x", "ssid": "Maison"}
    )
    assert forged.status_code == 403
    done = await client.post(
        "/portal/internet/wifi", data={**form, "ssid": "Chez Marie", "password": "Bonjour 2026!"}
    )
    assert done.status_code == 303, done.text
    shown = await client.get(done.headers["location"], headers=HTML)
    assert 'data-testid="notice"' in shown.text
    assert "Chez Marie" in shown.text
    async with tx_database.unit_of_work(write=False) as session:
        (audit,) = (await session.scalars(select(DeviceAction))).all()
    assert audit.actor_kind is ActorKind.customer
    assert audit.actor == f"Marie-Ève Tremblay ({home.customer})"
    assert "Bonjour 2026!" not in audit.detail


async def test_reboots_are_limited_to_own_devices_and_rate_limited(
    client: httpx.AsyncClient, settings: Settings, tx_database: TransactionalDatabase
) -> None:
    home = await household(tx_database)
    csrf = sign_in(client, settings, home.customer)
    stranger = await client.post(
        "/portal/internet/reboot", data={"csrf_token": csrf, "device": "00E0FC-HG8245H-X"}
    )
    assert stranger.status_code == 404
    statuses = [
        (
            await client.post(
                "/portal/internet/reboot", data={"csrf_token": csrf, "device": GATEWAY_ID}
            )
        ).status_code
        for _ in range(5)
    ]
    assert statuses == [303, 303, 303, 303, 429]
