"""Technicians' positions: store fixes, read the latest per technician and a day's breadcrumbs.

New fixes are announced as `technician.position` on topic `dispatch` (the board's map). Callers
batch readings per poll, so the event pace is the poll interval at most, once per technician; a
technician standing still (on site, at home) is stored and announced again only every
`STILL_HEARTBEAT`, which keeps breadcrumbs and live updates to what moved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.core.events import emit
from gigafibre.dispatch.models import Technician
from gigafibre.dispatch.travel import haversine_m
from gigafibre.gps.models import GpsPosition
from gigafibre.gps.schemas import PositionReading, TechnicianPosition

POSITION_EVENT = "technician.position"
STILL_METERS = 15.0  # closer than this to the last stored fix counts as standing still
STILL_HEARTBEAT = dt.timedelta(minutes=5)
POSITION_TOPIC = "dispatch"
TRAIL_POINTS = 200


def _position(row: GpsPosition, technician: str) -> TechnicianPosition:
    return TechnicianPosition(
        technician=technician,
        latitude=row.latitude,
        longitude=row.longitude,
        speed_kmh=row.speed_kmh,
        recorded_at=row.recorded_at,
    )


async def latest_positions(
    session: AsyncSession, *, since: dt.datetime | None = None
) -> list[TechnicianPosition]:
    """The newest fix of every technician (optionally only those newer than `since`)."""
    newest = select(
        GpsPosition.technician_id, func.max(GpsPosition.recorded_at).label("recorded_at")
    ).group_by(GpsPosition.technician_id)
    if since is not None:
        newest = newest.where(GpsPosition.recorded_at >= since)
    latest = newest.subquery()
    rows = (
        await session.execute(
            select(GpsPosition, Technician.name)
            .join(
                latest,
                (latest.c.technician_id == GpsPosition.technician_id)
                & (latest.c.recorded_at == GpsPosition.recorded_at),
            )
            .join(Technician, Technician.id == GpsPosition.technician_id)
            .order_by(Technician.name, GpsPosition.id.desc())
        )
    ).all()
    seen: set[str] = set()
    positions = []
    for row, name in rows:
        if name not in seen:
            seen.add(name)
            positions.append(_position(row, name))
    return positions


async def breadcrumbs(
    session: AsyncSession, technician: str, since: dt.datetime, until: dt.datetime | None = None
) -> list[TechnicianPosition]:
    """A technician's fixes from `since` (to `until`), oldest first."""
    query = (
        select(GpsPosition)
        .join(Technician, Technician.id == GpsPosition.technician_id)
        .where(Technician.name == technician, GpsPosition.recorded_at >= since)
        .order_by(GpsPosition.recorded_at, GpsPosition.id)
    )
    if until is not None:
        query = query.where(GpsPosition.recorded_at < until)
    return [_position(row, technician) for row in (await session.scalars(query)).all()]


async def trails(
    session: AsyncSession,
    technicians: Sequence[str],
    since: dt.datetime,
    until: dt.datetime,
    *,
    most: int = TRAIL_POINTS,
) -> dict[str, list[tuple[float, float]]]:
    """Each technician's path between two moments, oldest first, in one query for the map.

    A day of fixes every few seconds is thinned to at most `most` points per technician (the
    last fix always kept), which is plenty for a line on a city map.
    """
    if not technicians:
        return {}
    rows = await session.execute(
        select(Technician.name, GpsPosition.latitude, GpsPosition.longitude)
        .join(Technician, Technician.id == GpsPosition.technician_id)
        .where(
            Technician.name.in_(list(technicians)),
            GpsPosition.recorded_at >= since,
            GpsPosition.recorded_at < until,
        )
        .order_by(Technician.name, GpsPosition.recorded_at, GpsPosition.id)
    )
    paths: dict[str, list[tuple[float, float]]] = {}
    for name, latitude, longitude in rows:
        paths.setdefault(name, []).append((latitude, longitude))
    thinned = {}
    for name, points in paths.items():
        step = max(1, -(-len(points) // most))
        kept = points[::step]
        if kept[-1] != points[-1]:
            kept.append(points[-1])
        thinned[name] = kept
    return thinned


async def _latest_rows(session: AsyncSession, technician_ids: list[int]) -> dict[int, GpsPosition]:
    newest = (
        select(GpsPosition.technician_id, func.max(GpsPosition.recorded_at).label("recorded_at"))
        .where(GpsPosition.technician_id.in_(technician_ids))
        .group_by(GpsPosition.technician_id)
        .subquery()
    )
    rows = await session.scalars(
        select(GpsPosition).join(
            newest,
            (newest.c.technician_id == GpsPosition.technician_id)
            & (newest.c.recorded_at == GpsPosition.recorded_at),
        )
    )
    return {row.technician_id: row for row in rows}


async def record_positions(
    session: AsyncSession, readings: Sequence[PositionReading], *, source: str
) -> list[TechnicianPosition]:
    """Store fixes newer than what is stored (and not standing still); announce each technician's
    newest. Flushes."""
    if not readings:
        return []
    names = {r.technician for r in readings}
    technicians = {
        t.name: t.id
        for t in (await session.scalars(select(Technician).where(Technician.name.in_(names))))
    }
    stored_latest = await _latest_rows(session, list(technicians.values()))
    newest: dict[str, PositionReading] = {}
    for reading in sorted(readings, key=lambda r: r.recorded_at):
        tech_id = technicians.get(reading.technician)
        if tech_id is None:
            continue
        last = stored_latest.get(tech_id)
        if last is not None and (
            reading.recorded_at <= last.recorded_at
            or (
                haversine_m((last.latitude, last.longitude), (reading.latitude, reading.longitude))
                < STILL_METERS
                and reading.recorded_at - last.recorded_at < STILL_HEARTBEAT
            )
        ):
            continue
        row = GpsPosition(
            technician_id=tech_id,
            latitude=reading.latitude,
            longitude=reading.longitude,
            speed_kmh=reading.speed_kmh,
            source=source[:20],
            recorded_at=reading.recorded_at,
        )
        session.add(row)
        stored_latest[tech_id] = row
        newest[reading.technician] = reading
    await session.flush()
    announced = []
    for name in sorted(newest):
        reading = newest[name]
        position = TechnicianPosition(**reading.model_dump())
        await emit(
            session,
            POSITION_EVENT,
            position.model_dump(mode="json"),
            topics=[POSITION_TOPIC],
        )
        announced.append(position)
    return announced


async def purge_positions(session: AsyncSession, *, older_than: dt.datetime) -> int:
    """Forget fixes older than the retention period."""
    result = await session.execute(delete(GpsPosition).where(GpsPosition.recorded_at < older_than))
    return int(getattr(result, "rowcount", 0) or 0)
