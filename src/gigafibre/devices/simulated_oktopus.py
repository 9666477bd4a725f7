"""An Oktopus CE REST API served in-process (Starlette): login, devices, USP get/set/operate,
device credentials. Its devices are the USP-capable units of our equipment records, with the
same TR-181 data model as the simulated ACS builds, so the same extractors read both.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Mapping
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from gigafibre.core.db import utcnow
from gigafibre.devices.simulated_acs import Inventory
from gigafibre.devices.simulated_documents import build_document


def flatten(doc: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """`{"Device.WiFi.SSID.1.SSID": "x", …}` from a nested GenieACS-shaped document."""
    flat: dict[str, Any] = {}
    for key, child in doc.items():
        if key.startswith("_") or not isinstance(child, Mapping):
            continue
        path = f"{prefix}{key}"
        if "_value" in child:
            flat[path] = child["_value"]
        else:
            flat.update(flatten(child, path + "."))
    return flat


class SimulatedOktopus:
    def __init__(
        self,
        inventory: Inventory,
        *,
        email: str,
        password: str,
        clock: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        self.inventory = inventory
        self.email, self.password = email, password
        self.clock = clock
        self.tokens: set[str] = set()
        self.devices: dict[str, dict[str, Any]] = {}
        self.parameters: dict[str, dict[str, Any]] = {}
        self.credentials: dict[str, str] = {}
        self.app = Starlette(
            routes=[
                Route("/api/auth/login", self.login, methods=["PUT"]),
                Route("/api/device", self.list_devices, methods=["GET"]),
                Route("/api/device/auth", self.auth, methods=["POST", "GET", "DELETE"]),
                Route("/api/device/{sn}/{mtp}/{message}", self.usp, methods=["PUT"]),
            ]
        )

    async def login(self, request: Request) -> Response:
        body = await request.json()
        if body.get("email") != self.email or body.get("password") != self.password:
            return Response(status_code=401)
        token = secrets.token_urlsafe(24)
        self.tokens.add(token)
        return JSONResponse(token)

    def _authorised(self, request: Request) -> bool:
        return request.headers.get("authorization", "") in self.tokens

    async def _sync(self) -> None:
        now = self.clock()
        for seed in await self.inventory():
            if seed.serial in self.devices:
                continue
            doc = build_document(seed, now)
            last = dt.datetime.fromisoformat(doc["_lastInform"].replace("Z", "+00:00"))
            online = (now - last).total_seconds() < 600
            self.devices[seed.serial] = {
                "SN": seed.serial,
                "Model": seed.model,
                "Customer": seed.customer or "",
                "Vendor": seed.vendor,
                "Version": flatten(doc).get("Device.DeviceInfo.SoftwareVersion", ""),
                "ProductClass": seed.model.replace(" ", ""),
                "Alias": "",
                "Status": 2 if online else 0,
                "Mqtt": 2 if online else 0,
                "Stomp": 0,
                "Websockets": 0,
                "Cwmp": 0,
            }
            self.parameters[seed.serial] = flatten(doc)

    async def list_devices(self, request: Request) -> Response:
        if not self._authorised(request):
            return Response(status_code=401)
        await self._sync()
        serial = request.query_params.get("id")
        if serial:
            found = self.devices.get(serial)
            return JSONResponse(found) if found else JSONResponse("No devices found", 404)
        size = min(int(request.query_params.get("page_size") or 20), 50)
        page = int(request.query_params.get("page_number") or 0)
        everything = list(self.devices.values())
        if not everything:
            return JSONResponse("No devices found", status_code=404)
        chunk = everything[page * size : (page + 1) * size]
        pages = (len(everything) + size - 1) // size
        return JSONResponse(
            {"pages": pages, "page": page, "size": size, "devices": chunk, "total": len(everything)}
        )

    async def auth(self, request: Request) -> Response:
        if not self._authorised(request):
            return Response(status_code=401)
        if request.method == "GET":
            serial = request.query_params.get("id", "")
            if serial not in self.credentials:
                return JSONResponse({}, status_code=200)
            return JSONResponse({"id": serial})
        body = await request.json()
        serial = str(body.get("id", ""))
        if request.method == "DELETE":
            self.credentials.pop(serial, None)
            return Response(status_code=200)
        if not serial or not body.get("password"):
            return JSONResponse("id and password are required", status_code=400)
        self.credentials[serial] = str(body["password"])
        return Response(status_code=200)

    async def usp(self, request: Request) -> Response:
        if not self._authorised(request):
            return Response(status_code=401)
        await self._sync()
        serial = request.path_params["sn"]
        device = self.devices.get(serial)
        if device is None:
            return JSONResponse("No device found", status_code=404)
        if device["Status"] != 2:
            return JSONResponse("Device is offline", status_code=503)
        body = await request.json()
        params = self.parameters[serial]
        message = request.path_params["message"]
        if message == "get":
            return JSONResponse(self._get(params, body.get("param_paths") or []))
        if message == "set":
            for obj in body.get("update_objs") or []:
                for setting in obj.get("param_settings") or []:
                    path = obj["obj_path"] + setting["param"]
                    if path not in params:
                        return JSONResponse(
                            {"err_code": 7026, "err_msg": f"Invalid path {path}", "param_errs": []}
                        )
                    if not path.endswith("KeyPassphrase"):
                        params[path] = setting["value"]
            return JSONResponse({"updated_obj_results": []})
        if message == "operate" and body.get("command") == "Device.Reboot()":
            params["Device.DeviceInfo.UpTime"] = 0
            return JSONResponse({"operation_results": [{"executed_command": "Device.Reboot()"}]})
        return JSONResponse({"err_code": 7004, "err_msg": "Not supported", "param_errs": []})

    @staticmethod
    def _get(params: Mapping[str, Any], paths: list[str]) -> dict[str, Any]:
        results = []
        for requested in paths:
            grouped: dict[str, dict[str, Any]] = {}
            for path, raw in params.items():
                if path.startswith(requested):
                    obj, leaf = path.rsplit(".", 1)
                    grouped.setdefault(obj + ".", {})[leaf] = raw
            results.append(
                {
                    "requested_path": requested,
                    "err_code": 0 if grouped else 7026,
                    "err_msg": "" if grouped else "Invalid path",
                    "resolved_path_results": [
                        {"resolved_path": obj, "result_params": leaves}
                        for obj, leaves in grouped.items()
                    ],
                }
            )
        return {"req_path_results": results}
