"""Equipment reads used by other modules."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.equipment.models import ServiceEquipment


async def equipment_for_customer(
    session: AsyncSession, *, customer_id: int
) -> Sequence[ServiceEquipment]:
    return (
        await session.scalars(
            select(ServiceEquipment)
            .where(ServiceEquipment.customer_id == customer_id)
            .order_by(ServiceEquipment.equipment_type, ServiceEquipment.name)
        )
    ).all()
