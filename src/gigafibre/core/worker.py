"""The background loop: outbox, scheduled jobs and stale events, tick after tick.

`gigafibre worker` runs it in its own process (N of them on PostgreSQL); in the embedded
default it runs inside `gigafibre serve`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable, Sequence

import structlog

from gigafibre.core.events import EventBus
from gigafibre.core.outbox import OutboxWorker
from gigafibre.core.scheduler import Scheduler

log = structlog.get_logger("gigafibre.worker")
Duty = Callable[[], Awaitable[object]]  # something to do every tick, e.g. advance due flow runs
STALE_EVENT_AGE = dt.timedelta(seconds=30)


class BackgroundWorker:
    def __init__(
        self,
        *,
        outbox: OutboxWorker,
        scheduler: Scheduler,
        bus: EventBus,
        duties: Sequence[Duty] = (),
        tick: float = 1.0,
    ) -> None:
        self.outbox = outbox
        self.scheduler = scheduler
        self.bus = bus
        self.duties = list(duties)
        self.tick = tick

    async def run_once(self) -> None:
        await self.bus.republish_stale(older_than=STALE_EVENT_AGE)
        await self.scheduler.run_due()
        for duty in self.duties:
            await duty()
        while await self.outbox.run_once() == self.outbox.batch:
            continue

    async def run_forever(self, stop: asyncio.Event) -> None:
        log.info("worker.started")
        while not stop.is_set():
            try:
                await self.run_once()
            except Exception:
                log.exception("worker.tick_failed")
            try:
                await asyncio.wait_for(stop.wait(), timeout=self.tick)
            except TimeoutError:
                continue
        log.info("worker.stopped")
