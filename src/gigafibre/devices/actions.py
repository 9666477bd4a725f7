"""Actions on a customer's modem (reboot, refresh, Wi-Fi), each audited whatever the outcome.

Every action lands in the audit table with who asked, on the customer's timeline and on their
live topic. A Wi-Fi password is sent to the device and nowhere else: not in the audit, not in
the logs, not in the event.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.core.db import utcnow
from gigafibre.core.errors import DomainError, ValidationFailedError
from gigafibre.core.events import emit
from gigafibre.core.i18n import N_, gettext
from gigafibre.customers.models import Customer, TimelineEntry
from gigafibre.devices.acs import TaskResult
from gigafibre.devices.inventory import Protocol
from gigafibre.devices.models import ActorKind, DeviceAction, DeviceActionKind
from gigafibre.devices.providers import DeviceClients
from gigafibre.devices.service import DeviceView
from gigafibre.live.topics import customer_topic

RESULT_MESSAGES = {
    "done": N_("Done: the modem carried out the request."),
    "queued": N_("The modem did not answer; the request will run at its next contact."),
    "faulted": N_("The modem refused the request: {fault}"),
}


@dataclass(frozen=True)
class ActionOutcome:
    action: DeviceActionKind
    result: str  # done | queued | faulted | failed
    message: str
    audit_id: int
    status_code: int = 200


def validate_wifi(ssid: str, password: str) -> None:
    """SSID 1–32 bytes; WPA2 passphrase 8–63 printable ASCII characters (empty: unchanged)."""
    fields: dict[str, str] = {}
    if not ssid.strip() or len(ssid.encode()) > 32:
        fields["ssid"] = N_("The network name needs 1 to 32 characters.")
    if password and (
        not 8 <= len(password) <= 63 or any(not 32 <= ord(c) <= 126 for c in password)
    ):
        fields["password"] = N_(
            "The password needs 8 to 63 characters: letters, digits and common symbols only."
        )
    if fields:
        raise ValidationFailedError("Some fields are not valid.", fields=fields)


async def _run(
    clients: DeviceClients,
    device: DeviceView,
    action: DeviceActionKind,
    ssid: str,
    password: str,
) -> TaskResult:
    if device.protocol is Protocol.tr369:
        if action is DeviceActionKind.reboot:
            await clients.usp.reboot(device.serial)
        elif action is DeviceActionKind.wifi:
            await clients.usp.set(device.serial, _wifi_values(device, ssid, password))
        else:  # USP reads are always live: a refresh checks the agent still answers
            await clients.usp.get(device.serial, ["Device.DeviceInfo."])
        return TaskResult(task_id="", done=True)
    if action is DeviceActionKind.reboot:
        return await clients.acs.reboot(device.device_id)
    if action is DeviceActionKind.refresh:
        root = device.facts.identity.data_model if device.facts else None
        return await clients.acs.refresh(device.device_id, f"{root or 'Device'}.")
    values = [
        (path, raw, "xsd:string") for path, raw in _wifi_values(device, ssid, password).items()
    ]
    return await clients.acs.set_parameters(device.device_id, values)


def _wifi_values(device: DeviceView, ssid: str, password: str) -> dict[str, str]:
    networks = device.facts.wifi if device.facts else []
    if not networks:
        raise ValidationFailedError("This device reports no Wi-Fi network to change.")
    values: dict[str, str] = {}
    for network in networks:
        values[f"{network.path}.SSID"] = ssid
        if password and network.passphrase_path:
            values[network.passphrase_path] = password
    return values


async def act(
    session: AsyncSession,
    clients: DeviceClients,
    device: DeviceView,
    action: DeviceActionKind,
    *,
    actor: str,
    actor_kind: ActorKind,
    ssid: str = "",
    password: str = "",
) -> ActionOutcome:
    """Carry out an action on a device and audit it, whatever the outcome."""
    if action is DeviceActionKind.wifi:
        validate_wifi(ssid, password)
    status_code = 200
    try:
        task = await _run(clients, device, action, ssid, password)
        result = task.outcome
        message = gettext(RESULT_MESSAGES[result]).format(fault=task.fault)
    except DomainError as problem:
        if isinstance(problem, ValidationFailedError):
            raise
        result, message, status_code = (
            "failed",
            str(problem.render()["message"]),
            problem.status_code,
        )
    detail = (
        f"SSID → {ssid}" + (" + password" if password else "")
        if action is DeviceActionKind.wifi
        else ""
    )
    if result == "faulted":
        detail = (detail + " · " if detail else "") + task.fault
    customer = None
    if device.customer:
        customer = await session.scalar(select(Customer).where(Customer.name == device.customer))
    audit = DeviceAction(
        created_at=utcnow(),
        actor=actor[:120],
        actor_kind=actor_kind,
        action=action,
        protocol=str(device.protocol),
        device_id=device.device_id[:200],
        customer_id=customer.id if customer else None,
        result=result,
        detail=detail[:500],
    )
    session.add(audit)
    if customer is not None:
        session.add(
            TimelineEntry(
                customer_id=customer.id,
                kind=f"device.{action}",
                summary=f"{device.manufacturer} {device.model} {device.serial} · {result}"[:500],
                actor=actor[:80],
                reference=device.serial[:40],
                created_at=utcnow(),
            )
        )
    await session.flush()
    payload = {
        "device": device.device_id,
        "protocol": str(device.protocol),
        "action": str(action),
        "result": result,
        "customer": customer.name if customer else None,
    }
    await emit(
        session,
        "device.action",
        payload,
        topics=[customer_topic(customer.name)] if customer else [],
    )
    return ActionOutcome(action, result, message, audit.id, status_code)


async def actions_for_customer(
    session: AsyncSession, customer_id: int, *, limit: int = 10
) -> Sequence[DeviceAction]:
    return (
        await session.scalars(
            select(DeviceAction)
            .where(DeviceAction.customer_id == customer_id)
            .order_by(DeviceAction.id.desc())
            .limit(limit)
        )
    ).all()
