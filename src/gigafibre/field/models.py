"""Records of the technician's phone: status changes (check-ins), photos, offline-queue receipts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gigafibre.core.db import Base, utcnow
from gigafibre.core.types import UTCDateTime


class JobStatusChange(Base):
    """One status change of a Dispatch Job: who, when, and where (a check-in keeps GPS)."""

    __tablename__ = "job_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(
        ForeignKey("dispatch_job.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(80), default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class JobPhoto(Base):
    """A photo of a job, stored under the data dir; `stored_name` is ours, never the user's."""

    __tablename__ = "job_photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(
        ForeignKey("dispatch_job.id", ondelete="CASCADE"), index=True
    )
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(40))
    size_bytes: Mapped[int] = mapped_column(Integer)
    caption: Mapped[str] = mapped_column(String(200), default="")
    uploaded_by: Mapped[str] = mapped_column(String(80), default="")
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class JobEquipment(Base):
    """Equipment installed on a job: the history the job keeps once the unit moves on."""

    __tablename__ = "job_equipment"
    __table_args__ = (UniqueConstraint("job_id", "equipment_id", name="uq_job_equipment"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(
        ForeignKey("dispatch_job.id", ondelete="CASCADE"), index=True
    )
    equipment_id: Mapped[int] = mapped_column(
        ForeignKey("service_equipment.id", ondelete="CASCADE"), index=True
    )
    installed_by: Mapped[str] = mapped_column(String(80), default="")
    notes: Mapped[str] = mapped_column(Text, default="")  # what the technician noted on site
    installed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class FieldIdempotencyKey(Base):
    """An action the phone queued offline, already processed: a replay gets the same answer."""

    __tablename__ = "field_idempotency_key"
    __table_args__ = (UniqueConstraint("technician", "key", name="uq_field_idempotency"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    technician: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(80))
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(200))
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[Any] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
