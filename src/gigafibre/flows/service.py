"""Flow templates (versioned CRUD, defaults) and runs (start, advance, complete, cancel, read)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.core.db import utcnow
from gigafibre.core.errors import ConflictError, NotFoundError, ValidationFailedError
from gigafibre.core.events import emit
from gigafibre.core.i18n import N_
from gigafibre.flows import runtime, schemas
from gigafibre.flows.models import FlowRun, FlowRunStatus, FlowTemplate, FlowTemplateVersion

DEFAULT_TEMPLATES: tuple[dict[str, Any], ...] = (
    {
        "name": "on_invoice_overdue",
        "title": "Rappel de paiement",
        "trigger_event": "invoice.overdue",
        "conditions": [{"field": "event.reminders_by_sms", "op": "ne", "value": False}],
        "steps": [
            {
                "type": "send_sms",
                "label": "Rappel",
                "to": "customer",
                "template": "",
                "body": "Gigafibre : la facture {{ event.invoice }} ({{ event.outstanding }} $) "
                "est en retard. Payez-la dans votre portail. / Invoice "
                "{{ event.invoice }} is overdue: please pay it in your portal.",
            },
        ],
        "enabled": True,
    },
    {
        "name": "on_payment_received",
        "title": "Remercier le client après un paiement",
        "trigger_event": "payment.received",
        "conditions": [],
        "steps": [
            {
                "type": "send_sms",
                "label": "Confirmation du paiement",
                "to": "customer",
                "template": "payment_received",
                "body": "",
            },
        ],
        "enabled": True,
    },
    {
        "name": "on_job_complete",
        "title": "Sondage de satisfaction après une intervention",
        "trigger_event": "job.completed",
        "conditions": [],
        "steps": [
            {"type": "wait", "label": "Attendre deux heures", "minutes": 120, "until": ""},
            {
                "type": "send_sms",
                "label": "Sondage",
                "to": "customer",
                "template": "",
                "body": "Gigafibre : votre intervention {{ event.job }} est terminée. Êtes-vous "
                "satisfait? Répondez OUI ou NON. / Your service call is complete: reply "
                "YES or NO.",
            },
        ],
        "enabled": True,
    },
    {
        "name": "on_ticket_resolved",
        "title": "Sondage de satisfaction après la résolution d'un billet",
        "trigger_event": "ticket.resolved",
        "conditions": [],
        "steps": [
            {"type": "wait", "label": "Attendre une heure", "minutes": 60, "until": ""},
            {
                "type": "send_sms",
                "label": "Sondage",
                "to": "customer",
                "template": "",
                "body": "Gigafibre : votre demande {{ event.ticket }} est réglée. Êtes-vous "
                "satisfait? Répondez OUI ou NON. / Your request is resolved: reply YES or NO.",
            },
        ],
        "enabled": True,
    },
    {
        "name": "on_outage_detected",
        "title": "Prévenir les clients touchés par une panne",
        "trigger_event": "outage.detected",
        "conditions": [],
        "steps": [
            {
                "type": "branch",
                "label": "Langue du client",
                "conditions": [{"field": "customer.language", "op": "eq", "value": "en"}],
                "then_step": 4,
            },
            {
                "type": "send_sms",
                "label": "Avis de panne (fr)",
                "to": "customer",
                "body": "Gigafibre : une panne touche votre secteur ({{ event.olt }}). Nos "
                "équipes y travaillent; nous vous écrirons au retour du service. "
                "Réf. {{ event.outage }}",
            },
            {"type": "branch", "label": "Fin", "conditions": [], "then_step": 5},
            {
                "type": "send_sms",
                "label": "Outage notice (en)",
                "to": "customer",
                "body": "Gigafibre: an outage is affecting your area ({{ event.olt }}). Our "
                "team is on it; we will text you when service is back. Ref. {{ event.outage }}",
            },
        ],
        "enabled": True,
    },
)


def to_public(template: FlowTemplate) -> schemas.TemplatePublic:
    return schemas.TemplatePublic(
        name=template.name,
        title=template.title,
        trigger_event=template.trigger_event,
        conditions=template.conditions,
        steps=template.steps,
        enabled=template.enabled,
        version=template.version,
        updated_at=template.updated_at,
    )


def _snapshot(data: schemas.TemplateInput) -> dict[str, Any]:
    return data.model_dump(mode="json")


async def list_templates(session: AsyncSession) -> Sequence[FlowTemplate]:
    return (await session.scalars(select(FlowTemplate).order_by(FlowTemplate.name))).all()


async def get_template(session: AsyncSession, *, name: str) -> FlowTemplate:
    template = await session.scalar(select(FlowTemplate).where(FlowTemplate.name == name))
    if template is None:
        raise NotFoundError("No flow template is named {name}.", name=name)
    return template


async def _record_version(
    session: AsyncSession, template: FlowTemplate, snapshot: dict[str, Any], actor: str
) -> None:
    session.add(
        FlowTemplateVersion(
            template_id=template.id,
            version=template.version,
            snapshot=snapshot,
            actor=actor,
            created_at=utcnow(),
        )
    )
    await session.flush()


async def create_template(
    session: AsyncSession, *, data: schemas.TemplateInput, actor: str
) -> FlowTemplate:
    taken = await session.scalar(select(FlowTemplate.id).where(FlowTemplate.name == data.name))
    if taken is not None:
        raise ValidationFailedError(
            "Some fields are not valid.", fields={"name": N_("This name is already taken.")}
        )
    snapshot = _snapshot(data)
    template = FlowTemplate(
        name=data.name,
        title=data.title,
        trigger_event=data.trigger_event,
        conditions=snapshot["conditions"],
        steps=snapshot["steps"],
        enabled=data.enabled,
        version=1,
    )
    session.add(template)
    await session.flush()
    await _record_version(session, template, snapshot, actor)
    return template


async def update_template(
    session: AsyncSession, *, name: str, data: schemas.TemplateInput, actor: str
) -> FlowTemplate:
    """A new version; runs already started keep the steps they started with."""
    template = await get_template(session, name=name)
    if data.name != template.name:
        raise ValidationFailedError(
            "Some fields are not valid.", fields={"name": N_("A template cannot be renamed.")}
        )
    snapshot = _snapshot(data)
    template.title = data.title
    template.trigger_event = data.trigger_event
    template.conditions = snapshot["conditions"]
    template.steps = snapshot["steps"]
    template.enabled = data.enabled
    template.version += 1
    await session.flush()
    await _record_version(session, template, snapshot, actor)
    return template


async def set_enabled(
    session: AsyncSession, *, name: str, enabled: bool, actor: str
) -> FlowTemplate:
    template = await get_template(session, name=name)
    if template.enabled != enabled:
        current = to_public(template).model_dump(exclude={"version", "updated_at"})
        data = schemas.TemplateInput.model_validate({**current, "enabled": enabled})
        return await update_template(session, name=name, data=data, actor=actor)
    return template


async def delete_template(session: AsyncSession, *, name: str) -> None:
    template = await get_template(session, name=name)
    used = await session.scalar(select(FlowRun.id).where(FlowRun.template_id == template.id))
    if used is not None:
        raise ConflictError("This template has runs; disable it instead of deleting it.")
    await session.delete(template)
    await session.flush()


async def template_versions(session: AsyncSession, *, name: str) -> Sequence[FlowTemplateVersion]:
    template = await get_template(session, name=name)
    return (
        await session.scalars(
            select(FlowTemplateVersion)
            .where(FlowTemplateVersion.template_id == template.id)
            .order_by(FlowTemplateVersion.version.desc())
        )
    ).all()


async def ensure_default_templates(session: AsyncSession) -> list[str]:
    """Create the templates the spec names if they are missing; edits made by staff stay."""
    created = []
    for default in DEFAULT_TEMPLATES:
        exists = await session.scalar(
            select(FlowTemplate.id).where(FlowTemplate.name == default["name"])
        )
        if exists is None:
            data = schemas.TemplateInput.model_validate(default)
            await create_template(session, data=data, actor="system")
            created.append(default["name"])
    return created


def run_public(run: FlowRun, template_name: str) -> schemas.RunPublic:
    return schemas.RunPublic(
        name=run.name,
        template=template_name,
        template_version=run.template_version,
        status=run.status,
        current_step=run.current_step,
        context=run.context,
        step_log=run.step_log,
        next_wake_at=run.next_wake_at,
        trigger_event_id=run.trigger_event_id,
        created_at=run.created_at,
        finished_at=run.finished_at,
    )


async def get_run(session: AsyncSession, *, name: str) -> tuple[FlowRun, str]:
    row = (
        await session.execute(
            select(FlowRun, FlowTemplate.name)
            .join(FlowTemplate, FlowTemplate.id == FlowRun.template_id)
            .where(FlowRun.name == name)
        )
    ).first()
    if row is None:
        raise NotFoundError("No flow run is named {name}.", name=name)
    return row[0], row[1]


async def list_runs(
    session: AsyncSession,
    *,
    template: str | None = None,
    status: FlowRunStatus | None = None,
    limit: int = 50,
) -> list[tuple[FlowRun, str]]:
    statement = (
        select(FlowRun, FlowTemplate.name)
        .join(FlowTemplate, FlowTemplate.id == FlowRun.template_id)
        .order_by(FlowRun.id.desc())
        .limit(limit)
    )
    if template:
        statement = statement.where(FlowTemplate.name == template)
    if status:
        statement = statement.where(FlowRun.status == status)
    return [(run, name) for run, name in (await session.execute(statement)).all()]


async def start_manual_run(
    session: AsyncSession, *, template: str, context: dict[str, Any], actor: str
) -> FlowRun:
    found = await get_template(session, name=template)
    run = await runtime.start_run(
        session,
        template=found,
        context={**context, "started_by": actor},
        trigger_event_id=None,
    )
    assert run is not None
    return run


async def wake_run(session: AsyncSession, *, name: str) -> FlowRun:
    """`/flow/advance` and `/flow/complete`: end a wait now; the worker goes on from there."""
    run, _template = await get_run(session, name=name)
    if run.status not in (FlowRunStatus.running, FlowRunStatus.waiting):
        raise ConflictError("This flow run is already finished.")
    run.status = FlowRunStatus.running
    run.next_wake_at = utcnow()
    await session.flush()
    return run


async def cancel_run(session: AsyncSession, *, name: str, actor: str) -> FlowRun:
    run, _template = await get_run(session, name=name)
    if run.status not in (FlowRunStatus.running, FlowRunStatus.waiting):
        raise ConflictError("This flow run is already finished.")
    run.status = FlowRunStatus.cancelled
    run.finished_at = utcnow()
    run.next_wake_at = None
    run.step_log = [
        *run.step_log,
        {
            "step": run.current_step + 1,
            "type": "cancel",
            "status": "cancelled",
            "message": f"Cancelled by {actor}",
            "at": utcnow().isoformat(timespec="seconds"),
        },
    ]
    await session.flush()
    return run


async def fire_event(session: AsyncSession, *, data: schemas.FireEvent, actor: str) -> int:
    """`/flow/event`: an event from outside (a server script, staff); it goes through the bus."""
    topics = [f"customer:{data.payload['customer']}"] if "customer" in data.payload else []
    record = await emit(session, data.name, {**data.payload, "fired_by": actor}, topics=topics)
    return record.id
