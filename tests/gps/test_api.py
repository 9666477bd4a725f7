"""`/traccar/*`: dispatch and admin read positions; other roles and strangers do not."""

from __future__ import annotations

import datetime as dt

import httpx

from gigafibre.dispatch.routing import local_datetime
from gigafibre.gps.schemas import PositionReading
from gigafibre.gps.service import record_positions
from tests.conftest import LoginAs, TransactionalDatabase
from tests.gps.factories import technician

DAY = dt.date(2026, 12, 1)


async def seed(tx_database: TransactionalDatabase) -> None:
    async with tx_database.unit_of_work() as session:
        await technician(session, "TECH-9401")
        moments = [
            local_datetime(DAY, "07:59") - dt.timedelta(hours=8),  # the evening before
            local_datetime(DAY, "09:00"),
            local_datetime(DAY, "09:15"),
            local_datetime(DAY + dt.timedelta(days=1), "00:01"),  # the next day
        ]
        await record_positions(
            session,
            [
                PositionReading(
                    technician="TECH-9401",
                    latitude=round(46.80 + n / 100, 2),
                    longitude=-71.21,
                    speed_kmh=20.0,
                    recorded_at=moment,
                )
                for n, moment in enumerate(moments)
            ],
            source="test",
        )


async def test_strangers_and_other_roles_are_refused(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    assert (await client.get("/traccar/positions")).status_code == 401
    assert (await client.get("/traccar/breadcrumbs/TECH-9401")).status_code == 401
    await login_as("billy", roles=("billing",))
    assert (await client.get("/traccar/positions")).status_code == 403
    assert (await client.get("/traccar/breadcrumbs/TECH-9401")).status_code == 403


async def test_dispatch_reads_positions_and_a_days_breadcrumbs(
    client: httpx.AsyncClient, login_as: LoginAs, tx_database: TransactionalDatabase
) -> None:
    await seed(tx_database)
    await login_as("dora", roles=("dispatch",))
    latest = (await client.get("/traccar/positions")).json()
    mine = [p for p in latest if p["technician"] == "TECH-9401"]
    assert [p["latitude"] for p in mine] == [46.83]
    trail = await client.get("/traccar/breadcrumbs/TECH-9401", params={"date": DAY.isoformat()})
    assert trail.status_code == 200
    assert [p["latitude"] for p in trail.json()] == [46.81, 46.82]
    missing = await client.get("/traccar/breadcrumbs/TECH-0000", params={"date": "2026-12-01"})
    assert missing.status_code == 404
    assert "TECH-0000" in missing.json()["message"]
    bad = await client.get("/traccar/positions", params={"max_age_minutes": 0})
    assert bad.status_code == 422


async def test_admin_passes_and_the_endpoints_are_documented(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    await login_as("ada", roles=("admin",))
    assert (
        await client.get("/traccar/positions", params={"max_age_minutes": 5})
    ).status_code == 200
    schema = (await client.get("/openapi.json")).json()
    assert "/traccar/positions" in schema["paths"]
    assert "/traccar/breadcrumbs/{technician}" in schema["paths"]
    assert schema["paths"]["/traccar/positions"]["get"]["tags"] == ["gps"]
