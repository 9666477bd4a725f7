"""Ticket reads used by other modules. The inbox arrives with its own issue."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.tickets.models import HDTicket


async def tickets_for_customer(
    session: AsyncSession, *, customer_id: int, limit: int = 20
) -> Sequence[HDTicket]:
    return (
        await session.scalars(
            select(HDTicket)
            .where(HDTicket.customer_id == customer_id)
            .order_by(HDTicket.opened_at.desc())
            .limit(limit)
        )
    ).all()
