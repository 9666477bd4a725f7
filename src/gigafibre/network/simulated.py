"""A model OLT: the rows its agent would serve, as pysnmp values or as snmpsim `.snmprec` text.

The demo's `SimulatedSource` answers GETBULK from these rows with pysnmp's own value types, so
the poller parses them exactly as it parses a real OLT; tests and the benchmark write the same
rows as `.snmprec` files for snmpsim.
"""

from __future__ import annotations

import bisect
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pysnmp.proto.rfc1902 import Integer32, ObjectName, OctetString
from pysnmp.proto.rfc1905 import EndOfMibView

from gigafibre.network.models import OnuStatus
from gigafibre.network.profiles import VendorProfile, encode_gpon_serial
from gigafibre.network.snmp import Oid, SnmpError, SnmpTarget, VarBind

INVALID_POWER = 2147483647


@dataclass(frozen=True)
class SimulatedOnu:
    slot: int
    port: int
    onu_index: int
    serial: str
    online: bool = True
    rx_power_dbm: float = -20.0
    tx_power_dbm: float = 2.2


def demo_serial(olt: str, slot: int, port: int, onu_index: int) -> str:
    """A stable, realistic Huawei-style serial for a demo ONU."""
    digest = hashlib.sha256(f"{olt}/{slot}/{port}/{onu_index}".encode()).hexdigest()
    return "HWTC" + digest[:8].upper()


def demo_onu(olt: str, slot: int, port: int, onu_index: int, *, cycle: int = 0) -> SimulatedOnu:
    """A demo ONU whose light drifts from cycle to cycle; about 1 in 40 is off, a few flap."""
    digest = hashlib.sha256(f"{olt}/{slot}/{port}/{onu_index}/{cycle}".encode()).digest()
    base = hashlib.sha256(f"{olt}/{slot}/{port}/{onu_index}".encode()).digest()
    flapping = cycle > 0 and digest[0] == 0
    return SimulatedOnu(
        slot=slot,
        port=port,
        onu_index=onu_index,
        serial=demo_serial(olt, slot, port, onu_index),
        online=(base[0] >= 7) != flapping,
        rx_power_dbm=round(-14.0 - base[1] / 255 * 13.0 + (digest[2] - 128) / 400, 2),
        tx_power_dbm=round(1.5 + base[3] / 255 * 1.5, 2),
    )


def agent_rows(profile: VendorProfile, onus: Iterable[SimulatedOnu]) -> list[tuple[Oid, str, str]]:
    """(OID, snmprec type, snmprec value) for every ONU, sorted as an agent walks them."""
    columns = profile.columns
    on, off = (
        next(code for code, status in columns["status"].values.items() if status == wanted)
        for wanted in (OnuStatus.online, OnuStatus.offline)
    )
    rows: list[tuple[Oid, str, str]] = []
    for onu in onus:
        index = (profile.port_index(onu.slot, onu.port), onu.onu_index)
        rx = round(onu.rx_power_dbm / columns["rx_power"].scale) if onu.online else INVALID_POWER
        tx = round(onu.tx_power_dbm / columns["tx_power"].scale) if onu.online else INVALID_POWER
        rows.append((columns["status"].oid + index, "2", str(on if onu.online else off)))
        rows.append((columns["serial"].oid + index, "4x", encode_gpon_serial(onu.serial).hex()))
        rows.append((columns["rx_power"].oid + index, "2", str(rx)))
        rows.append((columns["tx_power"].oid + index, "2", str(tx)))
    rows.sort(key=lambda row: row[0])
    return rows


def snmprec(profile: VendorProfile, onus: Iterable[SimulatedOnu]) -> str:
    """The text of an snmpsim recording (`OID|type|value` lines) serving these ONUs."""
    head = "1.3.6.1.2.1.1.1.0|4|Huawei Integrated Access Software (simulated)\n"
    lines = (
        f"{'.'.join(map(str, oid))}|{kind}|{value}"
        for oid, kind, value in agent_rows(profile, onus)
    )
    return head + "\n".join(lines) + "\n"


class SimulatedAgent:
    """The sorted MIB view of one model OLT, answering GETNEXT/GETBULK like an agent."""

    def __init__(self, profile: VendorProfile, onus: Iterable[SimulatedOnu]) -> None:
        rows = agent_rows(profile, onus)
        self.oids = [oid for oid, _kind, _value in rows]
        self.values = [
            OctetString(hexValue=value) if kind == "4x" else Integer32(int(value))
            for _oid, kind, value in rows
        ]

    def next_after(self, oid: Oid) -> VarBind:
        position = bisect.bisect_right(self.oids, oid)
        if position >= len(self.oids):
            return ObjectName(oid), EndOfMibView()
        return ObjectName(self.oids[position]), self.values[position]


class SimulatedSource:
    """Answers GETBULK from model OLTs keyed by (host, port, community), as pysnmp would."""

    def __init__(self, agents: dict[SnmpTarget, SimulatedAgent]) -> None:
        self.agents = agents

    async def bulk(
        self, target: SnmpTarget, oids: Sequence[Oid], max_repetitions: int
    ) -> list[VarBind]:
        agent = self.agents.get(target)
        if agent is None:
            raise SnmpError(f"{target.host}:{target.port}: no response (simulated)")
        cursors = list(oids)
        varbinds: list[VarBind] = []
        for _ in range(max_repetitions):
            for position, cursor in enumerate(cursors):
                name, value = agent.next_after(cursor)
                varbinds.append((name, value))
                cursors[position] = tuple(name)
            if all(isinstance(value, EndOfMibView) for _name, value in varbinds[-len(cursors) :]):
                break
        return varbinds
