"""Errors of the device services (ACS, Oktopus): clear words when they are down or slow."""

from __future__ import annotations

from gigafibre.core.errors import DomainError


class DeviceServiceError(DomainError):
    """The device management server answered badly or not at all."""

    status_code = 503
    code = "device_service_unavailable"


class DeviceServiceTimeoutError(DeviceServiceError):
    status_code = 504
    code = "device_service_timeout"


class DeviceServiceRejectedError(DeviceServiceError):
    """The server understood the request and refused it (bad query, unknown parameter)."""

    status_code = 502
    code = "device_service_rejected"
