"""What the gps capability hands out: positions by technician name."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field


class TechnicianPosition(BaseModel):
    technician: str = Field(description="Technician name, e.g. TECH-0001")
    latitude: float
    longitude: float
    speed_kmh: float | None = None
    recorded_at: dt.datetime


class PositionReading(BaseModel):
    """A fix as a provider reads it, before it is tied to a technician row."""

    technician: str
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    speed_kmh: float | None = None
    recorded_at: dt.datetime
