"""Simulated device services over a fixed inventory, reached through the real clients."""

from __future__ import annotations

from collections.abc import Sequence

import httpx
import pytest

from gigafibre.devices.acs import AcsClient
from gigafibre.devices.oktopus import OktopusClient
from gigafibre.devices.simulated_acs import Inventory, SimulatedAcs
from gigafibre.devices.simulated_documents import DeviceSeed
from gigafibre.devices.simulated_oktopus import SimulatedOktopus

# health is drawn from the serial: ALCL00000004 is offline, 2200000000002 has weak light
SEEDS = (
    DeviceSeed("ALCL00000001", "Nokia", "G-240W-A", "ont", customer="C-000001"),
    DeviceSeed("ALCL00000004", "Nokia", "G-240W-A", "ont"),
    DeviceSeed("HWTC00000001", "Huawei", "HG8245H", "ont"),
    DeviceSeed("ZTEG00000001", "ZTE", "F670L", "ont"),
    DeviceSeed("2200000000002", "TP-Link", "XC220-G3v", "ont"),
    DeviceSeed("2200000000003", "TP-Link", "Deco XX230v", "router", mac="A4:2B:B0:12:34:56"),
)
USP_SEEDS = (DeviceSeed("2200000000005", "TP-Link", "Archer AX55", "router"),)


def static(seeds: Sequence[DeviceSeed]) -> Inventory:
    async def inventory() -> Sequence[DeviceSeed]:
        return seeds

    return inventory


@pytest.fixture
def sim_acs() -> SimulatedAcs:
    return SimulatedAcs(static(SEEDS))


@pytest.fixture
def acs(sim_acs: SimulatedAcs) -> AcsClient:
    transport = httpx.ASGITransport(app=sim_acs.app)
    return AcsClient(httpx.AsyncClient(transport=transport, base_url="http://acs"))


@pytest.fixture
def sim_usp() -> SimulatedOktopus:
    return SimulatedOktopus(static(USP_SEEDS), email="ops@example.ca", password="pw")


@pytest.fixture
def usp(sim_usp: SimulatedOktopus) -> OktopusClient:
    transport = httpx.ASGITransport(app=sim_usp.app)
    http = httpx.AsyncClient(transport=transport, base_url="http://oktopus")
    return OktopusClient(http, email="ops@example.ca", password="pw")
