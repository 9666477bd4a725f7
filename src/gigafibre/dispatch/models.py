"""Technicians and Dispatch Jobs."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import ClassVar

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gigafibre.core.db import Base, Timestamped
from gigafibre.core.types import UTCDateTime, enum_column


class Technician(Timestamped, Base):
    """A field technician: skills, weekly shifts (`{"mon": ["08:00", "16:30"], …}`), home base."""

    __tablename__ = "technician"
    naming_series: ClassVar[tuple[str, int]] = ("TECH-", 4)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20), unique=True)
    full_name: Mapped[str] = mapped_column(String(140))
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    shifts: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    home_base: Mapped[str] = mapped_column(String(200), default="")
    home_latitude: Mapped[float | None] = mapped_column(Float)
    home_longitude: Mapped[float | None] = mapped_column(Float)
    gps_device_id: Mapped[str | None] = mapped_column(String(60))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class JobStatus(StrEnum):
    open = "open"
    assigned = "assigned"
    en_route = "en_route"
    on_site = "on_site"
    completed = "completed"
    cancelled = "cancelled"


class JobPriority(StrEnum):
    low = "low"
    normal = "normal"
    high = "high"
    urgent = "urgent"


class DispatchJob(Timestamped, Base):
    __tablename__ = "dispatch_job"
    naming_series: ClassVar[tuple[str, int]] = ("DJ-", 6)
    __table_args__ = (Index("ix_dispatch_job_date_tech", "scheduled_date", "technician_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20), unique=True)
    job_type: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(200), default="")
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customer.id", ondelete="SET NULL"), index=True
    )
    service_location_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_location.id", ondelete="SET NULL"), index=True
    )
    technician_id: Mapped[int | None] = mapped_column(
        ForeignKey("technician.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[JobStatus] = mapped_column(
        enum_column(JobStatus, "job_status"), default=JobStatus.open, index=True
    )
    priority: Mapped[JobPriority] = mapped_column(
        enum_column(JobPriority, "job_priority"), default=JobPriority.normal
    )
    scheduled_date: Mapped[dt.date | None] = mapped_column(Date)
    window_start: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    window_end: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    duration_minutes: Mapped[int] = mapped_column(Integer, default=60)
    required_skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
