"""The long-lived parts shared by `serve` and `worker`: event bus, outbox, scheduler, worker.

Built once from settings and a database, so the web app and the worker process wire the same
senders and periodic jobs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.billing.cycle import run_billing
from gigafibre.billing.dunning import run_dunning
from gigafibre.billing.emailing import email_new_invoices
from gigafibre.billing.payments_ppa import ppa_job
from gigafibre.billing.payments_webhook import gateway_factory
from gigafibre.billing.refunds import REFUND_CHANNEL, refund_sender
from gigafibre.billing.service import Company
from gigafibre.core.db import Database
from gigafibre.core.events import EventBus
from gigafibre.core.outbox import OutboxWorker, Sender
from gigafibre.core.scheduler import Scheduler
from gigafibre.core.webhooks import WebhookSender
from gigafibre.core.worker import BackgroundWorker
from gigafibre.devices.provisioning import CHANNEL as PROVISION_CHANNEL
from gigafibre.devices.provisioning import provisioning_sender, provisioning_subscriber
from gigafibre.dispatch.travel import build_travel_provider
from gigafibre.field.idempotency import purge_field_keys
from gigafibre.flows.runtime import advance_due_runs, flow_event_subscriber
from gigafibre.gps import jobs as gps_jobs
from gigafibre.network import jobs as network_jobs
from gigafibre.notify.providers import build_senders
from gigafibre.settings import Settings
from gigafibre.signup.events import order_payment_subscriber
from gigafibre.staff import service as staff_service


@dataclass
class Runtime:
    bus: EventBus
    outbox: OutboxWorker
    scheduler: Scheduler
    worker: BackgroundWorker


async def purge_expired_staff_sessions(session: AsyncSession) -> None:
    await staff_service.purge_expired_sessions(session)


async def daily_billing_run(session: AsyncSession) -> None:
    await run_billing(session, as_of=dt.date.today())


async def daily_dunning(session: AsyncSession) -> None:
    await run_dunning(session, today=dt.date.today())


def build_runtime(
    settings: Settings, db: Database, *, senders: dict[str, Sender] | None = None
) -> Runtime:
    bus = EventBus(db)
    if senders is None:
        senders = {
            **build_senders(settings),
            "webhook": WebhookSender(settings.secret_key),
            REFUND_CHANNEL: refund_sender(db, gateway_factory(settings)),
            PROVISION_CHANNEL: provisioning_sender(settings, db),
        }
    outbox = OutboxWorker(db, senders)
    scheduler = Scheduler(db)
    scheduler.every(
        dt.timedelta(hours=1), "staff.purge_expired_sessions", purge_expired_staff_sessions
    )
    scheduler.every(dt.timedelta(hours=24), "field.purge_idempotency_keys", purge_field_keys)
    bus.subscribe(flow_event_subscriber(db))
    bus.subscribe(
        order_payment_subscriber(db, travel=build_travel_provider(settings), settings=settings)
    )
    bus.subscribe(provisioning_subscriber(db))

    async def advance_flows() -> int:
        return await advance_due_runs(db)

    scheduler.every(dt.timedelta(hours=6), "billing.run", daily_billing_run)
    scheduler.every(dt.timedelta(hours=24), "billing.dunning", daily_dunning)
    company = Company.of(settings)

    async def email_invoices(session: AsyncSession) -> None:
        await email_new_invoices(session, company=company, portal_url=settings.public_base_url)

    scheduler.every(dt.timedelta(minutes=5), "billing.email_invoices", email_invoices)
    scheduler.every(dt.timedelta(hours=1), "billing.ppa", ppa_job(gateway_factory(settings)))
    duties = [
        advance_flows,
        *network_jobs.install(settings, db, scheduler),
        *gps_jobs.install(settings, db, scheduler),
    ]
    worker = BackgroundWorker(outbox=outbox, scheduler=scheduler, bus=bus, duties=duties)
    return Runtime(bus=bus, outbox=outbox, scheduler=scheduler, worker=worker)
