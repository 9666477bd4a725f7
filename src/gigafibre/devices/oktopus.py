"""Oktopus CE REST client (TR-369/USP): device list, pre-authorisation, USP get/set/operate.

Oktopus answers a login with a bare JSON string, sent back as `Authorization: <token>` without
"Bearer"; the client logs in again once when a call comes back 401. A USP error comes back as
HTTP 200 with `err_code`; an offline device as 503, no answer in 10 s as 504.
"""

from __future__ import annotations

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

log = structlog.get_logger("gigafibre.devices.oktopus")
STATUS_LABELS = {0: "offline", 1: "associating", 2: "online"}


@dataclass(frozen=True)
class UspDevice:
    serial: str
    model: str
    vendor: str
    version: str
    product_class: str
    alias: str
    status: str  # offline | associating | online

    @classmethod
    def of(cls, raw: Mapping[str, Any]) -> UspDevice:
        return cls(
            serial=str(raw.get("SN", "")),
            model=str(raw.get("Model", "")),
            vendor=str(raw.get("Vendor", "")),
            version=str(raw.get("Version", "")),
            product_class=str(raw.get("ProductClass", "")),
            alias=str(raw.get("Alias", "")),
            status=STATUS_LABELS.get(int(raw.get("Status", 0) or 0), "offline"),
        )


class OktopusClient:
    protocol = "tr369"

    def __init__(self, http: httpx.AsyncClient, *, email: str, password: str) -> None:
        self.http = http
        self.email = email
        self.password = password
        self._token: str | None = None

    async def _login(self) -> str:
        response = await self._send(
            "PUT", "/api/auth/login", {"email": self.email, "password": self.password}, auth=False
        )
        if response.status_code != 200:
            raise DeviceServiceError("The USP controller (Oktopus) refused our credentials.")
        token = response.json()
        self._token = str(token)
        return self._token

    async def _send(
        self, method: str, path: str, body: Any = None, *, auth: bool = True, params: Any = None
    ) -> httpx.Response:
        headers = {"Authorization": self._token} if auth and self._token else {}
        try:
            return await self.http.request(method, path, json=body, headers=headers, params=params)
        except httpx.TimeoutException as error:
            raise DeviceServiceTimeoutError(
                "The USP controller (Oktopus) did not answer in time. Try again shortly."
            ) from error
        except httpx.HTTPError as error:
            log.warning("oktopus.unreachable", error=type(error).__name__)
            raise DeviceServiceError(
                "The USP controller (Oktopus) cannot be reached right now."
            ) from error

    async def _call(
        self, method: str, path: str, body: Any = None, *, params: Any = None
    ) -> httpx.Response:
        if self._token is None:
            await self._login()
        response = await self._send(method, path, body, params=params)
        if response.status_code == 401:
            await self._login()
            response = await self._send(method, path, body, params=params)
        if response.status_code == 503:
            raise DeviceServiceError("The device is offline: it is not connected to Oktopus.")
        if response.status_code == 504:
            raise DeviceServiceTimeoutError("The device did not answer Oktopus within 10 seconds.")
        if response.status_code >= 500:
            raise DeviceServiceError("The USP controller (Oktopus) cannot be reached right now.")
        return response

    async def devices(self, *, page_size: int = 50, serial: str | None = None) -> list[UspDevice]:
        params: dict[str, str] = {"page_number": "0", "page_size": str(min(page_size, 50))}
        if serial:
            params = {"id": serial}
        response = await self._call("GET", "/api/device", params=params)
        if response.status_code == 404:
            return []
        if response.status_code >= 400:
            raise DeviceServiceRejectedError(
                "Oktopus refused the request: {detail}", detail=response.text[:200]
            )
        found = response.json()
        if isinstance(found, dict) and "devices" in found:
            return [UspDevice.of(raw) for raw in found["devices"] or []]
        if isinstance(found, dict) and "SN" in found:
            return [UspDevice.of(found)]
        return []

    async def _usp(self, serial: str, message: str, body: Mapping[str, Any]) -> dict[str, Any]:
        path = f"/api/device/{quote(serial, safe='')}/any/{message}"
        response = await self._call("PUT", path, dict(body))
        if response.status_code == 404:
            raise NotFoundError("Oktopus does not know this device.")
        if response.status_code >= 400:
            raise DeviceServiceRejectedError(
                "Oktopus refused the request: {detail}", detail=response.text[:200]
            )
        answer = response.json()
        if isinstance(answer, dict) and answer.get("err_code"):
            raise DeviceServiceRejectedError(
                "The device refused the request: {detail}", detail=str(answer.get("err_msg"))
            )
        return answer if isinstance(answer, dict) else {}

    async def get(self, serial: str, paths: Sequence[str]) -> dict[str, Any]:
        """Flat `path: value` pairs for everything under the given paths (USP Get)."""
        answer = await self._usp(serial, "get", {"param_paths": list(paths), "max_depth": 0})
        flat: dict[str, Any] = {}
        for requested in answer.get("req_path_results") or []:
            if requested.get("err_code"):
                continue
            for resolved in requested.get("resolved_path_results") or []:
                prefix = str(resolved.get("resolved_path", ""))
                for key, raw in (resolved.get("result_params") or {}).items():
                    flat[prefix + key] = raw
        return flat

    async def set(self, serial: str, values: Mapping[str, str]) -> None:
        """USP Set, grouped per object: `{"Device.WiFi.SSID.1.SSID": "x"}`."""
        objects: dict[str, list[dict[str, Any]]] = {}
        for path, raw in values.items():
            obj, param = path.rsplit(".", 1)
            objects.setdefault(obj + ".", []).append(
                {"param": param, "value": raw, "required": True}
            )
        body = {
            "allow_partial": False,
            "update_objs": [
                {"obj_path": obj, "param_settings": settings} for obj, settings in objects.items()
            ],
        }
        await self._usp(serial, "set", body)

    async def reboot(self, serial: str) -> None:
        await self._usp(serial, "operate", {"command": "Device.Reboot()", "send_resp": True})

    async def preauthorise(self, serial: str, password: str) -> None:
        """Create (or replace) the device's MQTT credentials so it may connect."""
        response = await self._call(
            "POST", "/api/device/auth", {"id": serial, "password": password}
        )
        if response.status_code >= 400:
            raise DeviceServiceRejectedError(
                "Oktopus refused the request: {detail}", detail=response.text[:200]
            )

    async def authorised(self, serial: str) -> bool:
        response = await self._call("GET", "/api/device/auth", params={"id": serial})
        return response.status_code == 200 and bool(response.content) and response.json() != {}
