"""A small Traccar speaking its REST (Basic auth) and `/api/socket` protocol, served by uvicorn."""

from __future__ import annotations

import asyncio
import base64
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

USER, PASSWORD = "ops@gigafibre.ca", "traccar-secret"
SESSION = "node0fake1session"


def position(
    device_id: int, lat: float, lon: float, stamp: str, knots: float = 0.0
) -> dict[str, Any]:
    return {
        "id": abs(hash((device_id, stamp))) % 10**6,
        "deviceId": device_id,
        "protocol": "osmand",
        "serverTime": stamp,
        "deviceTime": stamp,
        "fixTime": stamp,
        "outdated": False,
        "valid": True,
        "latitude": lat,
        "longitude": lon,
        "altitude": 60.0,
        "speed": knots,
        "course": 90.0,
        "address": None,
        "accuracy": 5.0,
        "attributes": {"batteryLevel": 80, "motion": knots > 0},
    }


class FakeTraccar:
    def __init__(self) -> None:
        self.devices: list[dict[str, Any]] = [
            {"id": 11, "name": "Phone Alice", "uniqueId": "356938035643809", "status": "online"},
            {"id": 12, "name": "Phone Bob", "uniqueId": "860000000000012", "status": "online"},
            {"id": 13, "name": "Spare", "uniqueId": "999", "status": "offline"},
        ]
        self.positions: list[dict[str, Any]] = [
            position(11, 46.8139, -71.2080, "2026-12-01T14:00:00.000+00:00", knots=27.0),
            position(12, 46.7760, -71.2860, "2026-12-01T14:00:05.000+00:00"),
            position(13, 46.9000, -71.3000, "2026-12-01T14:00:07.000+00:00"),
        ]
        self.pushes: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.sockets_opened = 0
        self.app = Starlette(
            routes=[
                Route("/api/devices", self.list_devices),
                Route("/api/positions", self.list_positions),
                Route("/api/session", self.open_session, methods=["POST"]),
                WebSocketRoute("/api/socket", self.socket),
            ]
        )

    def authorised(self, request: Request) -> bool:
        expected = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        return request.headers.get("authorization") == f"Basic {expected}"

    async def list_devices(self, request: Request) -> Response:
        if not self.authorised(request):
            return Response("Unauthorized", status_code=401)
        return JSONResponse(self.devices)

    async def list_positions(self, request: Request) -> Response:
        if not self.authorised(request):
            return Response("Unauthorized", status_code=401)
        return JSONResponse(self.positions)

    async def open_session(self, request: Request) -> Response:
        form = await request.form()
        if (form.get("email"), form.get("password")) != (USER, PASSWORD):
            return Response("Unauthorized", status_code=401)
        response = JSONResponse({"id": 1, "name": "Ops", "email": USER})
        response.set_cookie("JSESSIONID", SESSION, path="/")
        return response

    async def socket(self, websocket: WebSocket) -> None:
        if websocket.cookies.get("JSESSIONID") != SESSION:
            await websocket.close(code=4001)
            return
        await websocket.accept()
        self.sockets_opened += 1
        await websocket.send_json({"positions": self.positions})
        await websocket.send_json({})
        while True:
            message = await self.pushes.get()
            await websocket.send_json(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@asynccontextmanager
async def serve(fake: FakeTraccar) -> AsyncIterator[str]:
    port = free_port()
    config = uvicorn.Config(
        fake.app, host="127.0.0.1", port=port, log_level="warning", lifespan="off",
        ws="websockets-sansio",
    )  # fmt: skip
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn exposes a flag, not an event
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        server.force_exit = True
        await task
