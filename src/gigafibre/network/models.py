"""OLTs, their PON ports and ONUs, optical readings, and outages with the customers they touch."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import ClassVar

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gigafibre.core.db import Base, Timestamped, utcnow
from gigafibre.core.types import UTCDateTime, enum_column


class OnuStatus(StrEnum):
    online = "online"
    offline = "offline"
    unknown = "unknown"


class OutageScope(StrEnum):
    olt = "olt"
    pon = "pon"


class OutageSource(StrEnum):
    kuma = "kuma"
    poller = "poller"


class Olt(Timestamped, Base):
    """An optical line terminal we poll over SNMP; `vendor` names a profile in vendors/."""

    __tablename__ = "network_olt"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    vendor: Mapped[str] = mapped_column(String(40))
    host: Mapped[str] = mapped_column(String(255))
    snmp_community: Mapped[str] = mapped_column(String(120), default="public")
    snmp_port: Mapped[int] = mapped_column(Integer, default=161)
    location: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_polled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    last_poll_error: Mapped[str] = mapped_column(String(500), default="")

    ports: Mapped[list[PonPort]] = relationship(
        back_populates="olt", order_by="(PonPort.slot, PonPort.port)", lazy="raise"
    )


class PonPort(Base):
    """One GPON port; `name` is frame/slot/port as written on service locations (0/1/3)."""

    __tablename__ = "network_pon_port"
    __table_args__ = (UniqueConstraint("olt_id", "slot", "port", name="uq_network_pon_port"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    olt_id: Mapped[int] = mapped_column(ForeignKey("network_olt.id", ondelete="CASCADE"))
    slot: Mapped[int] = mapped_column(Integer)
    port: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(20))

    olt: Mapped[Olt] = relationship(back_populates="ports", lazy="raise")


class Onu(Base):
    """A customer's optical network unit, as the OLT indexes it on its PON port."""

    __tablename__ = "network_onu"
    __table_args__ = (
        UniqueConstraint("pon_port_id", "onu_index", name="uq_network_onu_port_index"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    olt_id: Mapped[int] = mapped_column(
        ForeignKey("network_olt.id", ondelete="CASCADE"), index=True
    )
    pon_port_id: Mapped[int] = mapped_column(
        ForeignKey("network_pon_port.id", ondelete="CASCADE"), index=True
    )
    onu_index: Mapped[int] = mapped_column(Integer)
    serial: Mapped[str] = mapped_column(String(32), default="", index=True)
    service_location_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_location.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[OnuStatus] = mapped_column(
        enum_column(OnuStatus, "onu_status"), default=OnuStatus.unknown
    )
    rx_power_dbm: Mapped[float | None] = mapped_column(Float)
    tx_power_dbm: Mapped[float | None] = mapped_column(Float)
    status_changed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class OnuReading(Base):
    """One poll's view of one ONU; purged after the retention period (30 days)."""

    __tablename__ = "network_onu_reading"
    __table_args__ = (Index("ix_network_onu_reading_onu_at", "onu_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    onu_id: Mapped[int] = mapped_column(ForeignKey("network_onu.id", ondelete="CASCADE"))
    status: Mapped[OnuStatus] = mapped_column(enum_column(OnuStatus, "onu_reading_status"))
    rx_power_dbm: Mapped[float | None] = mapped_column(Float)
    tx_power_dbm: Mapped[float | None] = mapped_column(Float)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class PonPortReading(Base):
    """One poll's totals for one PON port: the series the ops page and trends read."""

    __tablename__ = "network_pon_port_reading"
    __table_args__ = (Index("ix_network_pon_port_reading_port_at", "pon_port_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pon_port_id: Mapped[int] = mapped_column(ForeignKey("network_pon_port.id", ondelete="CASCADE"))
    online: Mapped[int] = mapped_column(Integer)
    offline: Mapped[int] = mapped_column(Integer)
    rx_avg_dbm: Mapped[float | None] = mapped_column(Float)
    rx_min_dbm: Mapped[float | None] = mapped_column(Float)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class Outage(Timestamped, Base):
    """A loss of service on a whole OLT or PON port; open while `closed_at` is empty."""

    __tablename__ = "network_outage"
    naming_series: ClassVar[tuple[str, int]] = ("OUT-", 6)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20), unique=True)
    scope: Mapped[OutageScope] = mapped_column(enum_column(OutageScope, "outage_scope"))
    source: Mapped[OutageSource] = mapped_column(enum_column(OutageSource, "outage_source"))
    olt_id: Mapped[int] = mapped_column(ForeignKey("network_olt.id", ondelete="CASCADE"))
    pon_port_id: Mapped[int | None] = mapped_column(
        ForeignKey("network_pon_port.id", ondelete="CASCADE")
    )
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), index=True)
    cause: Mapped[str] = mapped_column(Text, default="")
    monitor: Mapped[str] = mapped_column(String(200), default="")

    olt: Mapped[Olt] = relationship(lazy="raise")
    pon_port: Mapped[PonPort | None] = relationship(lazy="raise")
    customers: Mapped[list[OutageCustomer]] = relationship(
        back_populates="outage", order_by="OutageCustomer.id", lazy="raise"
    )

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class OutageCustomer(Base):
    """A customer's service location cut off by an outage (listed when the outage opens)."""

    __tablename__ = "network_outage_customer"
    __table_args__ = (
        UniqueConstraint("outage_id", "service_location_id", name="uq_network_outage_location"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    outage_id: Mapped[int] = mapped_column(
        ForeignKey("network_outage.id", ondelete="CASCADE"), index=True
    )
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), index=True
    )
    service_location_id: Mapped[int] = mapped_column(
        ForeignKey("service_location.id", ondelete="CASCADE"), index=True
    )

    outage: Mapped[Outage] = relationship(back_populates="customers", lazy="raise")


class UspAgentPresence(Base):
    """What the MQTT broker last told us about a USP agent (Oktopus status topic)."""

    __tablename__ = "network_usp_presence"

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[str] = mapped_column(String(200), unique=True)
    online: Mapped[bool] = mapped_column(Boolean, default=False)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
