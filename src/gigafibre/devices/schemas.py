"""What the device API returns: live facts, never stored (spec §6)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict

from pydantic import BaseModel, Field

from gigafibre.devices.actions import ActionOutcome
from gigafibre.devices.service import DeviceView, Lookup


class FindingOut(BaseModel):
    code: str
    severity: str
    message: str
    advice: str


class DeviceOut(BaseModel):
    protocol: str = Field(description="tr069 (GenieACS) or tr369 (Oktopus)")
    device_id: str
    serial: str
    manufacturer: str
    model: str
    online: bool
    last_seen: dt.datetime | None
    customer: str | None
    tags: list[str]
    wan: dict[str, object] | None
    lan: dict[str, object] | None
    wifi: list[dict[str, object]]
    optical: dict[str, object] | None
    hosts: list[dict[str, object]]
    findings: list[FindingOut]

    @classmethod
    def of(cls, view: DeviceView) -> DeviceOut:
        read = view.facts
        findings = []
        for finding in view.findings:
            message, advice = finding.render()
            findings.append(
                FindingOut(
                    code=finding.code,
                    severity=str(finding.severity),
                    message=message,
                    advice=advice,
                )
            )
        return cls(
            protocol=str(view.protocol),
            device_id=view.device_id,
            serial=view.serial,
            manufacturer=view.manufacturer,
            model=view.model,
            online=view.online,
            last_seen=view.last_seen,
            customer=view.customer,
            tags=list(view.tags),
            wan=asdict(read.wan) if read else None,
            lan=asdict(read.lan) if read else None,
            wifi=[asdict(w) for w in read.wifi] if read else [],
            optical=asdict(read.optical) if read else None,
            hosts=[asdict(h) for h in read.hosts] if read else [],
            findings=findings,
        )


class LookupOut(BaseModel):
    devices: list[DeviceOut]
    warnings: list[str] = Field(description="services that could not be asked, in words")

    @classmethod
    def of(cls, found: Lookup) -> LookupOut:
        return cls(devices=[DeviceOut.of(v) for v in found.devices], warnings=found.messages())


class WifiIn(BaseModel):
    ssid: str = Field(max_length=64, description="1 to 32 bytes")
    password: str = Field(
        default="", max_length=128, description="8 to 63 printable ASCII; empty keeps it"
    )


class ActionOut(BaseModel):
    action: str
    result: str = Field(description="done, queued, faulted or failed")
    message: str
    audit_id: int

    @classmethod
    def of(cls, outcome: ActionOutcome) -> ActionOut:
        return cls(
            action=str(outcome.action),
            result=outcome.result,
            message=outcome.message,
            audit_id=outcome.audit_id,
        )


class UspDeviceOut(BaseModel):
    serial: str
    vendor: str
    model: str
    version: str
    status: str


class ProvisionOut(BaseModel):
    equipment: str
    protocol: str
    device_id: str
    detail: str
