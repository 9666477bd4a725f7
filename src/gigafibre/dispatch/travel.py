"""Travel times between points, for the day optimiser and the simulated GPS.

Two providers share one protocol: `HaversineTravel` (great-circle distance times a road factor
at a constant speed; no network, the default) and `OsrmTravel` (OSRM's table API on real
roads). Matrices are whole seconds and metres because the solver works in integers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import httpx

if TYPE_CHECKING:
    from gigafibre.settings import Settings

Point = tuple[float, float]
"""(latitude, longitude) in decimal degrees."""

EARTH_RADIUS_M = 6_371_008.8
OSRM_MAX_POINTS = 1000


@dataclass(frozen=True, slots=True)
class TravelMatrix:
    """`seconds[i][j]` and `meters[i][j]` from point i to point j."""

    seconds: list[list[int]]
    meters: list[list[int]]


class TravelProvider(Protocol):
    async def matrix(self, points: Sequence[Point]) -> TravelMatrix: ...


class TravelError(RuntimeError):
    """The routing service could not give a matrix (down, timed out, or answered an error)."""


def haversine_m(a: Point, b: Point) -> float:
    """Great-circle distance in metres."""
    lat1, lon1 = math.radians(a[0]), math.radians(a[1])
    lat2, lon2 = math.radians(b[0]), math.radians(b[1])
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


class HaversineTravel:
    """Straight-line distance stretched by `road_factor`, driven at `speed_kmh`."""

    def __init__(self, road_factor: float = 1.3, speed_kmh: float = 50.0) -> None:
        if road_factor < 1.0:
            raise ValueError("road_factor must be at least 1.0")
        if speed_kmh <= 0:
            raise ValueError("speed_kmh must be positive")
        self.road_factor = road_factor
        self.speed_kmh = speed_kmh

    def leg(self, a: Point, b: Point) -> tuple[int, int]:
        """(seconds, metres) of one leg."""
        meters = haversine_m(a, b) * self.road_factor
        return round(meters / (self.speed_kmh / 3.6)), round(meters)

    async def matrix(self, points: Sequence[Point]) -> TravelMatrix:
        n = len(points)
        seconds = [[0] * n for _ in range(n)]
        meters = [[0] * n for _ in range(n)]
        for i in range(n):
            for j in range(i + 1, n):
                sec, dist = self.leg(points[i], points[j])
                seconds[i][j] = seconds[j][i] = sec
                meters[i][j] = meters[j][i] = dist
        return TravelMatrix(seconds=seconds, meters=meters)


class OsrmTravel:
    """OSRM's `table` service: `GET /table/v1/driving/{lon,lat;…}?annotations=duration,distance`."""

    def __init__(self, base_url: str, client: httpx.AsyncClient, *, profile: str = "driving"):
        self.base_url = base_url.rstrip("/")
        self.client = client
        self.profile = profile

    async def matrix(self, points: Sequence[Point]) -> TravelMatrix:
        if not points:
            return TravelMatrix(seconds=[], meters=[])
        if len(points) > OSRM_MAX_POINTS:
            raise TravelError(f"OSRM table limited to {OSRM_MAX_POINTS} points, got {len(points)}")
        coordinates = ";".join(f"{lon:.6f},{lat:.6f}" for lat, lon in points)
        url = f"{self.base_url}/table/v1/{self.profile}/{coordinates}"
        try:
            response = await self.client.get(url, params={"annotations": "duration,distance"})
        except httpx.TimeoutException as exc:
            raise TravelError(f"OSRM at {self.base_url} timed out") from exc
        except httpx.HTTPError as exc:
            raise TravelError(f"OSRM at {self.base_url} is unreachable: {exc}") from exc
        try:
            body: dict[str, Any] = response.json()
        except ValueError as exc:
            raise TravelError(f"OSRM answered HTTP {response.status_code} without JSON") from exc
        code = body.get("code")
        if response.status_code != 200 or code != "Ok":
            message = body.get("message", "")
            raise TravelError(f"OSRM answered {code or response.status_code}: {message}".strip())
        return TravelMatrix(
            seconds=_integer_table(body.get("durations"), len(points), "durations"),
            meters=_integer_table(body.get("distances"), len(points), "distances"),
        )


def _integer_table(table: Any, size: int, field: str) -> list[list[int]]:
    """OSRM's float table as integers; `null` (no route) becomes a prohibitive value."""
    if not isinstance(table, list) or len(table) != size:
        raise TravelError(f"OSRM answer has no {size}x{size} '{field}' table")
    unreachable = 10**7
    rows: list[list[int]] = []
    for row in table:
        if not isinstance(row, list) or len(row) != size:
            raise TravelError(f"OSRM answer has a malformed '{field}' row")
        rows.append([unreachable if value is None else round(value) for value in row])
    return rows


def build_travel_provider(
    settings: Settings, client: httpx.AsyncClient | None = None
) -> TravelProvider:
    """The provider chosen by `GF_TRAVEL_PROVIDER`."""
    if settings.travel_provider == "osrm":
        http = client or httpx.AsyncClient(timeout=settings.osrm_timeout_seconds)
        return OsrmTravel(settings.osrm_url, http)
    return HaversineTravel(
        road_factor=settings.travel_road_factor, speed_kmh=settings.travel_speed_kmh
    )
