"""Technicians, their absences, job templates, Dispatch Jobs and proposed day plans."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from gigafibre.core.db import Base, Timestamped, utcnow
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
    template_id: Mapped[int | None] = mapped_column(
        ForeignKey("job_template.id", ondelete="SET NULL"), index=True
    )
    tags: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    # [{"fr": "Mesurer le signal", "en": "Measure the signal", "done": false}, …]
    checklist: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list, server_default="[]")
    route_position: Mapped[int | None] = mapped_column(Integer)  # 0-based, in the tech's day
    planned_arrival: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())  # the ETA
    locked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Bumped on each change a calendar subscriber should see (iCalendar SEQUENCE).
    sequence: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))


class JobTemplate(Timestamped, Base):
    """A kind of job (fibre_install, repair, …): labels, default duration, skills, checklist."""

    __tablename__ = "job_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    label_fr: Mapped[str] = mapped_column(String(140))
    label_en: Mapped[str] = mapped_column(String(140))
    default_duration_minutes: Mapped[int] = mapped_column(Integer, default=60)
    required_skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    default_checklist: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)  # fr, en
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def label(self, language: str) -> str:
        return self.label_en if language == "en" else self.label_fr


class TechnicianAbsence(Base):
    """A period a technician does not work (sick, training, vacation): no jobs go to them."""

    __tablename__ = "technician_absence"
    __table_args__ = (Index("ix_technician_absence_period", "technician_id", "start", "end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    technician_id: Mapped[int] = mapped_column(ForeignKey("technician.id", ondelete="CASCADE"))
    start: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    end: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_by: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DispatchPlan(Base):
    """A day plan proposed by the optimiser, previewed on the board until applied or dropped.

    `routes` is `{technician: [{"job", "arrival", "departure"}, …]}` (ISO times), `unassigned`
    is `{job: reason}`.
    """

    __tablename__ = "dispatch_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, index=True)
    routes: Mapped[dict[str, list[dict[str, str]]]] = mapped_column(JSON, default=dict)
    unassigned: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    distance_m: Mapped[int] = mapped_column(Integer, default=0)
    travel_seconds: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
