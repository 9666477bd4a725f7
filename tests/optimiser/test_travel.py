"""Travel providers: haversine arithmetic and OSRM's table protocol (a fake at the boundary)."""

from __future__ import annotations

from collections.abc import Mapping

import httpx
import pytest

from gigafibre.dispatch.travel import (
    HaversineTravel,
    OsrmTravel,
    TravelError,
    build_travel_provider,
    haversine_m,
)
from gigafibre.settings import Settings

CHATEAU = (46.8122, -71.2053)  # Château Frontenac
LEVIS = (46.8033, -71.1779)  # Lévis ferry terminal
CHARLESBOURG = (46.8600, -71.2700)


def test_haversine_distance_is_the_great_circle() -> None:
    # One degree of latitude is 111.2 km on the mean sphere.
    assert haversine_m((46.0, -71.0), (47.0, -71.0)) == pytest.approx(111_195, rel=1e-4)
    assert haversine_m(CHATEAU, CHATEAU) == 0


async def test_haversine_matrix_applies_road_factor_and_speed() -> None:
    travel = HaversineTravel(road_factor=1.5, speed_kmh=36.0)  # 10 m/s
    matrix = await travel.matrix([CHATEAU, LEVIS, CHARLESBOURG])
    straight = haversine_m(CHATEAU, LEVIS)
    assert matrix.meters[0][1] == round(straight * 1.5)
    assert matrix.seconds[0][1] == round(straight * 1.5 / 10)
    assert matrix.meters[1][0] == matrix.meters[0][1]
    assert [matrix.seconds[i][i] for i in range(3)] == [0, 0, 0]
    assert matrix.meters[0][2] > matrix.meters[0][1]


def test_haversine_rejects_nonsense_parameters() -> None:
    with pytest.raises(ValueError, match="road_factor"):
        HaversineTravel(road_factor=0.5)
    with pytest.raises(ValueError, match="speed"):
        HaversineTravel(speed_kmh=0)


class FakeOsrm:
    """Speaks OSRM's `/table/v1/driving/{lon,lat;…}` answer format; records the requests."""

    def __init__(self, *, answer: Mapping[str, object] | None = None, status: int = 200) -> None:
        self.answer = answer
        self.status = status
        self.requests: list[httpx.Request] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.answer is not None:
            return httpx.Response(self.status, json=dict(self.answer))
        prefix = "/table/v1/driving/"
        if not request.url.path.startswith(prefix):
            return httpx.Response(400, json={"code": "InvalidUrl", "message": "bad URL"})
        points = []
        for pair in request.url.path[len(prefix) :].split(";"):
            lon, lat = (float(v) for v in pair.split(","))
            points.append((lat, lon))
        annotations = request.url.params.get("annotations", "duration").split(",")
        body: dict[str, object] = {
            "code": "Ok",
            "sources": [{"location": [lon, lat], "name": ""} for lat, lon in points],
            "destinations": [{"location": [lon, lat], "name": ""} for lat, lon in points],
        }
        meters = [[haversine_m(a, b) * 1.25 for b in points] for a in points]
        if "duration" in annotations:
            body["durations"] = [[m / 12.5 for m in row] for row in meters]
        if "distance" in annotations:
            body["distances"] = meters
        return httpx.Response(200, json=body)


def osrm(fake: FakeOsrm) -> OsrmTravel:
    client = httpx.AsyncClient(transport=httpx.MockTransport(fake.handle))
    return OsrmTravel("http://osrm.test/", client)


async def test_osrm_table_request_and_answer() -> None:
    fake = FakeOsrm()
    matrix = await osrm(fake).matrix([CHATEAU, LEVIS])
    request = fake.requests[0]
    assert request.method == "GET"
    assert request.url.path == "/table/v1/driving/-71.205300,46.812200;-71.177900,46.803300"
    assert request.url.params["annotations"] == "duration,distance"
    expected = haversine_m(CHATEAU, LEVIS) * 1.25
    assert matrix.meters == [[0, round(expected)], [round(expected), 0]]
    assert matrix.seconds[0][1] == round(expected / 12.5)


async def test_osrm_unroutable_pair_becomes_prohibitive() -> None:
    answer = {"code": "Ok", "durations": [[0, None], [5.4, 0]], "distances": [[0, None], [61, 0]]}
    matrix = await osrm(FakeOsrm(answer=answer)).matrix([CHATEAU, LEVIS])
    assert matrix.seconds[1][0] == 5
    assert matrix.seconds[0][1] >= 10**7
    assert matrix.meters[1][0] == 61


async def test_osrm_error_code_is_reported() -> None:
    answer = {"code": "TooBig", "message": "Too many table coordinates"}
    with pytest.raises(TravelError, match="TooBig: Too many table coordinates"):
        await osrm(FakeOsrm(answer=answer, status=400)).matrix([CHATEAU, LEVIS])


async def test_osrm_answer_without_the_table_is_refused() -> None:
    with pytest.raises(TravelError, match="durations"):
        await osrm(FakeOsrm(answer={"code": "Ok"})).matrix([CHATEAU, LEVIS])


async def test_osrm_down_or_slow_is_a_clear_error() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Connection refused", request=request)

    def stall(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    down = OsrmTravel("http://osrm.test", httpx.AsyncClient(transport=httpx.MockTransport(refuse)))
    with pytest.raises(TravelError, match="unreachable"):
        await down.matrix([CHATEAU, LEVIS])
    slow = OsrmTravel("http://osrm.test", httpx.AsyncClient(transport=httpx.MockTransport(stall)))
    with pytest.raises(TravelError, match="timed out"):
        await slow.matrix([CHATEAU, LEVIS])


async def test_osrm_html_error_page_is_reported() -> None:
    def proxy_error(request: httpx.Request) -> httpx.Response:
        return httpx.Response(502, text="<html>Bad gateway</html>")

    client = httpx.AsyncClient(transport=httpx.MockTransport(proxy_error))
    travel = OsrmTravel("http://osrm.test", client)
    with pytest.raises(TravelError, match="HTTP 502"):
        await travel.matrix([CHATEAU, LEVIS])


async def test_settings_choose_the_provider() -> None:
    haversine = build_travel_provider(Settings(travel_road_factor=1.4, travel_speed_kmh=40))
    assert isinstance(haversine, HaversineTravel)
    assert (haversine.road_factor, haversine.speed_kmh) == (1.4, 40)
    fake = FakeOsrm()
    client = httpx.AsyncClient(transport=httpx.MockTransport(fake.handle))
    chosen = build_travel_provider(
        Settings(travel_provider="osrm", osrm_url="http://osrm.test:5000"), client
    )
    assert isinstance(chosen, OsrmTravel)
    matrix = await chosen.matrix([CHATEAU, LEVIS, CHARLESBOURG])
    assert len(matrix.seconds) == 3
    assert str(fake.requests[0].url).startswith("http://osrm.test:5000/table/v1/driving/")
