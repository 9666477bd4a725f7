"""Dispatch reads used by other modules. Scheduling arrives with its own issue."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.dispatch.models import DispatchJob, Technician


async def jobs_for_customer(
    session: AsyncSession, *, customer_id: int, limit: int = 20
) -> Sequence[Row[DispatchJob, str]]:
    return (
        await session.execute(
            select(DispatchJob, Technician.full_name)
            .outerjoin(Technician, Technician.id == DispatchJob.technician_id)
            .where(DispatchJob.customer_id == customer_id)
            .order_by(DispatchJob.scheduled_date.desc().nulls_last(), DispatchJob.id.desc())
            .limit(limit)
        )
    ).all()
