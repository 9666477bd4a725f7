"""GenieACS NBI client (TR-069): device queries, tasks, tags, presets and faults over HTTP.

The same code speaks to a real GenieACS (behind a proxy with Basic credentials, since the NBI
has none of its own) and to the in-process simulator, through an httpx transport. Every failure
becomes a DeviceServiceError with words for staff: down (503), slow (504) or refused (502).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
import structlog

from gigafibre.core.errors import NotFoundError
from gigafibre.devices.errors import (
    DeviceServiceError,
    DeviceServiceRejectedError,
    DeviceServiceTimeoutError,
)

log = structlog.get_logger("gigafibre.devices.acs")
CONNECTION_REQUEST_TIMEOUT_MS = 4000


@dataclass(frozen=True)
class TaskResult:
    """What GenieACS did with a task: ran it now (200), faulted, or queued it for later."""

    task_id: str
    done: bool
    fault: str = ""

    @property
    def outcome(self) -> str:
        return "done" if self.done else ("faulted" if self.fault else "queued")


def quote_id(device_id: str) -> str:
    """Device ids already hold %XX escapes; they are percent-encoded again in the URL."""
    return quote(device_id, safe="")


class AcsClient:
    """Thin, typed calls to the GenieACS NBI; one shared httpx client per process."""

    protocol = "tr069"

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Any = None,
        wait_seconds: float | None = None,
    ) -> httpx.Response:
        try:
            response = await self.http.request(
                method,
                path,
                params=params,
                json=body,
                timeout=wait_seconds if wait_seconds is not None else httpx.USE_CLIENT_DEFAULT,
            )
        except httpx.TimeoutException as error:
            log.warning("acs.timeout", path=path.split("?")[0], error=type(error).__name__)
            raise DeviceServiceTimeoutError(
                "The device management server (ACS) did not answer in time. Try again shortly."
            ) from error
        except httpx.HTTPError as error:
            log.warning("acs.unreachable", error=type(error).__name__)
            raise DeviceServiceError(
                "The device management server (ACS) cannot be reached right now."
            ) from error
        if response.status_code == 404:
            raise NotFoundError("The ACS does not know this device.")
        if response.status_code == 504:
            raise DeviceServiceTimeoutError(
                "The modem did not answer the ACS in time; it may be off or unreachable."
            )
        if response.status_code >= 500:
            log.warning("acs.error", status=response.status_code)
            raise DeviceServiceError(
                "The device management server (ACS) cannot be reached right now."
            )
        if response.status_code >= 400:
            raise DeviceServiceRejectedError(
                "The ACS refused the request: {detail}", detail=response.text[:200]
            )
        return response

    async def find_devices(
        self,
        query: Mapping[str, Any],
        *,
        projection: Sequence[str] = (),
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        params = {"query": json.dumps(query, separators=(",", ":"))}
        if projection:
            params["projection"] = ",".join(projection)
        if limit is not None:
            params["limit"] = str(limit)
        response = await self._request("GET", "/devices/", params=params)
        found = response.json()
        return list(found) if isinstance(found, list) else []

    async def get_device(self, device_id: str) -> dict[str, Any] | None:
        found = await self.find_devices({"_id": device_id}, limit=1)
        return found[0] if found else None

    async def task(
        self,
        device_id: str,
        task: Mapping[str, Any],
        *,
        connection_request: bool = True,
        timeout_ms: int = CONNECTION_REQUEST_TIMEOUT_MS,
    ) -> TaskResult:
        """Send one task; with a connection request it runs at once when the modem answers."""
        params = {"timeout": str(timeout_ms)}
        if connection_request:
            params["connection_request"] = ""
        response = await self._request(
            "POST",
            f"/devices/{quote_id(device_id)}/tasks",
            params=params,
            body=dict(task),
            wait_seconds=timeout_ms / 1000 + 10,
        )
        stored = response.json() if response.content else {}
        task_id = str(stored.get("_id", "")) if isinstance(stored, dict) else ""
        if response.status_code == 200:
            return TaskResult(task_id=task_id, done=True)
        fault = ""
        if connection_request and task_id:
            found = await self._faults({"_id": f"{device_id}:task_{task_id}"})
            fault = str(found[0].get("message") or found[0].get("code") or "") if found else ""
        return TaskResult(task_id=task_id, done=False, fault=fault)

    async def reboot(self, device_id: str) -> TaskResult:
        return await self.task(device_id, {"name": "reboot"})

    async def refresh(self, device_id: str, object_name: str = "") -> TaskResult:
        return await self.task(device_id, {"name": "refreshObject", "objectName": object_name})

    async def set_parameters(
        self, device_id: str, values: Sequence[tuple[str, Any, str]]
    ) -> TaskResult:
        return await self.task(
            device_id,
            {"name": "setParameterValues", "parameterValues": [list(v) for v in values]},
        )

    async def get_parameters(self, device_id: str, names: Sequence[str]) -> TaskResult:
        return await self.task(
            device_id, {"name": "getParameterValues", "parameterNames": list(names)}
        )

    async def add_tag(self, device_id: str, tag: str) -> None:
        await self._request("POST", f"/devices/{quote_id(device_id)}/tags/{quote(tag, safe='')}")

    async def remove_tag(self, device_id: str, tag: str) -> None:
        await self._request("DELETE", f"/devices/{quote_id(device_id)}/tags/{quote(tag, safe='')}")

    async def put_preset(self, name: str, preset: Mapping[str, Any]) -> None:
        await self._request("PUT", f"/presets/{quote(name, safe='')}", body=dict(preset))

    async def faults(self, device_id: str | None = None) -> list[dict[str, Any]]:
        return await self._faults({"device": device_id} if device_id else {})

    async def _faults(self, query: Mapping[str, Any]) -> list[dict[str, Any]]:
        params = {"query": json.dumps(query)}
        found = (await self._request("GET", "/faults/", params=params)).json()
        return list(found) if isinstance(found, list) else []
