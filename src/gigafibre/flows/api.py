"""JSON endpoints of the flow runtime (spec flow-api.js and flow-templates.js)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from gigafibre.core.web import SessionDep
from gigafibre.flows import schemas, service
from gigafibre.flows.models import FlowRunStatus
from gigafibre.staff.auth import require_staff
from gigafibre.staff.models import Role
from gigafibre.staff.service import StaffIdentity

router = APIRouter(prefix="/flow", tags=["flows"])
Editor = Annotated[StaffIdentity, Depends(require_staff(Role.admin))]
Operator = Annotated[
    StaffIdentity, Depends(require_staff(Role.support, Role.dispatch, Role.billing))
]


@router.get("/templates", response_model=list[schemas.TemplatePublic])
async def list_templates(session: SessionDep, _staff: Operator) -> list[schemas.TemplatePublic]:
    return [service.to_public(t) for t in await service.list_templates(session)]


@router.post(
    "/templates", response_model=schemas.TemplatePublic, status_code=status.HTTP_201_CREATED
)
async def create_template(
    session: SessionDep, staff: Editor, data: schemas.TemplateInput
) -> schemas.TemplatePublic:
    template = await service.create_template(session, data=data, actor=staff.username)
    return service.to_public(template)


@router.get("/templates/{name}", response_model=schemas.TemplatePublic)
async def get_template(session: SessionDep, _staff: Operator, name: str) -> schemas.TemplatePublic:
    return service.to_public(await service.get_template(session, name=name))


@router.put("/templates/{name}", response_model=schemas.TemplatePublic)
async def update_template(
    session: SessionDep, staff: Editor, name: str, data: schemas.TemplateInput
) -> schemas.TemplatePublic:
    """Saves a new version; runs already started keep the version they started with."""
    template = await service.update_template(session, name=name, data=data, actor=staff.username)
    return service.to_public(template)


@router.delete("/templates/{name}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_template(session: SessionDep, _staff: Editor, name: str) -> None:
    await service.delete_template(session, name=name)


@router.get("/templates/{name}/versions", response_model=list[schemas.TemplateVersionPublic])
async def template_versions(
    session: SessionDep, _staff: Operator, name: str
) -> list[schemas.TemplateVersionPublic]:
    return [
        schemas.TemplateVersionPublic(
            version=v.version, snapshot=v.snapshot, actor=v.actor, created_at=v.created_at
        )
        for v in await service.template_versions(session, name=name)
    ]


@router.post("/start", response_model=schemas.RunPublic, status_code=status.HTTP_201_CREATED)
async def start(session: SessionDep, staff: Operator, data: schemas.StartRun) -> schemas.RunPublic:
    """Start a run by hand; the worker carries it out."""
    run = await service.start_manual_run(
        session, template=data.template, context=data.context, actor=staff.username
    )
    return service.run_public(run, data.template)


@router.post("/advance", response_model=schemas.RunPublic)
async def advance(
    session: SessionDep, _staff: Operator, data: schemas.RunReference
) -> schemas.RunPublic:
    """End the current wait of a run now."""
    run = await service.wake_run(session, name=data.run)
    _run, template = await service.get_run(session, name=run.name)
    return service.run_public(run, template)


@router.post("/complete", response_model=schemas.RunPublic)
async def complete(
    session: SessionDep, _staff: Operator, data: schemas.RunReference
) -> schemas.RunPublic:
    """An outside step a run waits on is done: the run goes on."""
    run = await service.wake_run(session, name=data.run)
    _run, template = await service.get_run(session, name=run.name)
    return service.run_public(run, template)


@router.post("/event", status_code=status.HTTP_202_ACCEPTED)
async def event(session: SessionDep, staff: Operator, data: schemas.FireEvent) -> dict[str, int]:
    """Fire an event; flows whose trigger and conditions match start after commit."""
    return {"event_id": await service.fire_event(session, data=data, actor=staff.username)}


@router.get("/runs", response_model=list[schemas.RunPublic])
async def list_runs(
    session: SessionDep,
    _staff: Operator,
    template: Annotated[str | None, Query(max_length=80)] = None,
    run_status: Annotated[FlowRunStatus | None, Query(alias="status")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[schemas.RunPublic]:
    runs = await service.list_runs(session, template=template, status=run_status, limit=limit)
    return [service.run_public(run, name) for run, name in runs]


@router.get("/runs/{name}", response_model=schemas.RunPublic)
async def get_run(session: SessionDep, _staff: Operator, name: str) -> schemas.RunPublic:
    run, template = await service.get_run(session, name=name)
    return service.run_public(run, template)


@router.post("/runs/{name}/cancel", response_model=schemas.RunPublic)
async def cancel_run(session: SessionDep, staff: Operator, name: str) -> schemas.RunPublic:
    run = await service.cancel_run(session, name=name, actor=staff.username)
    _run, template = await service.get_run(session, name=name)
    return service.run_public(run, template)
