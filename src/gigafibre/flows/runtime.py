"""The flow runtime: committed events start runs; the worker advances them one step at a time.

Each step runs in its own transaction together with the move of the run's step pointer, and
every side effect of a step is a database write (a ticket, a job, an outbox row, an event). So a
worker killed in the middle of a step loses the whole step, and the next worker does it once.
The unique (template, trigger event) pair means an event redelivered never starts a run twice.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.core.db import Database, utcnow
from gigafibre.core.events import Event, emit
from gigafibre.core.naming import assign_name
from gigafibre.core.outbox import enqueue
from gigafibre.customers.models import Customer, CustomerStatus, Language
from gigafibre.customers.normalize import InvalidPhoneError, normalize_phone
from gigafibre.dispatch import service as dispatch
from gigafibre.dispatch.models import JobPriority
from gigafibre.flows import schemas
from gigafibre.flows.models import FlowRun, FlowRunStatus, FlowTemplate
from gigafibre.notify import service as notify
from gigafibre.tickets import service as tickets
from gigafibre.tickets.models import Channel, TicketPriority

log = structlog.get_logger("gigafibre.flows")
MAX_STEPS_PER_ADVANCE = 100
_templates = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
CUSTOMER_FIELDS = {"status": CustomerStatus, "language": Language, "notes": str}


class StepError(Exception):
    """A step that cannot succeed as written; the run fails with this message in its log."""


def lookup(context: dict[str, Any], path: str) -> Any:
    value: Any = context
    for part in path.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        else:
            return None
    return value


def _compare(actual: Any, op: schemas.Operator, expected: Any) -> bool:
    if op is schemas.Operator.exists:
        return actual is not None
    if op is schemas.Operator.contains:
        return actual is not None and str(expected) in str(actual)
    if op in (schemas.Operator.eq, schemas.Operator.ne):
        same = str(actual) == str(expected)
        return same if op is schemas.Operator.eq else not same
    try:
        left, right = float(actual), float(expected)
    except (TypeError, ValueError):
        return False
    return {
        schemas.Operator.gt: left > right,
        schemas.Operator.gte: left >= right,
        schemas.Operator.lt: left < right,
        schemas.Operator.lte: left <= right,
    }[op]


def conditions_hold(conditions: list[schemas.Condition], context: dict[str, Any]) -> bool:
    return all(_compare(lookup(context, c.field), c.op, c.value) for c in conditions)


def render(text: str, context: dict[str, Any]) -> str:
    try:
        return _templates.from_string(text).render(context)
    except TemplateError as error:
        raise StepError(f"template: {error}") from error


async def _customer(session: AsyncSession, context: dict[str, Any]) -> Customer | None:
    name = lookup(context, "event.customer")
    if not name:
        return None
    return await session.scalar(select(Customer).where(Customer.name == str(name)))


async def _context(session: AsyncSession, run: FlowRun) -> tuple[dict[str, Any], Customer | None]:
    customer = await _customer(session, run.context)
    context = dict(run.context)
    if customer is not None:
        context["customer"] = {
            "name": customer.name,
            "customer_name": customer.customer_name,
            "phone": customer.phone,
            "email": customer.email,
            "language": customer.language,
        }
    return context, customer


StepResult = tuple[str, int | None, dt.datetime | None]  # (log text, jump to index, wake at)
Handler = Callable[
    [AsyncSession, FlowRun, Any, dict[str, Any], Customer | None], Awaitable[StepResult]
]


async def _send_sms(
    session: AsyncSession,
    run: FlowRun,
    step: schemas.SendSms,
    context: dict[str, Any],
    customer: Customer | None,
) -> StepResult:
    if step.to == "customer":
        to = customer.phone if customer else None
    else:
        to = render(step.to, context)
    if not to:
        raise StepError("no phone number to send to")
    try:
        to = normalize_phone(to)
    except InvalidPhoneError:
        raise StepError(f"not a phone number: {to}") from None
    language = customer.language if customer else "fr"
    if step.template:
        message = await notify.queue_sms(
            session,
            to=to,
            template=step.template,
            language=language,
            context=context,
            reference=run.name,
        )
    else:
        message = await enqueue(
            session,
            channel="sms",
            recipient=normalize_phone(to),
            body=render(step.body, context),
            reference=run.name,
        )
    return f"SMS queued to {message.recipient} (#{message.id})", None, None


async def _send_email(
    session: AsyncSession,
    run: FlowRun,
    step: schemas.SendEmail,
    context: dict[str, Any],
    customer: Customer | None,
) -> StepResult:
    to = (
        (customer.email if customer else None)
        if step.to == "customer"
        else render(step.to, context)
    )
    if not to:
        raise StepError("no email address to send to")
    language = customer.language if customer else "fr"
    if step.template:
        message = await notify.queue_email(
            session,
            to=to,
            template=step.template,
            language=language,
            context=context,
            reference=run.name,
        )
    else:
        message = await enqueue(
            session,
            channel="email",
            recipient=to,
            subject=render(step.subject, context),
            body=render(step.body, context),
            reference=run.name,
        )
    return f"Email queued to {message.recipient} (#{message.id})", None, None


async def _create_ticket(
    session: AsyncSession,
    run: FlowRun,
    step: schemas.CreateTicket,
    context: dict[str, Any],
    customer: Customer | None,
) -> StepResult:
    ticket = await tickets.open_ticket(
        session,
        customer_id=customer.id if customer else None,
        subject=render(step.subject, context),
        priority=TicketPriority(step.priority),
        channel=Channel.web,
        note=render(step.note, context),
        actor=f"flow {run.name}",
    )
    run.context = {**run.context, "vars": {**run.context.get("vars", {}), "ticket": ticket.name}}
    return f"Ticket {ticket.name} opened", None, None


async def _create_job(
    session: AsyncSession,
    run: FlowRun,
    step: schemas.CreateDispatchJob,
    context: dict[str, Any],
    customer: Customer | None,
) -> StepResult:
    job = await dispatch.create_job(
        session,
        job_type=step.job_type,
        subject=render(step.subject, context),
        customer_id=customer.id if customer else None,
        priority=JobPriority(step.priority),
        duration_minutes=step.duration_minutes,
    )
    run.context = {**run.context, "vars": {**run.context.get("vars", {}), "job": job.name}}
    return f"Dispatch job {job.name} created", None, None


async def _set_field(
    session: AsyncSession,
    run: FlowRun,
    step: schemas.SetField,
    context: dict[str, Any],
    customer: Customer | None,
) -> StepResult:
    value = render(step.value, context)
    if step.target == "vars":
        run.context = {**run.context, "vars": {**run.context.get("vars", {}), step.field: value}}
        return f"vars.{step.field} = {value}", None, None
    kind = CUSTOMER_FIELDS.get(step.field)
    if customer is None or kind is None:
        raise StepError(f"cannot set customer.{step.field}")
    try:
        setattr(customer, step.field, kind(value))
    except ValueError as error:
        raise StepError(f"customer.{step.field}: {error}") from error
    return f"customer {customer.name}: {step.field} = {value}", None, None


async def _wait(
    session: AsyncSession,
    run: FlowRun,
    step: schemas.Wait,
    context: dict[str, Any],
    customer: Customer | None,
) -> StepResult:
    if step.until:
        try:
            wake = dt.datetime.fromisoformat(render(step.until, context))
        except ValueError as error:
            raise StepError(f"wait until: {error}") from error
        wake = wake if wake.tzinfo else wake.replace(tzinfo=dt.UTC)
    else:
        wake = utcnow() + dt.timedelta(minutes=step.minutes or 0)
    return f"Waiting until {wake.isoformat(timespec='minutes')}", None, wake


async def _branch(
    session: AsyncSession,
    run: FlowRun,
    step: schemas.Branch,
    context: dict[str, Any],
    customer: Customer | None,
) -> StepResult:
    holds = conditions_hold(step.conditions, context)
    target = step.then_step if holds else step.else_step
    jump = target - 1 if target is not None else None
    return f"Condition {'holds' if holds else 'does not hold'}", jump, None


async def _call_webhook(
    session: AsyncSession,
    run: FlowRun,
    step: schemas.CallWebhook,
    context: dict[str, Any],
    customer: Customer | None,
) -> StepResult:
    body = render(step.body, context) if step.body else json.dumps(run.context.get("event", {}))
    try:
        json.loads(body)
    except ValueError as error:
        raise StepError(f"webhook body is not JSON: {error}") from error
    message = await enqueue(
        session,
        channel="webhook",
        recipient=step.url,
        body=body,
        reference=run.name,
        dedupe_key=f"{run.name}:{run.current_step}",
    )
    return f"Webhook queued to {step.url} (#{message.id})", None, None


async def _emit_event(
    session: AsyncSession,
    run: FlowRun,
    step: schemas.EmitEvent,
    context: dict[str, Any],
    customer: Customer | None,
) -> StepResult:
    payload = {key: render(value, context) for key, value in step.payload.items()}
    payload.setdefault("flow_run", run.name)
    topics = [f"customer:{customer.name}"] if customer else []
    record = await emit(session, step.name, payload, topics=topics)
    return f"Event {step.name} #{record.id} emitted", None, None


HANDLERS: dict[str, Handler] = {
    "send_sms": _send_sms,
    "send_email": _send_email,
    "create_ticket": _create_ticket,
    "create_dispatch_job": _create_job,
    "set_field": _set_field,
    "wait": _wait,
    "branch": _branch,
    "call_webhook": _call_webhook,
    "emit_event": _emit_event,
}


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


async def advance_one_step(session: AsyncSession, run: FlowRun) -> bool:
    """Do the run's current step in the caller's transaction; False when the run is done."""
    if run.current_step >= len(run.steps):
        run.status, run.finished_at, run.next_wake_at = FlowRunStatus.completed, utcnow(), None
        return False
    index = run.current_step
    raw = run.steps[index]
    kind = str(raw.get("type", "?"))
    context, customer = await _context(session, run)
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
            if not await advance_one_step(session, run):
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
