"""A small street map of Québec and Lévis, written through the service like any import."""

from __future__ import annotations

import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.addresses.service import AddressRecord, upsert_addresses


def record(
    source_id: str,
    civic: int,
    street_type: str,
    street_name: str,
    municipality: str = "Québec",
    postal_code: str = "G1R 2B5",
    *,
    suffix: str = "",
    direction: str = "",
    passed: bool = False,
) -> AddressRecord:
    return AddressRecord(
        source_id=source_id,
        civic_number=civic,
        civic_suffix=suffix,
        street_type=street_type,
        street_name=street_name,
        street_direction=direction,
        municipality=municipality,
        postal_code=postal_code,
        latitude=46.81,
        longitude=-71.21,
        fibre_passed=passed,
        olt_name="OLT-QC-01" if passed else "",
        pon_port="1/1" if passed else "",
    )


STREET_MAP = (
    record("A1", 123, "rue", "des Érables", passed=True),
    record("A2", 1234, "rue", "des Érables"),
    record("A3", 12, "rue", "des Érables", "Lévis", "G6V 1A1"),
    record("A4", 123, "avenue", "des Érables", "Lévis", "G6V 1A2", passed=True),
    record("A5", 123, "rue", "Saint-Jean", postal_code="G1R 1N8", passed=True),
    record("A6", 12, "rue", "Saint-Jean", postal_code="G1R 1N8", suffix="B"),
    record("A7", 45, "boulevard", "René-Lévesque", postal_code="G1S 1A1", direction="Ouest"),
    record("A8", 1250, "chemin", "Sainte-Foy", postal_code="G1S 2J3", passed=True),
    record("A9", 77, "côte", "d'Abraham", postal_code="G1R 2B6"),
    record("A10", 120, "rue", "de la Couronne", postal_code="G1K 6E5"),
)


@pytest_asyncio.fixture(loop_scope="session")
async def street_map(session: AsyncSession) -> AsyncSession:
    await upsert_addresses(session, STREET_MAP, keep_coverage=False)
    return session
