"""Optical levels of an ONT: vendors put them under their own branches and in their own units.

The table lists where each vendor family reports receive/transmit power and temperature; the
first branch present wins. Units are normalised to dBm and °C, and figures no real transceiver
could report are dropped rather than shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gigafibre.devices.documents import Document, node, number, value


@dataclass(frozen=True)
class Optical:
    rx_dbm: float | None
    tx_dbm: float | None
    temperature_c: float | None
    source: str | None  # the branch the figures came from


# (branch, rx leaf, tx leaf, temperature leaf, unit); unit "dbm1000" is TR-181's Dbm1000,
# "raw" is the ZTE raw/100 - 40 encoding, "dbm" accepts dBm, 0.1 dBm or 0.001 dBm.
OPTICAL_BRANCHES: tuple[tuple[str, str, str, str, str], ...] = (
    ("Device.Optical.Interface.1", "OpticalSignalLevel", "TransmitOpticalLevel", "", "dbm1000"),
    (
        "InternetGatewayDevice.WANDevice.1.X_GponInterafceConfig",
        "RXPower",
        "TXPower",
        "TransceiverTemperature",
        "dbm",
    ),
    (
        "InternetGatewayDevice.WANDevice.1.X_HW_GponInterfaceConfig",
        "RXPower",
        "TXPower",
        "TransceiverTemperature",
        "dbm",
    ),
    (
        "InternetGatewayDevice.WANDevice.1.X_ZTE-COM_WANPONInterfaceConfig",
        "RXPower",
        "TXPower",
        "Temperature",
        "raw",
    ),
    (
        "InternetGatewayDevice.WANDevice.1.X_CT-COM_GponInterfaceConfig",
        "RXPower",
        "TXPower",
        "TransceiverTemperature",
        "dbm",
    ),
    (
        "InternetGatewayDevice.WANDevice.1.X_FH_GponInterfaceConfig",
        "RXPower",
        "TXPower",
        "TransceiverTemperature",
        "dbm",
    ),
    ("InternetGatewayDevice.X_ALU_COM.OntOpticalParam", "RxPower", "TxPower", "Temperature", "dbm"),
    ("Device.X_ALU_COM.OntOpticalParam", "RxPower", "TxPower", "Temperature", "dbm"),
    ("InternetGatewayDevice.X_HW_DEBUG.AdminTR069", "RxPower", "TxPower", "Temperature", "dbm"),
)


def to_dbm(raw: Any, unit: str) -> float | None:
    """A power in dBm, or None when the figure cannot be a real optical level."""
    figure = number(raw)
    if figure is None:
        return None
    if unit == "dbm1000":
        figure /= 1000
    elif unit == "raw" and figure > 0:
        figure = figure / 100 - 40
    elif figure < -50:
        figure = figure / 10 if figure >= -500 else figure / 1000
    if -50 <= figure <= 10:
        return round(figure, 2)
    return None


def to_celsius(raw: Any) -> float | None:
    """Degrees Celsius; SFF-8472 raw readings (1/256 °C) are scaled down."""
    figure = number(raw)
    if figure is None:
        return None
    if abs(figure) > 200:
        figure /= 256
    return round(figure, 1) if -40 <= figure <= 125 else None


def optical(doc: Document) -> Optical:
    for branch, rx_leaf, tx_leaf, temp_leaf, unit in OPTICAL_BRANCHES:
        if not isinstance(node(doc, branch), Mapping):
            continue
        rx = to_dbm(value(doc, f"{branch}.{rx_leaf}"), unit)
        tx = to_dbm(value(doc, f"{branch}.{tx_leaf}"), unit)
        temperature = to_celsius(value(doc, f"{branch}.{temp_leaf}")) if temp_leaf else None
        if rx is not None or tx is not None:
            return Optical(rx, tx, temperature, branch)
    return Optical(None, None, None, None)
