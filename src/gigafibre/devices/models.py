"""Tables of the devices capability: the audit of every action taken on a customer's modem.

Live modem state is never stored (spec §6): it is read from the ACS or Oktopus each time.
What is kept is who did what to which device, when, and how it went; a Wi-Fi password never.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from gigafibre.core.db import Base, utcnow
from gigafibre.core.types import UTCDateTime, enum_column


class ActorKind(StrEnum):
    staff = "staff"
    customer = "customer"
    system = "system"


class DeviceActionKind(StrEnum):
    reboot = "reboot"
    refresh = "refresh"
    wifi = "wifi"
    provision = "provision"


class DeviceAction(Base):
    __tablename__ = "device_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(120))
    actor_kind: Mapped[ActorKind] = mapped_column(enum_column(ActorKind, "device_actor_kind"))
    action: Mapped[DeviceActionKind] = mapped_column(
        enum_column(DeviceActionKind, "device_action_kind")
    )
    protocol: Mapped[str] = mapped_column(String(10))
    device_id: Mapped[str] = mapped_column(String(200), index=True)
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customer.id", ondelete="SET NULL"), index=True
    )
    result: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(String(500), default="")
