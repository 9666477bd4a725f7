"""How the gps capability plugs into the runtime: the poll job, the purge, the Traccar socket.

Every `GF_GPS_POLL_SECONDS` the provider's readings are stored and announced (one
`technician.position` per technician per poll: that is the throttle); positions older than
`GF_GPS_RETENTION_DAYS` go once a day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Protocol

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.core.db import Database, utcnow
from gigafibre.core.scheduler import Scheduler
from gigafibre.dispatch.travel import HaversineTravel
from gigafibre.gps.schemas import PositionReading, TechnicianPosition
from gigafibre.gps.service import purge_positions, record_positions
from gigafibre.gps.simulator import SimulatedGps
from gigafibre.gps.traccar import TraccarClient, TraccarGps
from gigafibre.settings import GpsProvider as GpsProviderName
from gigafibre.settings import Settings

Duty = Callable[[], Awaitable[object]]


class GpsProvider(Protocol):
    async def read(self, session: AsyncSession, now: dt.datetime) -> list[PositionReading]: ...


def build_gps_provider(
    settings: Settings, http: httpx.AsyncClient | None = None
) -> SimulatedGps | TraccarGps:
    """The provider chosen by `GF_GPS_PROVIDER`."""
    if settings.gps_provider is GpsProviderName.traccar:
        client = TraccarClient(
            settings.traccar_url,
            settings.traccar_username,
            settings.traccar_password,
            http or httpx.AsyncClient(timeout=10.0),
        )
        return TraccarGps(client)
    return SimulatedGps(
        HaversineTravel(
            road_factor=settings.travel_road_factor, speed_kmh=settings.travel_speed_kmh
        )
    )


async def poll_positions(
    session: AsyncSession, provider: GpsProvider, *, source: str, now: dt.datetime | None = None
) -> list[TechnicianPosition]:
    """Read the provider once; store and announce what is new."""
    readings = await provider.read(session, now or utcnow())
    return await record_positions(session, readings, source=source)


def install(settings: Settings, db: Database, scheduler: Scheduler) -> list[Duty]:
    """Register the poll and purge jobs; return the worker duties (the Traccar socket)."""
    provider = build_gps_provider(settings)
    source = settings.gps_provider.value

    async def poll(session: AsyncSession) -> None:
        await poll_positions(session, provider, source=source)

    async def purge(session: AsyncSession) -> None:
        cutoff = utcnow() - dt.timedelta(days=settings.gps_retention_days)
        await purge_positions(session, older_than=cutoff)

    scheduler.every(dt.timedelta(seconds=settings.gps_poll_seconds), "gps.poll", poll)
    scheduler.every(dt.timedelta(hours=24), "gps.purge", purge)
    if isinstance(provider, TraccarGps):
        return [provider.ensure_listening]
    return []
