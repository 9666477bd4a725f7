"""Figures for the ops home page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.billing.models import InvoiceStatus, SalesInvoice
from gigafibre.customers.models import Customer, CustomerStatus
from gigafibre.dispatch.models import DispatchJob
from gigafibre.tickets.models import HDTicket, TicketStatus


@dataclass(frozen=True)
class TodayFigures:
    active_customers: int
    open_tickets: int
    overdue_invoices: int
    jobs_today: int


async def today_figures(session: AsyncSession, *, today: dt.date | None = None) -> TodayFigures:
    today = today or dt.date.today()
    active = await session.scalar(
        select(func.count()).select_from(Customer).where(Customer.status == CustomerStatus.active)
    )
    tickets = await session.scalar(
        select(func.count())
        .select_from(HDTicket)
        .where(HDTicket.status.in_((TicketStatus.open, TicketStatus.replied, TicketStatus.paused)))
    )
    overdue = await session.scalar(
        select(func.count())
        .select_from(SalesInvoice)
        .where(SalesInvoice.status == InvoiceStatus.overdue)
    )
    jobs = await session.scalar(
        select(func.count()).select_from(DispatchJob).where(DispatchJob.scheduled_date == today)
    )
    return TodayFigures(
        active_customers=active or 0,
        open_tickets=tickets or 0,
        overdue_invoices=overdue or 0,
        jobs_today=jobs or 0,
    )
