"""snmpsim as a real SNMP agent, and a small network of customers on one OLT."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest_asyncio
from pysnmp.hlapi.v3arch.asyncio import (
    CommunityData,
    ContextData,
    ObjectIdentity,
    ObjectType,
    SnmpEngine,
    UdpTransportTarget,
    get_cmd,
)
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.core.naming import assign_name
from gigafibre.customers.models import Customer, Language, ServiceLocation
from gigafibre.network.models import Olt
from gigafibre.network.profiles import VendorProfile, load_profile
from gigafibre.network.simulated import SimulatedOnu, demo_serial, snmprec
from tests.conftest import service_unavailable

SNMPSIMD = shutil.which("snmpsimd") or shutil.which("snmpsim-command-responder")
VENDOR = "huawei_ma5800"
OLT_NAME = "OLT-TEST-01"


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Snmpsim:
    """A running snmpsimd; `write(community, onus)` adds or replaces a recording."""

    data_dir: Path
    port: int
    profile: VendorProfile

    def write(self, community: str, onus: list[SimulatedOnu]) -> None:
        path = self.data_dir / f"{community}.snmprec"
        path.write_text(snmprec(self.profile, onus))
        path.chmod(0o644)


async def _answers(port: int, community: str) -> bool:
    engine = SnmpEngine()
    try:
        error, _status, _index, _binds = await get_cmd(
            engine,
            CommunityData(community, mpModel=1),  # noqa: S508 - OLTs speak SNMPv2c
            await UdpTransportTarget.create(("127.0.0.1", port), timeout=0.5, retries=0),
            ContextData(),
            ObjectType(ObjectIdentity("1.3.6.1.2.1.1.1.0")),
        )
        return error is None
    finally:
        engine.close_dispatcher()


async def start_snmpsim(communities: dict[str, list[SimulatedOnu]]) -> AsyncIterator[Snmpsim]:
    """Start snmpsimd on a free port serving one recording per community; stop it after."""
    if SNMPSIMD is None:
        service_unavailable("snmpsimd is not installed (Debian package snmpsim)")
        return
    root = Path(tempfile.mkdtemp(prefix="gf-snmpsim-"))
    data, cache = root / "data", root / "cache"
    data.mkdir()
    cache.mkdir()
    for path in (root, data):
        path.chmod(0o755)
    cache.chmod(0o777)
    agent = Snmpsim(data, free_udp_port(), load_profile(VENDOR))
    for community, onus in communities.items():
        agent.write(community, onus)
    command = [
        SNMPSIMD,
        f"--data-dir={data}",
        f"--cache-dir={cache}",
        f"--agent-udpv4-endpoint=127.0.0.1:{agent.port}",
        "--logging-method=null",
    ]
    if os.geteuid() == 0:
        command += ["--process-user=nobody", "--process-group=nogroup"]
    process = await asyncio.create_subprocess_exec(
        *command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        first = next(iter(communities))
        deadline = time.monotonic() + 15
        while not await _answers(agent.port, first):
            if process.returncode is not None or time.monotonic() > deadline:
                service_unavailable("snmpsimd did not start answering")
            await asyncio.sleep(0.2)
        yield agent
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), timeout=10)
        shutil.rmtree(root, ignore_errors=True)


def port_onus(slot: int, port: int, count: int, *, down: int = 0) -> list[SimulatedOnu]:
    """`count` ONUs on a port, the first `down` of them offline."""
    return [
        SimulatedOnu(
            slot=slot,
            port=port,
            onu_index=index,
            serial=demo_serial(OLT_NAME, slot, port, index),
            online=index > down,
            rx_power_dbm=-18.0 - index / 4,
            tx_power_dbm=2.1,
        )
        for index in range(1, count + 1)
    ]


@dataclass
class Neighbourhood:
    olt: Olt
    locations: dict[tuple[str, int], ServiceLocation]  # (pon port, onu id) -> location
    customers: dict[tuple[str, int], Customer]


async def make_neighbourhood(
    session: AsyncSession, *, host: str, port: int, community: str, per_port: int
) -> Neighbourhood:
    """One OLT and a customer behind each ONU of ports 0/1/1 and 0/1/2 (every 3rd in English)."""
    olt = Olt(
        name=OLT_NAME,
        vendor=VENDOR,
        host=host,
        snmp_port=port,
        snmp_community=community,
        location="Central Limoilou",
    )
    session.add(olt)
    locations: dict[tuple[str, int], ServiceLocation] = {}
    customers: dict[tuple[str, int], Customer] = {}
    for pon in ("0/1/1", "0/1/2"):
        for onu in range(1, per_port + 1):
            customer = Customer(
                customer_name=f"Client {pon} {onu}",
                phone=f"+1418555{int(pon[-1]) * 100 + onu:04d}",
                language=Language.en if onu % 3 == 0 else Language.fr,
            )
            await assign_name(session, customer)
            session.add(customer)
            await session.flush()
            location = ServiceLocation(
                customer_id=customer.id,
                civic_number=str(100 + onu),
                street="1re Avenue",
                city="Québec",
                postal_code="G1L 3K1",
                olt_name=OLT_NAME,
                pon_port=pon,
                onu_id=onu,
            )
            await assign_name(session, location)
            session.add(location)
            locations[(pon, onu)] = location
            customers[(pon, onu)] = customer
    await session.flush()
    return Neighbourhood(olt, locations, customers)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def snmpsim() -> AsyncIterator[Snmpsim]:
    """Two recordings of one OLT: `healthy`, and `outage` (8 of 10 ONUs of 0/1/1 down)."""
    healthy = port_onus(1, 1, 10) + port_onus(1, 2, 10)
    outage = port_onus(1, 1, 10, down=8) + port_onus(1, 2, 10)
    async for agent in start_snmpsim({"healthy": healthy, "outage": outage}):
        yield agent
