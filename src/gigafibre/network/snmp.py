"""SNMP sources and the GETBULK table walker every source shares.

A source answers one GETBULK request with the flat list of (ObjectName, value) pairs pysnmp
returns; `walk_columns` drives several table columns at once until each leaves its subtree.
`PysnmpSource` talks to real agents (OLTs, snmpsim); `simulated.SimulatedSource` answers from a
model of an OLT for the demo, with the same pysnmp value types.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from pysnmp.hlapi.v3arch.asyncio import (
    CommunityData,
    ContextData,
    ObjectIdentity,
    ObjectType,
    SnmpEngine,
    UdpTransportTarget,
    bulk_cmd,
)
from pysnmp.proto.rfc1905 import EndOfMibView, NoSuchInstance, NoSuchObject

Oid = tuple[int, ...]
VarBind = tuple[Any, Any]
MAX_REPETITIONS = 25


class SnmpError(RuntimeError):
    """The agent did not answer (timeout) or answered with an error status."""


@dataclass(frozen=True)
class SnmpTarget:
    host: str
    port: int
    community: str


class SnmpSource(Protocol):
    async def bulk(
        self, target: SnmpTarget, oids: Sequence[Oid], max_repetitions: int
    ) -> list[VarBind]: ...


class PysnmpSource:
    """SNMPv2c GETBULK over UDP with pysnmp's asyncio API; one engine for every OLT."""

    def __init__(self, *, timeout: float = 2.0, retries: int = 2) -> None:
        self.engine = SnmpEngine()
        self.timeout = timeout
        self.retries = retries
        self._transports: dict[tuple[str, int], UdpTransportTarget] = {}

    async def _transport(self, target: SnmpTarget) -> UdpTransportTarget:
        key = (target.host, target.port)
        transport = self._transports.get(key)
        if transport is None:
            transport = await UdpTransportTarget.create(
                key, timeout=self.timeout, retries=self.retries
            )
            self._transports[key] = transport
        return transport

    async def bulk(
        self, target: SnmpTarget, oids: Sequence[Oid], max_repetitions: int
    ) -> list[VarBind]:
        error_indication, error_status, error_index, varbinds = await bulk_cmd(
            self.engine,
            CommunityData(target.community, mpModel=1),  # noqa: S508 - OLTs speak SNMPv2c
            await self._transport(target),
            ContextData(),
            0,
            max_repetitions,
            *(ObjectType(ObjectIdentity(".".join(map(str, oid)))) for oid in oids),
            lookupMib=False,
        )
        if error_indication:
            raise SnmpError(f"{target.host}:{target.port}: {error_indication}")
        if error_status:
            raise SnmpError(f"{target.host}:{target.port}: {error_status} at {error_index}")
        return [(varbind[0], varbind[1]) for varbind in varbinds]

    def close(self) -> None:
        self.engine.close_dispatcher()


def _ended(value: Any) -> bool:
    return isinstance(value, EndOfMibView | NoSuchObject | NoSuchInstance)


async def walk_columns(
    source: SnmpSource,
    target: SnmpTarget,
    columns: Sequence[Oid],
    *,
    max_repetitions: int = MAX_REPETITIONS,
) -> list[VarBind]:
    """Every row of several table columns, walked side by side with GETBULK."""
    cursors: dict[Oid, Oid] = {column: column for column in columns}
    found: list[VarBind] = []
    while cursors:
        active = list(cursors)
        varbinds = await source.bulk(target, [cursors[c] for c in active], max_repetitions)
        if not varbinds:
            break
        finished: set[Oid] = set()
        for position, (name, value) in enumerate(varbinds):
            column = active[position % len(active)]
            if column in finished:
                continue
            oid = tuple(name)
            if _ended(value) or oid[: len(column)] != column or oid <= cursors[column]:
                finished.add(column)
                continue
            found.append((name, value))
            cursors[column] = oid
        for column in finished:
            del cursors[column]
    return found
