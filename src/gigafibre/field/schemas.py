"""What the technician's phone sends and receives under `/field/api`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from gigafibre.core.errors import ErrorBody
from gigafibre.dispatch.models import JobPriority, JobStatus
from gigafibre.equipment.models import EquipmentStatus, EquipmentType


class CustomerContact(BaseModel):
    name: str
    customer_name: str
    phone: str | None
    email: str | None


class LocationDetails(BaseModel):
    name: str
    address_line: str
    city: str
    postal_code: str
    access_notes: str
    olt_name: str
    pon_port: str
    onu_id: int | None
    latitude: float | None
    longitude: float | None


class ChecklistItem(BaseModel):
    index: int
    label: str
    done: bool


class EquipmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    name: str
    equipment_type: EquipmentType
    vendor: str
    model: str
    serial_number: str
    mac_address: str | None
    gpon_serial: str | None
    status: EquipmentStatus


class PhotoOut(BaseModel):
    id: int
    caption: str
    content_type: str
    size_bytes: int
    uploaded_at: dt.datetime
    url: str
    thumbnail_url: str


class JobSummary(BaseModel):
    name: str
    job_type: str
    job_type_label: str
    subject: str
    status: JobStatus
    status_label: str
    priority: JobPriority
    scheduled_date: dt.date | None
    window_start: dt.datetime | None
    window_end: dt.datetime | None
    planned_arrival: dt.datetime | None
    route_position: int | None
    customer_name: str | None
    address: str | None


class JobDetail(JobSummary):
    notes: str
    completed_at: dt.datetime | None
    customer: CustomerContact | None
    location: LocationDetails | None
    checklist: list[ChecklistItem]
    equipment: list[EquipmentOut]
    photos: list[PhotoOut]


class StatusChange(BaseModel):
    status: JobStatus
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)


class JobUpdate(BaseModel):
    job_type: str | None = Field(default=None, min_length=1, max_length=40)
    priority: JobPriority | None = None


class ChecklistTick(BaseModel):
    done: bool


class InstallRequest(BaseModel):
    equipment: str = Field(min_length=1, max_length=20, description="EQ-000123")
    notes: str = Field(default="", max_length=2000)


class EquipmentNew(BaseModel):
    """The five fields of the phone's Create dialog (brand and model side by side)."""

    equipment_type: EquipmentType
    vendor: str = Field(default="", max_length=60)
    model: str = Field(default="", max_length=60)
    serial_number: str = Field(min_length=3, max_length=60)
    mac_address: str | None = Field(default=None, max_length=20)
    notes: str = Field(default="", max_length=2000)


class Installed(BaseModel):
    job: str
    equipment: EquipmentOut


class EquipmentMatches(BaseModel):
    query: str
    matched_by: str = Field(description="serial, mac or none")
    results: list[EquipmentOut]



ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "No technician session (open the SMS link)"},
    403: {"model": ErrorBody, "description": "CSRF token missing or wrong"},
    404: {"model": ErrorBody, "description": "Not one of this technician's jobs"},
    409: {"model": ErrorBody, "description": "Conflicts with the equipment's state or a key"},
    422: {"model": ErrorBody, "description": "Not a valid change"},
}


def multipart_body(description: str) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {
                            "file": {
                                "type": "string",
                                "format": "binary",
                                "description": description,
                            },
                            "caption": {"type": "string", "maxLength": 200},
                        },
                    }
                }
            },
        }
    }
