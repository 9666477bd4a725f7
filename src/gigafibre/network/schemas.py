"""What the network JSON API returns, and what Uptime Kuma posts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class OltInput(BaseModel):
    """An OLT to poll; `vendor` names a profile in network/vendors (its OID map)."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    name: str = Field(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    vendor: str = Field(min_length=1, max_length=40)
    host: str = Field(min_length=1, max_length=255, pattern=r"^[A-Za-z0-9:.\-]+$")
    snmp_community: str = Field(default="public", min_length=1, max_length=120)
    snmp_port: int = Field(default=161, ge=1, le=65535)
    location: str = Field(default="", max_length=200)
    active: bool = True


class PonPortPublic(BaseModel):
    name: str
    online: int
    offline: int
    rx_histogram: dict[str, int] = Field(description="ONUs online per Rx power band (dBm)")


class OltPublic(BaseModel):
    name: str
    vendor: str
    host: str
    location: str
    active: bool
    last_polled_at: dt.datetime | None
    last_poll_error: str
    online: int
    offline: int
    ports: list[PonPortPublic]


class PonPortReadingPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: dt.datetime
    online: int
    offline: int
    rx_avg_dbm: float | None
    rx_min_dbm: float | None


class AffectedCustomer(BaseModel):
    customer: str
    customer_name: str
    address: str


class OutagePublic(BaseModel):
    name: str
    scope: str
    source: str
    olt: str
    pon_port: str
    cause: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    customers: list[AffectedCustomer]


class OutageClosed(BaseModel):
    name: str
    closed_at: dt.datetime | None


class KumaNotification(BaseModel):
    """Uptime Kuma's webhook body; the test button sends heartbeat and monitor as null."""

    model_config = ConfigDict(extra="allow")

    heartbeat: dict[str, Any] | None = None
    monitor: dict[str, Any] | None = None
    msg: str = ""


class KumaReceipt(BaseModel):
    action: str
    outage: str = ""
