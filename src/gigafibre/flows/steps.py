"""What each kind of flow step does. Every effect is a database write in the caller's transaction
(a ticket, a job, an outbox row, an event), so a step is done entirely or not at all."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Awaitable, Callable
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.core.db import utcnow
from gigafibre.core.events import emit
from gigafibre.core.outbox import enqueue
from gigafibre.customers.models import Customer, CustomerStatus, Language
from gigafibre.customers.normalize import InvalidPhoneError, normalize_phone
from gigafibre.dispatch import service as dispatch
from gigafibre.dispatch.models import JobPriority
from gigafibre.flows import schemas
from gigafibre.flows.models import FlowRun
from gigafibre.notify import service as notify
from gigafibre.tickets import service as tickets
from gigafibre.tickets.models import Channel, TicketPriority

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


async def context_of(session: AsyncSession, run: FlowRun) -> tuple[dict[str, Any], Customer | None]:
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


def template_context(context: dict[str, Any], customer: Customer | None) -> dict[str, Any]:
    """Message templates read `amount`, `invoice`… at the top: the event's payload, spread."""
    values: dict[str, Any] = {**context.get("event", {}), **context}
    if customer is not None:
        values.setdefault("customer_name", customer.customer_name)
    return values


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
            context=template_context(context, customer),
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
            context=template_context(context, customer),
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
