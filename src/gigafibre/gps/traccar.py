"""Traccar: REST (`/api/devices`, `/api/positions`, Basic auth) and the `/api/socket` stream.

Traccar reports per device (`deviceId`, its `uniqueId` is usually the IMEI); technicians carry
`gps_device_id`, matched against either. Speeds come in knots. The WebSocket wants a session
cookie, obtained with `POST /api/session`; it sends the latest positions on open, then
`{"positions": […]}` as they arrive, and `{}` as keep-alive.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import structlog
import websockets
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.dispatch.models import Technician
from gigafibre.gps.schemas import PositionReading

log = structlog.get_logger("gigafibre.gps")
KNOT_KMH = 1.852
RECONNECT_SECONDS = (1, 2, 5, 10, 30, 60)
BUFFER_LIMIT = 10_000  # positions kept between two polls when the worker falls behind


class TraccarError(RuntimeError):
    """Traccar is unreachable, refused our credentials, or answered something unexpected."""


@dataclass(frozen=True, slots=True)
class TraccarPosition:
    device_id: int
    latitude: float
    longitude: float
    speed_kmh: float
    fix_time: dt.datetime


def parse_position(raw: Mapping[str, Any]) -> TraccarPosition | None:
    """One Traccar position object; None when it is invalid or incomplete."""
    try:
        stamp = raw.get("fixTime") or raw.get("deviceTime") or raw["serverTime"]
        moment = dt.datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        if raw.get("valid") is False:
            return None
        return TraccarPosition(
            device_id=int(raw["deviceId"]),
            latitude=float(raw["latitude"]),
            longitude=float(raw["longitude"]),
            speed_kmh=float(raw.get("speed") or 0.0) * KNOT_KMH,
            fix_time=moment.astimezone(dt.UTC),
        )
    except (KeyError, TypeError, ValueError):
        return None


class TraccarClient:
    def __init__(self, base_url: str, username: str, password: str, http: httpx.AsyncClient):
        self.base_url = base_url.rstrip("/")
        self.username = username
        self.password = password
        self.http = http

    async def _get(self, path: str, params: Mapping[str, str] | None = None) -> Any:
        try:
            response = await self.http.get(
                f"{self.base_url}{path}",
                params=params,
                auth=(self.username, self.password),
                headers={"Accept": "application/json"},
            )
        except httpx.HTTPError as exc:
            raise TraccarError(f"Traccar at {self.base_url} is unreachable: {exc}") from exc
        if response.status_code == 401:
            raise TraccarError("Traccar refused the credentials (401)")
        if response.status_code != 200:
            raise TraccarError(f"Traccar answered HTTP {response.status_code} on {path}")
        try:
            return response.json()
        except ValueError as exc:
            raise TraccarError(f"Traccar answered {path} without JSON") from exc

    async def devices(self) -> list[dict[str, Any]]:
        body = await self._get("/api/devices")
        if not isinstance(body, list):
            raise TraccarError("Traccar /api/devices did not answer a list")
        return [device for device in body if isinstance(device, dict)]

    async def latest_positions(self) -> list[TraccarPosition]:
        body = await self._get("/api/positions")
        if not isinstance(body, list):
            raise TraccarError("Traccar /api/positions did not answer a list")
        return [p for p in (parse_position(raw) for raw in body if isinstance(raw, dict)) if p]

    async def session_cookie(self) -> str:
        """`POST /api/session` with the account; the `JSESSIONID` the socket needs."""
        try:
            response = await self.http.post(
                f"{self.base_url}/api/session",
                data={"email": self.username, "password": self.password},
            )
        except httpx.HTTPError as exc:
            raise TraccarError(f"Traccar at {self.base_url} is unreachable: {exc}") from exc
        cookie = response.cookies.get("JSESSIONID")
        if response.status_code != 200 or not cookie:
            raise TraccarError(f"Traccar refused the session (HTTP {response.status_code})")
        return cookie

    def socket_url(self) -> str:
        scheme, rest = self.base_url.split("://", 1)
        return f"{'wss' if scheme == 'https' else 'ws'}://{rest}/api/socket"

    async def stream(self) -> AsyncIterator[list[TraccarPosition]]:
        """Positions as the socket pushes them, one batch per message (keep-alives skipped)."""
        cookie = await self.session_cookie()
        async with websockets.connect(
            self.socket_url(), additional_headers={"Cookie": f"JSESSIONID={cookie}"}
        ) as socket:
            async for message in socket:
                try:
                    body = json.loads(message)
                except ValueError:
                    continue
                raw = body.get("positions") if isinstance(body, dict) else None
                if isinstance(raw, list):
                    batch = [
                        p for p in (parse_position(r) for r in raw if isinstance(r, dict)) if p
                    ]
                    if batch:
                        yield batch


async def technician_devices(session: AsyncSession) -> dict[str, str]:
    """`gps_device_id` → technician name, for active technicians that carry one."""
    rows = await session.execute(
        select(Technician.gps_device_id, Technician.name).where(
            Technician.active.is_(True), Technician.gps_device_id.is_not(None)
        )
    )
    return {str(device): name for device, name in rows if device}


class TraccarGps:
    """The Traccar provider: the socket's positions when it is up, else a REST poll."""

    def __init__(self, client: TraccarClient) -> None:
        self.client = client
        self.buffer: list[TraccarPosition] = []
        self.connected = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def _device_names(self, session: AsyncSession) -> dict[int, str]:
        by_device = await technician_devices(session)
        if not by_device:
            return {}
        names: dict[int, str] = {}
        for device in await self.client.devices():
            for key in (str(device.get("id")), str(device.get("uniqueId"))):
                if key in by_device:
                    names[int(device["id"])] = by_device[key]
        return names

    async def read(self, session: AsyncSession, now: dt.datetime) -> list[PositionReading]:
        names = await self._device_names(session)
        if self.connected.is_set():
            positions, self.buffer = self.buffer, []
        else:
            positions = await self.client.latest_positions()
        return [
            PositionReading(
                technician=names[p.device_id],
                latitude=p.latitude,
                longitude=p.longitude,
                speed_kmh=round(p.speed_kmh, 1),
                recorded_at=p.fix_time,
            )
            for p in positions
            if p.device_id in names and -90 <= p.latitude <= 90 and -180 <= p.longitude <= 180
        ]

    async def listen(self) -> None:
        """Keep the socket open, buffering positions; reconnect with back-off."""
        failures = 0
        while True:
            try:
                async for batch in self.client.stream():
                    self.connected.set()
                    failures = 0
                    self.buffer.extend(batch)
                    del self.buffer[:-BUFFER_LIMIT]
            except (TraccarError, OSError, websockets.WebSocketException) as failure:
                log.warning("gps.traccar_socket_failed", error=str(failure))
            self.connected.clear()
            await asyncio.sleep(RECONNECT_SECONDS[min(failures, len(RECONNECT_SECONDS) - 1)])
            failures += 1

    async def ensure_listening(self) -> None:
        """Worker duty: start the socket listener, or restart it if it died."""
        if self._task is not None and not self._task.done():
            return
        self._task = asyncio.create_task(self.listen(), name="traccar-socket")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self.connected.clear()
