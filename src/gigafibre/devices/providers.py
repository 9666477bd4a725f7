"""The ACS and USP clients of a process, built once from settings and shared by the web app
and the worker (keyed by their Database), so the simulators keep one state per process."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from weakref import WeakKeyDictionary

import httpx
from fastapi import Request

from gigafibre.core.db import Database
from gigafibre.devices.acs import AcsClient
from gigafibre.devices.inventory import Protocol, inventory_of
from gigafibre.devices.oktopus import OktopusClient
from gigafibre.devices.simulated_acs import SimulatedAcs
from gigafibre.devices.simulated_oktopus import SimulatedOktopus
from gigafibre.settings import AcsProvider, Settings, UspProvider

_SHARED: WeakKeyDictionary[Database, DeviceClients] = WeakKeyDictionary()


@dataclass
class DeviceClients:
    acs: AcsClient
    usp: OktopusClient
    secret_key: str

    def usp_password(self, serial: str) -> str:
        """The MQTT password a USP device is pre-authorised with: derived, so never stored."""
        digest = hmac.new(self.secret_key.encode(), f"usp:{serial}".encode(), hashlib.sha256)
        return digest.hexdigest()[:32]


def build_clients(settings: Settings, db: Database) -> DeviceClients:
    timeout = httpx.Timeout(settings.acs_timeout_seconds)
    if settings.acs_provider is AcsProvider.genieacs:
        auth = (
            httpx.BasicAuth(settings.genieacs_username, settings.genieacs_password)
            if settings.genieacs_username
            else None
        )
        acs_http = httpx.AsyncClient(base_url=settings.genieacs_url, timeout=timeout, auth=auth)
    else:
        acs = SimulatedAcs(inventory_of(db, Protocol.tr069))
        acs_http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=acs.app),
            base_url="http://genieacs.simulated",
            timeout=timeout,
        )
    if settings.usp_provider is UspProvider.oktopus:
        usp_http = httpx.AsyncClient(base_url=settings.oktopus_url, timeout=timeout)
    else:
        oktopus = SimulatedOktopus(
            inventory_of(db, Protocol.tr369),
            email=settings.oktopus_email,
            password=settings.oktopus_password,
        )
        usp_http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=oktopus.app),
            base_url="http://oktopus.simulated",
            timeout=timeout,
        )
    return DeviceClients(
        acs=AcsClient(acs_http),
        usp=OktopusClient(
            usp_http, email=settings.oktopus_email, password=settings.oktopus_password
        ),
        secret_key=settings.secret_key,
    )


def shared_clients(settings: Settings, db: Database) -> DeviceClients:
    clients = _SHARED.get(db)
    if clients is None:
        clients = _SHARED[db] = build_clients(settings, db)
    return clients


def clients_of(request: Request) -> DeviceClients:
    return shared_clients(request.app.state.settings, request.app.state.db)
