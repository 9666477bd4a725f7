"""The simulated GPS drives the day's route at road speed: home, jobs in order, home."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.dispatch.routing import local_datetime
from gigafibre.dispatch.travel import HaversineTravel, haversine_m
from gigafibre.gps.jobs import poll_positions
from gigafibre.gps.service import latest_positions
from gigafibre.gps.simulator import SimulatedGps, SimulatedStop, position_at
from tests.gps.factories import job_at, technician

TRAVEL = HaversineTravel(road_factor=1.3, speed_kmh=50.0)
HOME = (46.8139, -71.2080)
FIRST = (46.8400, -71.2080)  # about 2.9 km north
SECOND = (46.8400, -71.2500)
START = dt.datetime(2026, 12, 1, 13, 0, tzinfo=dt.UTC)


def leg_seconds(a: tuple[float, float], b: tuple[float, float]) -> int:
    return TRAVEL.leg(a, b)[0]


def test_before_the_shift_the_technician_is_home() -> None:
    stops = [SimulatedStop(FIRST, 30)]
    assert position_at(HOME, stops, START, START - dt.timedelta(hours=1), TRAVEL) == (HOME, 0.0)


def test_halfway_along_the_first_leg_at_road_speed() -> None:
    stops = [SimulatedStop(FIRST, 30)]
    half = START + dt.timedelta(seconds=leg_seconds(HOME, FIRST) / 2)
    (lat, lon), speed = position_at(HOME, stops, START, half, TRAVEL)
    assert lat == pytest.approx((HOME[0] + FIRST[0]) / 2, abs=1e-4)
    assert lon == pytest.approx(HOME[1], abs=1e-9)
    assert speed == pytest.approx(50.0, abs=0.5)
    assert haversine_m(HOME, (lat, lon)) == pytest.approx(haversine_m(HOME, FIRST) / 2, rel=0.01)


def test_on_site_the_technician_stands_still_then_drives_on() -> None:
    stops = [SimulatedStop(FIRST, 30), SimulatedStop(SECOND, 45)]
    arrival = START + dt.timedelta(seconds=leg_seconds(HOME, FIRST))
    assert position_at(HOME, stops, START, arrival + dt.timedelta(minutes=29), TRAVEL) == (
        FIRST,
        0.0,
    )
    (lat, lon), speed = position_at(
        HOME, stops, START, arrival + dt.timedelta(minutes=30, seconds=60), TRAVEL
    )
    assert lat == pytest.approx(FIRST[0], abs=1e-9)
    assert SECOND[1] < lon < FIRST[1]
    assert speed > 0


def test_an_early_arrival_waits_for_the_window_at_the_door() -> None:
    opens = START + dt.timedelta(hours=2)
    stops = [SimulatedStop(FIRST, 30, window_start=opens)]
    assert position_at(HOME, stops, START, opens - dt.timedelta(minutes=5), TRAVEL) == (FIRST, 0.0)
    assert position_at(HOME, stops, START, opens + dt.timedelta(minutes=29), TRAVEL) == (
        FIRST,
        0.0,
    )
    (lat, _lon), speed = position_at(HOME, stops, START, opens + dt.timedelta(minutes=31), TRAVEL)
    assert HOME[0] < lat < FIRST[0]
    assert speed > 0


def test_after_the_last_job_the_technician_goes_home() -> None:
    stops = [SimulatedStop(FIRST, 30)]
    late = START + dt.timedelta(hours=5)
    assert position_at(HOME, stops, START, late, TRAVEL) == (HOME, 0.0)


async def test_the_simulated_provider_moves_technicians_of_the_day(session: AsyncSession) -> None:
    day = dt.date(2026, 12, 1)
    tech = await technician(session, "TECH-9201", home=HOME)
    await technician(session, "TECH-9202", home=None)  # no home base: not simulated
    await job_at(session, tech, day, SECOND, position=1)
    await job_at(session, tech, day, FIRST, position=0)
    shift_start = local_datetime(day, "08:00")
    provider = SimulatedGps(TRAVEL)
    before = await provider.read(session, shift_start - dt.timedelta(minutes=1))
    assert [r.technician for r in before if r.technician.startswith("TECH-92")] == []
    moment = shift_start + dt.timedelta(seconds=leg_seconds(HOME, FIRST) + 10 * 60)
    readings = [r for r in await provider.read(session, moment) if r.technician == "TECH-9201"]
    assert len(readings) == 1
    assert (readings[0].latitude, readings[0].longitude) == pytest.approx(FIRST)
    assert readings[0].speed_kmh == 0.0
    await poll_positions(session, provider, source="simulated", now=moment)
    latest = {p.technician: p for p in await latest_positions(session)}
    assert latest["TECH-9201"].latitude == pytest.approx(FIRST[0])
    assert "TECH-9202" not in latest
