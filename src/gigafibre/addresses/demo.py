"""Demo addresses: every demo customer's service location, passed by fibre, and its neighbours.

Neighbours are the civic numbers two and four doors either side on the same street, a few of
them not yet passed (the end of a PON's reach), so that the sign-up form has addresses that
are served and addresses that are not right next to each other. Deterministic: rows come in
location order and the only randomness is the generator handed in.
"""

from __future__ import annotations

import hashlib
import random
import re

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.addresses import normalize, service
from gigafibre.addresses.service import AddressRecord
from gigafibre.customers.models import ServiceLocation

NEIGHBOUR_OFFSETS = (-4, -2, 2, 4)
NOT_PASSED_SHARE = 0.3
METRES_PER_DOOR = 0.00004  # degrees of latitude between two neighbouring civic numbers
_CIVIC = re.compile(r"^\s*(\d{1,6})\s*([A-Za-z]?)")


def demo_source_id(civic: int, suffix: str, street: str, municipality: str) -> str:
    """A stable id ("DEMO-" + hash) for a demo address: same address, same id, every seed."""
    key = f"{civic}{suffix.upper()}|{normalize.fold(street)}|{normalize.fold(municipality)}"
    return "DEMO-" + hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:20]


async def seed_addresses(session: AsyncSession, *, rng: random.Random) -> int:
    """Write the demo addresses for the service locations already seeded; returns how many."""
    locations = (
        await session.execute(
            select(
                ServiceLocation.civic_number,
                ServiceLocation.street,
                ServiceLocation.city,
                ServiceLocation.postal_code,
                ServiceLocation.latitude,
                ServiceLocation.longitude,
                ServiceLocation.olt_name,
                ServiceLocation.pon_port,
            ).order_by(ServiceLocation.id)
        )
    ).all()
    records: dict[str, AddressRecord] = {}
    for civic_text, street, city, postal, lat, lon, olt, pon in locations:
        civic = _CIVIC.match(civic_text)
        if civic is None:
            continue
        number, suffix = int(civic[1]), civic[2].upper()
        street_type, street_name, direction = normalize.split_street(street)
        source_id = demo_source_id(number, suffix, street, city)
        records[source_id] = AddressRecord(
            source_id=source_id,
            civic_number=number,
            civic_suffix=suffix,
            street_type=street_type,
            street_name=street_name,
            street_direction=direction,
            municipality=city,
            postal_code=postal,
            latitude=lat,
            longitude=lon,
            fibre_passed=True,
            olt_name=olt,
            pon_port=pon,
        )
        for offset in NEIGHBOUR_OFFSETS:
            neighbour = number + offset
            neighbour_id = demo_source_id(neighbour, "", street, city)
            if neighbour < 1 or neighbour_id in records:
                continue
            passed = rng.random() >= NOT_PASSED_SHARE
            records[neighbour_id] = AddressRecord(
                source_id=neighbour_id,
                civic_number=neighbour,
                street_type=street_type,
                street_name=street_name,
                street_direction=direction,
                municipality=city,
                postal_code=postal,
                latitude=None if lat is None else round(lat + offset * METRES_PER_DOOR, 6),
                longitude=lon,
                fibre_passed=passed,
                olt_name=olt if passed else "",
                pon_port=pon if passed else "",
            )
    rows = list(records.values())
    for start in range(0, len(rows), 5000):
        await service.upsert_addresses(session, rows[start : start + 5000], keep_coverage=False)
    return len(rows)
