"""Provisioning: when a technician installs a unit, tell the device service who it serves.

`equipment.installed` (contract #4) queues one outbox message per installation (deduplicated,
so a redelivered event changes nothing); the outbox worker then runs `provision`, which is
idempotent: GenieACS gets the presets (PUT replaces) and the tags `gigafibre`, the customer and
the plan (old customers' tags removed); Oktopus gets the unit's MQTT credentials, derived from
its serial so they are never stored. A device the ACS has not heard from yet is retried later.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.billing.models import Subscription, SubscriptionStatus
from gigafibre.catalog.models import Item, ItemGroup
from gigafibre.core.db import Database, utcnow
from gigafibre.core.errors import DomainError, NotFoundError
from gigafibre.core.events import Event, Subscriber
from gigafibre.core.outbox import (
    OutboxMessage,
    PermanentSendError,
    RetriableSendError,
    Sender,
    enqueue,
)
from gigafibre.customers.models import Customer
from gigafibre.devices.errors import DeviceServiceRejectedError
from gigafibre.devices.inventory import Protocol, protocol_for
from gigafibre.devices.models import ActorKind, DeviceAction, DeviceActionKind
from gigafibre.devices.providers import DeviceClients, shared_clients
from gigafibre.equipment.models import ServiceEquipment
from gigafibre.settings import Settings

CHANNEL = "provision"
MANAGED_TAG = "gigafibre"
CUSTOMER_TAG = re.compile(r"^C-\d+$")
NOT_SEEN_RETRY_SECONDS = 300.0
PRESETS = {
    "gigafibre-tr181": "Device",
    "gigafibre-tr098": "InternetGatewayDevice",
}


class DeviceNotSeenError(DomainError):
    """The unit has not contacted the ACS yet (not plugged in): try again later."""

    status_code = 409
    code = "device_not_seen"


@dataclass(frozen=True)
class ProvisionOutcome:
    equipment: str
    protocol: str  # tr069 | tr369 | "" when the unit is not remotely managed
    device_id: str
    detail: str


def preset(root: str) -> dict[str, object]:
    """Managed units inform every 5 minutes, so "online" on our pages means what it says."""
    precondition = {"_tags": MANAGED_TAG, f"{root}.DeviceInfo.SerialNumber": {"$exists": True}}
    return {
        "weight": 0,
        "channel": "gigafibre",
        "events": {},
        "precondition": json.dumps(precondition),
        "configurations": [
            {
                "type": "value",
                "name": f"{root}.ManagementServer.PeriodicInformEnable",
                "value": "true",
            },
            {
                "type": "value",
                "name": f"{root}.ManagementServer.PeriodicInformInterval",
                "value": "300",
            },
        ],
    }


async def _plan_code(session: AsyncSession, customer_id: int) -> str | None:
    return await session.scalar(
        select(Item.item_code)
        .join(Subscription, Subscription.item_id == Item.id)
        .where(
            Subscription.customer_id == customer_id,
            Subscription.status == SubscriptionStatus.active,
            Item.item_group == ItemGroup.plan,
        )
        .order_by(Subscription.start_date.desc())
        .limit(1)
    )


async def provision(
    session: AsyncSession,
    clients: DeviceClients,
    *,
    equipment_name: str,
    actor: str,
    actor_kind: ActorKind = ActorKind.system,
) -> ProvisionOutcome:
    unit = await session.scalar(
        select(ServiceEquipment).where(ServiceEquipment.name == equipment_name.upper())
    )
    if unit is None:
        raise NotFoundError("No equipment is named {name}.", name=equipment_name)
    protocol = protocol_for(unit.vendor, unit.model, unit.equipment_type)
    if protocol is None:
        return ProvisionOutcome(unit.name, "", "", "not remotely managed")
    customer = await session.get(Customer, unit.customer_id) if unit.customer_id else None
    if protocol is Protocol.tr369:
        await clients.usp.preauthorise(unit.serial_number, clients.usp_password(unit.serial_number))
        device_id, detail = unit.serial_number, "pre-authorised on Oktopus"
    else:
        for name, root in PRESETS.items():
            await clients.acs.put_preset(name, preset(root))
        found = await clients.acs.find_devices(
            {"_deviceId._SerialNumber": unit.serial_number}, projection=("_tags",), limit=1
        )
        if not found:
            raise DeviceNotSeenError("The unit has not contacted the ACS yet.")
        device_id = str(found[0]["_id"])
        wanted = [MANAGED_TAG]
        if customer is not None:
            wanted.append(customer.name)
            plan = await _plan_code(session, customer.id)
            if plan:
                wanted.append(f"plan-{plan}")
        current = [str(tag) for tag in found[0].get("_tags") or []]
        for tag in current:
            stale = (CUSTOMER_TAG.match(tag) or tag.startswith("plan-")) and tag not in wanted
            if stale:
                await clients.acs.remove_tag(device_id, tag)
        for tag in wanted:
            if tag not in current:
                await clients.acs.add_tag(device_id, tag)
        detail = "tags " + ", ".join(wanted)
    session.add(
        DeviceAction(
            created_at=utcnow(),
            actor=actor[:120],
            actor_kind=actor_kind,
            action=DeviceActionKind.provision,
            protocol=str(protocol),
            device_id=device_id[:200],
            customer_id=customer.id if customer else None,
            result="done",
            detail=detail[:500],
        )
    )
    await session.flush()
    return ProvisionOutcome(unit.name, str(protocol), device_id, detail)


def provisioning_subscriber(db: Database) -> Subscriber:
    """Queue provisioning for each installation; the dedupe key makes redelivery harmless."""

    async def on_event(event: Event) -> None:
        if event.name != "equipment.installed":
            return
        payload = event.payload
        equipment = str(payload.get("equipment", ""))
        if not equipment:
            return
        key = f"provision:{equipment}:{payload.get('customer', '')}:{payload.get('job', '')}"
        async with db.unit_of_work() as session:
            await enqueue(
                session,
                channel=CHANNEL,
                recipient=str(payload.get("serial", "")),
                body="",
                payload=payload,
                reference=equipment[:40],
                dedupe_key=key[:120],
                max_attempts=12,
            )

    return on_event


def provisioning_sender(settings: Settings, db: Database) -> Sender:
    """Outbox sender: down or slow services and unseen units retry; refusals are final."""

    async def send(message: OutboxMessage) -> str:
        clients = shared_clients(settings, db)
        try:
            async with db.unit_of_work() as session:
                outcome = await provision(
                    session,
                    clients,
                    equipment_name=str(message.payload.get("equipment", "")),
                    actor="system",
                )
        except DeviceNotSeenError as error:
            raise RetriableSendError(str(error), delay_seconds=NOT_SEEN_RETRY_SECONDS) from error
        except (DeviceServiceRejectedError, NotFoundError) as error:
            raise PermanentSendError(str(error)) from error
        except DomainError as error:
            raise RetriableSendError(str(error)) from error
        return f"{outcome.protocol}:{outcome.device_id}" if outcome.protocol else "unmanaged"

    return send
