"""Service Equipment: every ONT, router, set-top box and ATA, in stock or at a customer's."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import ClassVar

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from gigafibre.core.db import Base, Timestamped
from gigafibre.core.types import UTCDateTime, enum_column


class EquipmentType(StrEnum):
    ont = "ont"
    router = "router"
    set_top_box = "set_top_box"
    ata = "ata"


class EquipmentStatus(StrEnum):
    in_stock = "in_stock"
    installed = "installed"
    returned = "returned"
    defective = "defective"


class ServiceEquipment(Timestamped, Base):
    __tablename__ = "service_equipment"
    naming_series: ClassVar[tuple[str, int]] = ("EQ-", 6)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20), unique=True)
    equipment_type: Mapped[EquipmentType] = mapped_column(
        enum_column(EquipmentType, "equipment_type")
    )
    vendor: Mapped[str] = mapped_column(String(60), default="")
    model: Mapped[str] = mapped_column(String(60), default="")
    serial_number: Mapped[str] = mapped_column(String(60), unique=True)
    mac_address: Mapped[str | None] = mapped_column(String(17), index=True)
    gpon_serial: Mapped[str | None] = mapped_column(String(16), index=True)
    status: Mapped[EquipmentStatus] = mapped_column(
        enum_column(EquipmentStatus, "equipment_status"), default=EquipmentStatus.in_stock
    )
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customer.id", ondelete="SET NULL"), index=True
    )
    service_location_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_location.id", ondelete="SET NULL"), index=True
    )
    installed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
