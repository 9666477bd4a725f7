"""Reactions of the sign-up path to other modules' events (registered in runtime.py)."""

from __future__ import annotations

from gigafibre.core.db import Database
from gigafibre.core.events import Event, Subscriber
from gigafibre.dispatch.travel import TravelProvider
from gigafibre.settings import Settings
from gigafibre.signup.acceptance import on_order_paid


def order_payment_subscriber(
    db: Database, *, travel: TravelProvider, settings: Settings
) -> Subscriber:
    """A paid first invoice books the order's installation (its own unit of work)."""

    async def on_event(event: Event) -> None:
        if event.name != "payment.received":
            return
        invoice = event.payload.get("invoice")
        if not isinstance(invoice, str) or not invoice:
            return
        async with db.unit_of_work() as session:
            await on_order_paid(session, invoice_name=invoice, travel=travel, settings=settings)

    return on_event
