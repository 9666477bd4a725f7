"""Demo network: the OLTs, PON ports and ONUs behind the demo customers' service locations.

Locations already name their OLT, PON port (0/slot/port) and ONU id; this adds the matching
equipment rows, each ONU linked to its location, with the light the simulated poller starts
from. Deterministic: everything derives from the names.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.core.db import utcnow
from gigafibre.customers.models import ServiceLocation
from gigafibre.network.models import Olt, Onu, OnuStatus, PonPort
from gigafibre.network.simulated import demo_onu

VENDOR = "huawei_ma5800"
SITES = {
    "OLT-QC-01": "Central Saint-Jean-Baptiste, Québec",
    "OLT-QC-02": "Central Charlesbourg, Québec",
    "OLT-QC-03": "Central Sainte-Foy, Québec",
    "OLT-QC-04": "Central Lévis",
}


async def seed_network(session: AsyncSession) -> int:
    """Create the demo's network equipment; returns how many ONUs."""
    rows = (
        await session.execute(
            select(
                ServiceLocation.olt_name,
                ServiceLocation.pon_port,
                ServiceLocation.onu_id,
                ServiceLocation.id,
            )
            .where(ServiceLocation.olt_name != "", ServiceLocation.onu_id.is_not(None))
            .order_by(ServiceLocation.id)
        )
    ).all()
    olts: dict[str, Olt] = {}
    ports: dict[tuple[str, str], PonPort] = {}
    for olt_name, _port_name, _onu, _location in rows:
        if olt_name not in olts:
            suffix = olt_name.rsplit("-", 1)[-1]
            number = int(suffix) if suffix.isdigit() else len(olts) + 1
            olts[olt_name] = Olt(
                name=olt_name,
                vendor=VENDOR,
                host=f"10.20.{number}.1",
                snmp_community="gigafibre-ro",
                location=SITES.get(olt_name, ""),
            )
            session.add(olts[olt_name])
    await session.flush()
    for olt_name, port_name, _onu, _location in rows:
        if (olt_name, port_name) not in ports:
            _frame, slot, port = (int(part) for part in port_name.split("/"))
            ports[(olt_name, port_name)] = PonPort(
                olt_id=olts[olt_name].id, slot=slot, port=port, name=port_name
            )
            session.add(ports[(olt_name, port_name)])
    await session.flush()
    now = utcnow() - dt.timedelta(hours=1)
    onus: list[dict[str, Any]] = []
    seen: set[tuple[int, int]] = set()
    for olt_name, port_name, onu_id, location_id in rows:
        pon = ports[(olt_name, port_name)]
        if onu_id is None or (pon.id, onu_id) in seen:
            continue
        seen.add((pon.id, onu_id))
        model = demo_onu(olt_name, pon.slot, pon.port, onu_id)
        onus.append(
            {
                "olt_id": olts[olt_name].id,
                "pon_port_id": pon.id,
                "onu_index": onu_id,
                "serial": model.serial,
                "service_location_id": location_id,
                "status": OnuStatus.online if model.online else OnuStatus.offline,
                "rx_power_dbm": model.rx_power_dbm if model.online else None,
                "tx_power_dbm": model.tx_power_dbm if model.online else None,
                "status_changed_at": now,
                "last_seen_at": now if model.online else None,
            }
        )
    if onus:
        await session.execute(insert(Onu), onus)
    return len(onus)
