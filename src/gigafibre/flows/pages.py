"""Ops "Agent Flows": templates with a form-based step editor, and the run history."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from gigafibre.core.errors import DomainError, field_errors
from gigafibre.core.i18n import gettext
from gigafibre.core.web import SessionDep, render
from gigafibre.flows import forms, schemas, service
from gigafibre.staff.auth import require_staff
from gigafibre.staff.models import Role
from gigafibre.staff.service import StaffIdentity

router = APIRouter(prefix="/ops/flows", include_in_schema=False)
Viewer = Annotated[StaffIdentity, Depends(require_staff(Role.support, Role.dispatch, Role.billing))]
Editor = Annotated[StaffIdentity, Depends(require_staff(Role.admin))]
KNOWN_EVENTS = (
    "payment.received",
    "job.completed",
    "customer.created",
    "ticket.created",
    "ticket.replied",
    "ticket.resolved",
    "invoice.overdue",
    "service.suspend_requested",
)


def _editor_context(
    values: dict[str, Any], errors: dict[str, str], creating: bool
) -> dict[str, Any]:
    steps = values.get("steps") or [{"type": "send_sms", "to": "customer"}]
    conditions = list(values.get("conditions") or [])
    conditions += [{}] * max(0, forms.CONDITION_ROWS - len(conditions))
    return {
        "values": values,
        "errors": errors,
        "creating": creating,
        "active": "flows",
        "steps": [
            (index, step, forms.step_values(step), forms.field_specs(step["type"]))
            for index, step in enumerate(steps)
        ],
        "conditions": conditions,
        "operators": forms.OPERATORS,
        "step_types": forms.STEP_LABELS,
        "known_events": KNOWN_EVENTS,
        "condition_rows": forms.CONDITION_ROWS,
    }


@router.get("")
async def flows_page(request: Request, session: SessionDep, _staff: Viewer) -> Response:
    templates = await service.list_templates(session)
    runs = await service.list_runs(session, limit=30)
    return render(
        request, "flows/list.html", {"templates": templates, "runs": runs, "active": "flows"}
    )


@router.get("/step-fields")
async def step_fields(
    request: Request, _staff: Editor, index: Annotated[int, Query(ge=0, le=999)] = 0
) -> Response:
    """One step's fieldset, for the editor's "add a step" and "change the type" actions."""
    step_type = request.query_params.get(f"steps-{index}-type", "send_sms")
    if step_type not in forms.STEP_LABELS:
        step_type = "send_sms"
    step = {"type": step_type}
    return render(
        request,
        "flows/_step.html",
        {
            "index": index,
            "step": step,
            "step_values": forms.step_values(step),
            "specs": forms.field_specs(step_type),
            "errors": {},
            "operators": forms.OPERATORS,
            "step_types": forms.STEP_LABELS,
            "condition_rows": forms.CONDITION_ROWS,
        },
    )


@router.get("/new")
async def new_flow(request: Request, _staff: Editor) -> Response:
    values = {"enabled": True, "trigger_event": "payment.received"}
    return render(request, "flows/edit.html", _editor_context(values, {}, creating=True))


async def _save(
    request: Request, session: SessionDep, staff: StaffIdentity, name: str | None
) -> Response:
    form = await request.form()
    items = [(key, value) for key, value in form.multi_items() if isinstance(value, str)]
    values = forms.template_from_form(items)
    if name is not None:
        values["name"] = name
    errors: dict[str, str] = {}
    try:
        data = schemas.TemplateInput.model_validate(values)
    except ValidationError as error:
        errors = {key: gettext(text) for key, text in field_errors(list(error.errors())).items()}
    else:
        try:
            if name is None:
                saved = await service.create_template(session, data=data, actor=staff.username)
            else:
                saved = await service.update_template(
                    session, name=name, data=data, actor=staff.username
                )
        except DomainError as error:
            rendered = error.render()
            errors = rendered["fields"] or {"form": rendered["message"]}
        else:
            return RedirectResponse(f"/ops/flows/{saved.name}", status_code=303)
    return render(
        request,
        "flows/edit.html",
        _editor_context(values, errors, creating=name is None),
        status_code=422,
    )


@router.post("/new")
async def create_flow(request: Request, session: SessionDep, staff: Editor) -> Response:
    return await _save(request, session, staff, None)


@router.get("/{name}")
async def flow_detail(request: Request, session: SessionDep, _staff: Viewer, name: str) -> Response:
    template = await service.get_template(session, name=name)
    versions = await service.template_versions(session, name=name)
    runs = await service.list_runs(session, template=name, limit=30)
    return render(
        request,
        "flows/detail.html",
        {
            "template": template,
            "versions": versions,
            "runs": runs,
            "active": "flows",
            "step_types": forms.STEP_LABELS,
        },
    )


@router.get("/{name}/edit")
async def edit_flow(request: Request, session: SessionDep, _staff: Editor, name: str) -> Response:
    template = await service.get_template(session, name=name)
    values = service.to_public(template).model_dump()
    return render(request, "flows/edit.html", _editor_context(values, {}, creating=False))


@router.post("/{name}/edit")
async def update_flow(request: Request, session: SessionDep, staff: Editor, name: str) -> Response:
    await service.get_template(session, name=name)
    return await _save(request, session, staff, name)


@router.post("/{name}/toggle")
async def toggle_flow(request: Request, session: SessionDep, staff: Editor, name: str) -> Response:
    template = await service.get_template(session, name=name)
    await service.set_enabled(
        session, name=name, enabled=not template.enabled, actor=staff.username
    )
    return RedirectResponse(f"/ops/flows/{name}", status_code=303)


@router.get("/runs/{run}")
async def run_detail(request: Request, session: SessionDep, _staff: Viewer, run: str) -> Response:
    found, template = await service.get_run(session, name=run)
    return render(
        request, "flows/run.html", {"run": found, "template_name": template, "active": "flows"}
    )


@router.post("/runs/{run}/cancel")
async def cancel_run(request: Request, session: SessionDep, staff: Viewer, run: str) -> Response:
    await service.cancel_run(session, name=run, actor=staff.username)
    return RedirectResponse(f"/ops/flows/runs/{run}", status_code=303)


@router.post("/runs/{run}/wake")
async def wake_run(request: Request, session: SessionDep, _staff: Viewer, run: str) -> Response:
    await service.wake_run(session, name=run)
    return RedirectResponse(f"/ops/flows/runs/{run}", status_code=303)
