"""The flow runtime: committed events start runs; the worker advances them one step at a time.

Each step runs in its own transaction together with the move of the run's step pointer, and
every side effect of a step is a database write (a ticket, a job, an outbox row, an event). So a
worker killed in the middle of a step loses the whole step, and the next worker does it once.
The unique (template, trigger event) pair means an event redelivered never starts a run twice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.core.db import Database, utcnow
from gigafibre.core.events import Event, emit
from gigafibre.core.naming import assign_name
from gigafibre.flows import schemas
from gigafibre.flows.models import FlowRun, FlowRunStatus, FlowTemplate
from gigafibre.flows.steps import HANDLERS, StepError, conditions_hold, context_of

log = structlog.get_logger("gigafibre.flows")
MAX_STEPS_PER_ADVANCE = 100


async def start_run(
    session: AsyncSession,
    *,
    template: FlowTemplate,
    context: dict[str, Any],
    trigger_event_id: str | None,
) -> FlowRun | None:
    """A new run of `template`, or None if this trigger already started one."""
    if trigger_event_id is not None:
        existing = await session.scalar(
            select(FlowRun.id).where(
                FlowRun.template_id == template.id, FlowRun.trigger_event_id == trigger_event_id
            )
        )
        if existing is not None:
            return None
    run = FlowRun(
        template_id=template.id,
        template_version=template.version,
        steps=list(template.steps),
        context={**context, "vars": dict(context.get("vars", {}))},
        current_step=0,
        status=FlowRunStatus.running,
        step_log=[],
        next_wake_at=utcnow(),
        trigger_event_id=trigger_event_id,
    )
    await assign_name(session, run)
    try:
        async with session.begin_nested():
            session.add(run)
            await session.flush()
    except IntegrityError:
        return None
    await _announce(session, run)
    return run


async def start_runs_for_event(session: AsyncSession, event: Event) -> list[FlowRun]:
    templates = (
        await session.scalars(
            select(FlowTemplate).where(
                FlowTemplate.trigger_event == event.name, FlowTemplate.enabled.is_(True)
            )
        )
    ).all()
    started = []
    context = {"event": event.payload, "event_name": event.name}
    for template in templates:
        conditions = [schemas.Condition.model_validate(c) for c in template.conditions]
        if not conditions_hold(conditions, context):
            continue
        run = await start_run(
            session, template=template, context=context, trigger_event_id=str(event.id)
        )
        if run is not None:
            started.append(run)
    return started


def _log(run: FlowRun, index: int, kind: str, text: str, status: str) -> None:
    entry = {
        "step": index + 1,
        "type": kind,
        "status": status,
        "message": text[:1000],
        "at": utcnow().isoformat(timespec="seconds"),
    }
    run.step_log = [*run.step_log, entry]


async def _announce(session: AsyncSession, run: FlowRun) -> None:
    """Tell the Agent Flows pages (topic `flows`) that a run moved; they refresh themselves."""
    await emit(
        session,
        "flow.run_updated",
        {"run": run.name, "status": run.status.value, "step": run.current_step},
        topics=["flows"],
    )


async def advance_one_step(session: AsyncSession, run: FlowRun) -> bool:
    """Do the run's current step in the caller's transaction; False when the run is done."""
    if run.current_step >= len(run.steps):
        run.status, run.finished_at, run.next_wake_at = FlowRunStatus.completed, utcnow(), None
        return False
    index = run.current_step
    raw = run.steps[index]
    kind = str(raw.get("type", "?"))
    context, customer = await context_of(session, run)
    try:
        step = schemas.steps_adapter.validate_python([raw])[0]
        text, jump, wake = await HANDLERS[step.type](session, run, step, context, customer)
    except (StepError, ValueError) as error:
        _log(run, index, kind, str(error), "failed")
        run.status, run.finished_at, run.next_wake_at = FlowRunStatus.failed, utcnow(), None
        return False
    _log(run, index, kind, text, "done")
    run.current_step = jump if jump is not None else index + 1
    if wake is not None and wake > utcnow():
        run.status, run.next_wake_at = FlowRunStatus.waiting, wake
        return False
    run.status = FlowRunStatus.running
    return True


async def advance_run(db: Database, run_id: int) -> None:
    """Step a due run forward, one transaction per step, until it waits, fails or ends."""
    for _ in range(MAX_STEPS_PER_ADVANCE):
        async with db.unit_of_work() as session:
            run = await session.scalar(
                select(FlowRun)
                .where(
                    FlowRun.id == run_id,
                    FlowRun.status.in_((FlowRunStatus.running, FlowRunStatus.waiting)),
                    or_(FlowRun.next_wake_at.is_(None), FlowRun.next_wake_at <= utcnow()),
                )
                .with_for_update(skip_locked=True)
            )
            if run is None:
                return
            going_on = await advance_one_step(session, run)
            await _announce(session, run)
            if not going_on:
                return
    log.warning("flow.step_budget_exhausted", run_id=run_id)


async def advance_due_runs(db: Database, *, limit: int = 50) -> int:
    async with db.unit_of_work(write=False) as session:
        ids = (
            await session.scalars(
                select(FlowRun.id)
                .where(
                    FlowRun.status.in_((FlowRunStatus.running, FlowRunStatus.waiting)),
                    FlowRun.next_wake_at <= utcnow(),
                )
                .order_by(FlowRun.next_wake_at)
                .limit(limit)
            )
        ).all()
    for run_id in ids:
        await advance_run(db, run_id)
    return len(ids)


def flow_event_subscriber(db: Database) -> Callable[[Event], Awaitable[None]]:
    """Starts the runs an event triggers; the worker advances them."""

    async def subscriber(event: Event) -> None:
        async with db.unit_of_work() as session:
            await start_runs_for_event(session, event)

    return subscriber
