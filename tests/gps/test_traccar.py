"""The Traccar provider against a fake Traccar over real HTTP and WebSocket."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.gps.jobs import build_gps_provider, poll_positions
from gigafibre.gps.service import latest_positions
from gigafibre.gps.traccar import TraccarClient, TraccarError, TraccarGps, parse_position
from gigafibre.settings import Settings
from tests.gps.factories import technician
from tests.gps.fake_traccar import PASSWORD, USER, FakeTraccar, position, serve

NOW = dt.datetime(2026, 12, 1, 14, 1, tzinfo=dt.UTC)


@pytest_asyncio.fixture(loop_scope="session")
async def traccar() -> AsyncIterator[tuple[FakeTraccar, str]]:
    fake = FakeTraccar()
    async with serve(fake) as url:
        yield fake, url


def client_for(url: str, password: str = PASSWORD) -> TraccarClient:
    return TraccarClient(url, USER, password, httpx.AsyncClient(timeout=5))


def test_positions_are_parsed_from_knots_and_iso_times() -> None:
    parsed = parse_position(position(11, 46.8, -71.2, "2026-12-01T14:00:00.000+00:00", knots=10))
    assert parsed is not None
    assert parsed.speed_kmh == pytest.approx(18.52)
    assert parsed.fix_time == dt.datetime(2026, 12, 1, 14, tzinfo=dt.UTC)
    assert parse_position({"deviceId": 1, "latitude": 1.0}) is None
    invalid = position(11, 46.8, -71.2, "2026-12-01T14:00:00Z") | {"valid": False}
    assert parse_position(invalid) is None


async def test_rest_devices_and_positions_with_basic_auth(
    traccar: tuple[FakeTraccar, str],
) -> None:
    _fake, url = traccar
    client = client_for(url)
    assert [d["uniqueId"] for d in await client.devices()] == [
        "356938035643809",
        "860000000000012",
        "999",
    ]
    positions = await client.latest_positions()
    assert [p.device_id for p in positions] == [11, 12, 13]
    assert positions[0].speed_kmh == pytest.approx(27 * 1.852)
    with pytest.raises(TraccarError, match="401"):
        await client_for(url, password="wrong").latest_positions()


async def test_unreachable_traccar_is_a_clear_error() -> None:
    client = client_for("http://127.0.0.1:9")
    with pytest.raises(TraccarError, match="unreachable"):
        await client.devices()


async def test_rest_poll_maps_devices_to_technicians(
    session: AsyncSession, traccar: tuple[FakeTraccar, str]
) -> None:
    _fake, url = traccar
    await technician(session, "TECH-9301", device="356938035643809")  # by uniqueId (IMEI)
    await technician(session, "TECH-9302", device="12")  # by Traccar's device id
    provider = TraccarGps(client_for(url))
    readings = {r.technician: r for r in await provider.read(session, NOW)}
    assert set(readings) >= {"TECH-9301", "TECH-9302"}
    assert readings["TECH-9301"].speed_kmh == pytest.approx(50.0)
    assert readings["TECH-9302"].latitude == 46.7760
    stored = await poll_positions(session, provider, source="traccar", now=NOW)
    assert {p.technician for p in stored} >= {"TECH-9301", "TECH-9302"}
    assert await poll_positions(session, provider, source="traccar", now=NOW) == []


async def test_the_socket_streams_positions_into_the_next_poll(
    session: AsyncSession, traccar: tuple[FakeTraccar, str]
) -> None:
    fake, url = traccar
    await technician(session, "TECH-9303", device="356938035643809")
    provider = TraccarGps(client_for(url))
    await provider.ensure_listening()
    try:
        await asyncio.wait_for(provider.connected.wait(), timeout=5)
        first = await poll_positions(session, provider, source="traccar", now=NOW)
        assert [p.technician for p in first if p.technician == "TECH-9303"] == ["TECH-9303"]
        fake.positions = []  # the REST answer no longer moves: what follows came by socket
        await fake.pushes.put({"devices": fake.devices})
        await fake.pushes.put(
            {
                "positions": [
                    position(11, 46.8200, -71.2100, "2026-12-01T14:00:30.000+00:00", knots=20),
                    position(11, 46.8250, -71.2150, "2026-12-01T14:01:00.000+00:00", knots=22),
                ]
            }
        )
        for _ in range(200):
            if len(provider.buffer) >= 2:
                break
            await asyncio.sleep(0.01)
        moved = await poll_positions(session, provider, source="traccar", now=NOW)
        assert [(p.technician, p.latitude) for p in moved] == [("TECH-9303", 46.8250)]
        latest = {p.technician: p for p in await latest_positions(session)}
        assert latest["TECH-9303"].recorded_at == dt.datetime(2026, 12, 1, 14, 1, tzinfo=dt.UTC)
        assert fake.sockets_opened == 1
    finally:
        await provider.stop()


async def test_a_session_refused_is_reported(traccar: tuple[FakeTraccar, str]) -> None:
    _fake, url = traccar
    with pytest.raises(TraccarError, match="refused the session"):
        await client_for(url, password="wrong").session_cookie()


def test_settings_choose_the_provider() -> None:
    assert type(build_gps_provider(Settings())).__name__ == "SimulatedGps"
    chosen = build_gps_provider(
        Settings(gps_provider="traccar", traccar_url="https://gps.example/", traccar_username="u")
    )
    assert isinstance(chosen, TraccarGps)
    assert chosen.client.socket_url() == "wss://gps.example/api/socket"
