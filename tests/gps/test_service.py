"""Storing positions, the latest per technician, breadcrumbs, events and retention."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.core.events import EventRecord
from gigafibre.gps.models import GpsPosition
from gigafibre.gps.schemas import PositionReading
from gigafibre.gps.service import (
    breadcrumbs,
    latest_positions,
    purge_positions,
    record_positions,
    trails,
)
from tests.gps.factories import technician

T0 = dt.datetime(2026, 12, 1, 14, 0, tzinfo=dt.UTC)


def reading(tech: str, minutes: int, lat: float = 46.81, lon: float = -71.21) -> PositionReading:
    return PositionReading(
        technician=tech,
        latitude=lat,
        longitude=lon,
        speed_kmh=30.0,
        recorded_at=T0 + dt.timedelta(minutes=minutes),
    )


async def position_events(session: AsyncSession) -> list[EventRecord]:
    rows = await session.scalars(
        select(EventRecord)
        .where(EventRecord.name == "technician.position")
        .order_by(EventRecord.id)
    )
    return list(rows)


async def test_positions_are_stored_and_the_newest_announced(session: AsyncSession) -> None:
    await technician(session, "TECH-9101")
    await technician(session, "TECH-9102")
    announced = await record_positions(
        session,
        [
            reading("TECH-9101", 1, lat=46.80),
            reading("TECH-9101", 2, lat=46.81),
            reading("TECH-9102", 1, lat=46.90),
            reading("TECH-UNKNOWN", 1),
        ],
        source="test",
    )
    assert [(p.technician, p.latitude) for p in announced] == [
        ("TECH-9101", 46.81),
        ("TECH-9102", 46.90),
    ]
    events = await position_events(session)
    assert [e.payload["technician"] for e in events] == ["TECH-9101", "TECH-9102"]
    assert events[0].topics == ["dispatch"]
    assert events[0].payload["latitude"] == 46.81
    assert events[0].payload["recorded_at"].startswith("2026-12-01T14:02")
    stored = await session.scalar(select(func.count()).select_from(GpsPosition))
    assert stored == 3


async def test_a_repeated_or_older_fix_is_not_stored_again(session: AsyncSession) -> None:
    await technician(session, "TECH-9103")
    await record_positions(session, [reading("TECH-9103", 5)], source="test")
    again = await record_positions(
        session, [reading("TECH-9103", 5), reading("TECH-9103", 3)], source="test"
    )
    assert again == []
    assert len(await position_events(session)) == 1


async def test_latest_positions_and_breadcrumbs(session: AsyncSession) -> None:
    await technician(session, "TECH-9104")
    await technician(session, "TECH-9105")
    await record_positions(
        session,
        [reading("TECH-9104", m, lat=46.80 + m / 1000) for m in (0, 10, 20, 30)]
        + [reading("TECH-9105", 5, lat=46.70)],
        source="test",
    )
    latest = {p.technician: p for p in await latest_positions(session)}
    assert latest["TECH-9104"].latitude == 46.83
    assert latest["TECH-9104"].recorded_at == T0 + dt.timedelta(minutes=30)
    assert latest["TECH-9105"].latitude == 46.70
    recent = await latest_positions(session, since=T0 + dt.timedelta(minutes=15))
    assert [p.technician for p in recent] == ["TECH-9104"]
    trail = await breadcrumbs(
        session, "TECH-9104", T0 + dt.timedelta(minutes=10), T0 + dt.timedelta(minutes=30)
    )
    assert [p.recorded_at.minute for p in trail] == [10, 20]
    assert await breadcrumbs(session, "TECH-9105", T0 + dt.timedelta(hours=1)) == []


async def test_old_positions_are_purged(session: AsyncSession) -> None:
    await technician(session, "TECH-9106")
    await record_positions(
        session, [reading("TECH-9106", 0), reading("TECH-9106", 60 * 24 * 31)], source="test"
    )
    removed = await purge_positions(session, older_than=T0 + dt.timedelta(days=30))
    assert removed == 1
    trail = await breadcrumbs(session, "TECH-9106", T0 - dt.timedelta(days=1))
    assert [p.recorded_at for p in trail] == [T0 + dt.timedelta(days=31)]


async def test_standing_still_is_stored_only_as_a_heartbeat(session: AsyncSession) -> None:
    await technician(session, "TECH-9107")
    for minute, lat in ((0, 46.8100), (2, 46.8100), (4, 46.81005), (6, 46.8100), (7, 46.8110)):
        await record_positions(session, [reading("TECH-9107", minute, lat=lat)], source="test")
    trail = await breadcrumbs(session, "TECH-9107", T0)
    assert [(p.recorded_at.minute, p.latitude) for p in trail] == [
        (0, 46.81),
        (6, 46.81),
        (7, 46.811),
    ]
    announced = [
        e for e in await position_events(session) if e.payload["technician"] == "TECH-9107"
    ]
    assert len(announced) == 3


async def test_trails_come_in_one_query_thinned_and_within_the_day(session: AsyncSession) -> None:
    await technician(session, "TECH-9301")
    await technician(session, "TECH-9302")
    moving = [reading("TECH-9301", minute, lat=46.80 + minute / 1000) for minute in range(0, 50)]
    await record_positions(session, moving[:25], source="test")
    await record_positions(session, moving[25:], source="test")
    await record_positions(session, [reading("TECH-9302", 5, lat=46.7)], source="test")
    await record_positions(
        session, [reading("TECH-9302", 60 * 30, lat=46.9)], source="test"
    )  # the next day
    found = await trails(
        session,
        ["TECH-9301", "TECH-9302", "TECH-NONE"],
        T0,
        T0 + dt.timedelta(hours=12),
        most=10,
    )
    path = found["TECH-9301"]
    assert 10 <= len(path) <= 11
    assert path[0] == (46.80, -71.21)
    assert path[-1] == (moving[-1].latitude, -71.21)  # the newest fix is always kept
    assert found["TECH-9302"] == [(46.7, -71.21)]
    assert "TECH-NONE" not in found
    assert await trails(session, [], T0, T0) == {}
