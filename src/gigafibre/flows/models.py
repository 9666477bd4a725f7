"""Flow Templates (trigger, conditions, ordered steps) and their Flow Runs."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gigafibre.core.db import Base, Timestamped, utcnow
from gigafibre.core.types import UTCDateTime, enum_column


class FlowTemplate(Timestamped, Base):
    __tablename__ = "flow_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    trigger_event: Mapped[str] = mapped_column(String(80), index=True)
    conditions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    steps: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)


class FlowRunStatus(StrEnum):
    running = "running"
    waiting = "waiting"
    completed = "completed"
    failed = "failed"
    cancelled = "cancelled"


class FlowTemplateVersion(Base):
    """Every saved version of a template, so edits can be read back and runs explained."""

    __tablename__ = "flow_template_version"
    __table_args__ = (UniqueConstraint("template_id", "version", name="uq_flow_template_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(
        ForeignKey("flow_template.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    actor: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class FlowRun(Timestamped, Base):
    """One execution of a template. `steps` is the template's steps when the run started, so
    editing a template never changes a run under way; (template, trigger event) is unique."""

    __tablename__ = "flow_run"
    naming_series: ClassVar[tuple[str, int]] = ("FR-", 6)
    __table_args__ = (
        UniqueConstraint("template_id", "trigger_event_id", name="uq_flow_run_trigger"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20), unique=True)
    template_id: Mapped[int] = mapped_column(
        ForeignKey("flow_template.id", ondelete="RESTRICT"), index=True
    )
    template_version: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[FlowRunStatus] = mapped_column(
        enum_column(FlowRunStatus, "flow_run_status"), default=FlowRunStatus.running, index=True
    )
    steps: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    context: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    current_step: Mapped[int] = mapped_column(Integer, default=0)
    step_log: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    next_wake_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), index=True)
    trigger_event_id: Mapped[str | None] = mapped_column(String(64))
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
