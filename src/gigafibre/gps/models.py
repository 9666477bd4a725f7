"""Tables of the gps capability: technicians' positions, kept `GF_GPS_RETENTION_DAYS` days."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from gigafibre.core.db import Base
from gigafibre.core.types import UTCDateTime


class GpsPosition(Base):
    """One fix of a technician's device. Indexed per technician by time (latest, breadcrumbs)."""

    __tablename__ = "gps_position"
    __table_args__ = (
        Index("ix_gps_position_tech_time", "technician_id", "recorded_at"),
        Index("ix_gps_position_recorded_at", "recorded_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    technician_id: Mapped[int] = mapped_column(ForeignKey("technician.id", ondelete="CASCADE"))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    speed_kmh: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(20), default="")
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
