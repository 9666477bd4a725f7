"""JSON in and out of the dispatch API."""

from __future__ import annotations

import datetime as dt
import re

from pydantic import BaseModel, ConfigDict, Field, field_validator

from gigafibre.dispatch.models import JobStatus
from gigafibre.dispatch.routing import LOCAL_TZ

JOB_NAME = r"^DJ-\d{1,10}$"
TECH_NAME = r"^TECH-\d{1,10}$"


class AssignRequest(BaseModel):
    """Put a job in a technician's day at `position` (0 = first); `technician` null or "" sends
    it back to the unassigned lane. `date` moves it to another day (default: its own)."""

    model_config = ConfigDict(extra="forbid")

    job: str = Field(pattern=JOB_NAME, examples=["DJ-000123"])
    technician: str | None = Field(default=None, examples=["TECH-0001"])
    position: int = Field(default=0, ge=0, le=500)
    date: dt.date | None = None

    @field_validator("technician")
    @classmethod
    def _technician(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not re.fullmatch(TECH_NAME, value):
            raise ValueError("not a technician name")
        return value


class LaneStop(BaseModel):
    job: str
    position: int
    planned_arrival: dt.datetime | None


class AssignResult(BaseModel):
    job: str
    technician: str | None
    status: JobStatus
    position: int | None
    date: dt.date | None
    planned_arrival: dt.datetime | None
    notified: bool = Field(description="whether the technician and customer were messaged")
    lane: list[LaneStop]


class ReasonOut(BaseModel):
    code: str
    fr: str
    en: str
    positive: bool


class CandidateOut(BaseModel):
    technician: str
    full_name: str
    score: float
    eligible: bool
    position: int | None
    arrival: dt.datetime | None
    added_travel_minutes: int | None
    jobs: int
    reasons: list[ReasonOut]


class Candidates(BaseModel):
    job: str
    date: dt.date | None
    candidates: list[CandidateOut]


def _aware(value: dt.datetime) -> dt.datetime:
    """A time without an offset is Québec time."""
    return value if value.tzinfo else value.replace(tzinfo=LOCAL_TZ)


class AbsenceRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: dt.datetime
    end: dt.datetime
    reason: str = Field(default="", max_length=200)

    @field_validator("start", "end")
    @classmethod
    def _local(cls, value: dt.datetime) -> dt.datetime:
        return _aware(value).astimezone(dt.UTC)


class AbsenceResult(BaseModel):
    technician: str
    start: dt.datetime
    end: dt.datetime
    unassigned: list[str]
    customers_notified: int


class PlanRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    date: dt.date
    seconds: float = Field(default=2.0, gt=0, le=30)


class PlannedStopOut(BaseModel):
    job: str
    arrival: dt.datetime
    departure: dt.datetime


class PlanOut(BaseModel):
    id: int
    date: dt.date
    routes: dict[str, list[PlannedStopOut]]
    unassigned: dict[str, str]
    distance_m: int
    travel_seconds: int


class PlanApplied(BaseModel):
    date: dt.date
    moved: list[str]


class StatusRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: JobStatus


class JobStatusOut(BaseModel):
    job: str
    status: JobStatus


class CalendarLink(BaseModel):
    technician: str
    url: str
