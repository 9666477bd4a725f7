"""A GenieACS NBI served in-process (Starlette), so the demo runs without an ACS.

It answers the real NBI protocol (queries with GenieACS's rewriting, tasks with connection
requests, tags, presets, faults) over documents built from our equipment records, and tasks
change its state: a reboot sets the uptime to 0, setParameterValues changes the SSID. The ACS
client cannot tell it from GenieACS: it reaches it through httpx.ASGITransport.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from gigafibre.core.db import utcnow
from gigafibre.devices.documents import node
from gigafibre.devices.nbi_query import QueryError, matches, project
from gigafibre.devices.simulated_documents import DeviceSeed, build_document

Inventory = Callable[[], Awaitable[Sequence[DeviceSeed]]]
VERSION = {"GenieACS-Version": "1.2.13+simulated"}
ONLINE_LAG_SECONDS = 300


class SimulatedAcs:
    """The ACS's state: one document per device that ever informed, plus presets and faults."""

    def __init__(self, inventory: Inventory, *, clock: Callable[[], dt.datetime] = utcnow) -> None:
        self.inventory = inventory
        self.clock = clock
        self.documents: dict[str, dict[str, Any]] = {}
        self.lag: dict[str, float] = {}  # seconds behind "now" of a live device's last inform
        self.presets: dict[str, dict[str, Any]] = {}
        self.faults: list[dict[str, Any]] = []
        self.tasks: list[dict[str, Any]] = []
        self.app = Starlette(
            routes=[
                Route("/devices/", self.list_devices, methods=["GET", "HEAD"]),
                Route("/devices", self.list_devices, methods=["GET", "HEAD"]),
                Route("/devices/{device_id}/tasks", self.post_task, methods=["POST"]),
                Route("/devices/{device_id}/tags/{tag}", self.tag, methods=["POST", "DELETE"]),
                Route("/presets/{name}", self.preset, methods=["PUT", "DELETE"]),
                Route("/presets/", self.list_presets, methods=["GET"]),
                Route("/faults/", self.list_faults, methods=["GET"]),
                Route("/tasks/", self.list_tasks, methods=["GET"]),
            ]
        )

    async def sync(self) -> None:
        """Devices in our records that GenieACS would have heard from by now."""
        now = self.clock()
        known = {doc["_deviceId"]["_SerialNumber"] for doc in self.documents.values()}
        for seed in await self.inventory():
            if seed.serial in known:
                continue
            doc = build_document(seed, now)
            last = dt.datetime.fromisoformat(doc["_lastInform"].replace("Z", "+00:00"))
            behind = (now - last).total_seconds()
            if behind <= ONLINE_LAG_SECONDS:
                self.lag[doc["_id"]] = behind
            self.documents[doc["_id"]] = doc
        for device_id, behind in self.lag.items():
            stamp = now - dt.timedelta(seconds=behind)
            self.documents[device_id]["_lastInform"] = stamp.isoformat().replace("+00:00", "Z")

    def online(self, device_id: str) -> bool:
        return device_id in self.lag

    async def list_devices(self, request: Request) -> Response:
        try:
            query = json.loads(request.query_params.get("query") or "{}")
            if not isinstance(query, dict):
                raise QueryError("query must be an object")
            await self.sync()
            found = [doc for doc in self.documents.values() if matches(doc, query)]
        except (json.JSONDecodeError, QueryError) as error:
            return Response(f"SyntaxError: {error}", status_code=400, headers=VERSION)
        headers = {**VERSION, "total": str(len(found))}
        if request.method == "HEAD":
            return Response(status_code=200, headers=headers)
        skip = int(request.query_params.get("skip") or 0)
        limit = request.query_params.get("limit")
        window = found[skip : skip + int(limit)] if limit else found[skip:]
        projection = [p for p in (request.query_params.get("projection") or "").split(",") if p]
        return JSONResponse([project(doc, projection) for doc in window], headers=headers)

    def _device(self, request: Request) -> dict[str, Any] | None:
        return self.documents.get(request.path_params["device_id"])

    async def post_task(self, request: Request) -> Response:
        await self.sync()
        doc = self._device(request)
        if doc is None:
            return Response("No such device", status_code=404, headers=VERSION)
        task = await request.json()
        if not isinstance(task, dict) or "name" not in task:
            return Response("Invalid task", status_code=400, headers=VERSION)
        task = {**task, "_id": uuid.uuid4().hex[:24], "device": doc["_id"]}
        task["timestamp"] = self.clock().isoformat()
        if "connection_request" not in request.query_params:
            self.tasks.append(task)
            return JSONResponse(task, status_code=202, headers=VERSION)
        if not self.online(doc["_id"]):
            self.tasks.append(task)
            return JSONResponse(task, status_code=202, headers=VERSION)
        fault = self._run(doc, task)
        if fault is not None:
            self.faults.append(
                {
                    "_id": f"{doc['_id']}:task_{task['_id']}",
                    "device": doc["_id"],
                    "channel": f"task_{task['_id']}",
                    "code": "cwmp.9005",
                    "message": fault,
                    "timestamp": task["timestamp"],
                    "retries": 0,
                }
            )
            return JSONResponse(task, status_code=202, headers=VERSION)
        return JSONResponse(task, status_code=200, headers=VERSION)

    def _run(self, doc: dict[str, Any], task: dict[str, Any]) -> str | None:
        """Apply a task to the device; a fault message when the device would refuse it."""
        name = task["name"]
        now = self.clock().isoformat().replace("+00:00", "Z")
        root = "Device" if "Device" in doc else "InternetGatewayDevice"
        if name == "reboot":
            uptime = node(doc, f"{root}.DeviceInfo.UpTime")
            if isinstance(uptime, dict):
                uptime["_value"] = 0
            doc["_lastBoot"] = now
            return None
        if name == "setParameterValues":
            for entry in task.get("parameterValues") or []:
                path = str(entry[0])
                leaf = node(doc, path)
                if not isinstance(leaf, dict) or "_value" not in leaf:
                    return f"Invalid parameter name: {path}"
                if not leaf.get("_writable"):
                    return f"Attempt to set a non-writable parameter: {path}"
            for entry in task.get("parameterValues") or []:
                leaf = node(doc, entry[0])
                hidden = entry[0].endswith(("KeyPassphrase", "PreSharedKey"))
                leaf.update({"_value": "" if hidden else entry[1], "_timestamp": now})
            return None
        if name in ("refreshObject", "getParameterValues", "factoryReset", "provisions"):
            doc["_timestamp"] = now
            return None
        return f"Unsupported task {name}"

    async def tag(self, request: Request) -> Response:
        await self.sync()
        doc = self._device(request)
        if doc is None:
            return Response("No such device", status_code=404, headers=VERSION)
        tag = request.path_params["tag"]
        tags: list[str] = doc.setdefault("_tags", [])
        if request.method == "POST" and tag not in tags:
            tags.append(tag)
        elif request.method == "DELETE" and tag in tags:
            tags.remove(tag)
        return Response(status_code=200, headers=VERSION)

    async def preset(self, request: Request) -> Response:
        name = request.path_params["name"]
        if request.method == "DELETE":
            self.presets.pop(name, None)
            return Response(status_code=200, headers=VERSION)
        body = await request.json()
        if not isinstance(body, dict):
            return Response("Invalid preset", status_code=400, headers=VERSION)
        self.presets[name] = {**body, "_id": name}
        return Response(status_code=200, headers=VERSION)

    async def list_presets(self, _request: Request) -> Response:
        return JSONResponse(list(self.presets.values()), headers=VERSION)

    async def list_faults(self, request: Request) -> Response:
        query = json.loads(request.query_params.get("query") or "{}")
        found = [f for f in self.faults if all(f.get(k) == v for k, v in query.items())]
        return JSONResponse(found, headers=VERSION)

    async def list_tasks(self, request: Request) -> Response:
        query = json.loads(request.query_params.get("query") or "{}")
        found = [t for t in self.tasks if all(t.get(k) == v for k, v in query.items())]
        return JSONResponse(found, headers=VERSION)
