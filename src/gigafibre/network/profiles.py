"""Vendor OID maps as data (vendors/*.json) and the one parser every SNMP source goes through.

A profile names, per column (status, serial, rx/tx power), the table OID and how to read its
values; rows are indexed `<PON port ifIndex>.<ONU id>` and the port ifIndex encodes slot and
port with the vendor's arithmetic (base + slot*slot_step + port*port_step).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from gigafibre.network.models import OnuStatus

VENDOR_DIR = Path(__file__).parent / "vendors"
COLUMNS = ("status", "serial", "rx_power", "tx_power")


class UnknownVendorError(ValueError):
    """No profile file carries that vendor name."""


@dataclass(frozen=True)
class Column:
    name: str
    oid: tuple[int, ...]
    kind: str
    values: dict[int, OnuStatus] = field(default_factory=dict)
    scale: float = 1.0
    invalid: frozenset[int] = frozenset()

    @property
    def dotted(self) -> str:
        return ".".join(map(str, self.oid))


@dataclass(frozen=True)
class VendorProfile:
    vendor: str
    label: str
    base: int
    slot_step: int
    port_step: int
    columns: dict[str, Column]

    def port_index(self, slot: int, port: int) -> int:
        return self.base + slot * self.slot_step + port * self.port_step

    def slot_port(self, port_index: int) -> tuple[int, int]:
        offset = port_index - self.base
        return offset // self.slot_step, (offset % self.slot_step) // self.port_step

    def column_of(self, oid: tuple[int, ...]) -> tuple[Column, tuple[int, ...]] | None:
        """The column an OID belongs to and the row index after it."""
        for column in self.columns.values():
            if oid[: len(column.oid)] == column.oid and len(oid) > len(column.oid):
                return column, oid[len(column.oid) :]
        return None


def _oid(dotted: str) -> tuple[int, ...]:
    return tuple(int(part) for part in dotted.strip(".").split("."))


def _column(name: str, raw: dict[str, Any]) -> Column:
    values = {int(key): OnuStatus(value) for key, value in raw.get("values", {}).items()}
    return Column(
        name=name,
        oid=_oid(raw["oid"]),
        kind=raw["kind"],
        values=values,
        scale=float(raw.get("scale", 1.0)),
        invalid=frozenset(int(value) for value in raw.get("invalid", ())),
    )


@cache
def load_profile(vendor: str) -> VendorProfile:
    """Read `vendors/<vendor>.json` once; the file is the single source of OIDs."""
    path = VENDOR_DIR / f"{vendor}.json"
    if not vendor.replace("_", "").isalnum() or not path.is_file():
        raise UnknownVendorError(vendor)
    raw = json.loads(path.read_text())
    index = raw["port_index"]
    return VendorProfile(
        vendor=raw["vendor"],
        label=raw["label"],
        base=int(index["base"]),
        slot_step=int(index["slot_step"]),
        port_step=int(index["port_step"]),
        columns={name: _column(name, raw["columns"][name]) for name in COLUMNS},
    )


def known_vendors() -> list[str]:
    return sorted(path.stem for path in VENDOR_DIR.glob("*.json"))


@dataclass
class OnuSample:
    """One ONU as one poll saw it."""

    slot: int
    port: int
    onu_index: int
    status: OnuStatus = OnuStatus.unknown
    serial: str = ""
    rx_power_dbm: float | None = None
    tx_power_dbm: float | None = None


def gpon_serial(raw: bytes) -> str:
    """GPON serials are 4 ASCII vendor letters then 4 bytes shown in hex (HWTC1A2B3C4D)."""
    if len(raw) == 8 and raw[:4].isalpha() and raw[:4].isascii():
        return raw[:4].decode() + raw[4:].hex().upper()
    text = raw.decode("ascii", errors="replace")
    return text if text.isprintable() else raw.hex().upper()


def encode_gpon_serial(serial: str) -> bytes:
    return serial[:4].encode() + bytes.fromhex(serial[4:12])


def _value(column: Column, value: Any, sample: OnuSample) -> None:
    if column.kind == "enum":
        sample.status = column.values.get(int(value), OnuStatus.unknown)
    elif column.kind == "gpon_serial":
        sample.serial = gpon_serial(bytes(value.asOctets()))
    elif column.kind == "scaled":
        number = int(value)
        reading = None if number in column.invalid else round(number * column.scale, 2)
        if column.name == "rx_power":
            sample.rx_power_dbm = reading
        else:
            sample.tx_power_dbm = reading


def parse_varbinds(profile: VendorProfile, varbinds: list[tuple[Any, Any]]) -> list[OnuSample]:
    """Turn walked (ObjectName, value) pairs, as pysnmp returns them, into ONU samples."""
    samples: dict[tuple[int, int], OnuSample] = {}
    for name, value in varbinds:
        found = profile.column_of(tuple(name))
        if found is None:
            continue
        column, index = found
        if len(index) != 2:
            continue
        port_index, onu_index = index
        sample = samples.get((port_index, onu_index))
        if sample is None:
            slot, port = profile.slot_port(port_index)
            sample = samples[(port_index, onu_index)] = OnuSample(slot, port, onu_index)
        _value(column, value, sample)
    return sorted(samples.values(), key=lambda s: (s.slot, s.port, s.onu_index))
