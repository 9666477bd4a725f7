"""The form-based step editor: how each step type is shown as fields, and read back from a form.

Field names are `steps-<i>-<field>` (and `steps-<i>-conditions-<j>-<field>` for a branch,
`conditions-<j>-<field>` for the template). Steps come back in the order the browser sent them,
so dragging a step in the page reorders it; empty condition rows are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel

from gigafibre.core.i18n import N_
from gigafibre.flows import schemas

CONDITION_ROWS = 3
STEP_KEY = re.compile(r"^steps-(\d+)-(.+)$")
CONDITION_KEY = re.compile(r"^conditions-(\d+)-(field|op|value)$")

STEP_LABELS = {
    "send_sms": N_("Send an SMS"),
    "send_email": N_("Send an email"),
    "create_ticket": N_("Open a ticket"),
    "create_dispatch_job": N_("Create a dispatch job"),
    "set_field": N_("Set a field"),
    "wait": N_("Wait"),
    "branch": N_("Branch on a condition"),
    "call_webhook": N_("Call a webhook"),
    "emit_event": N_("Emit an event"),
}
FIELD_LABELS = {
    "label": N_("Label"),
    "to": N_("Recipient (“customer” or a template)"),
    "template": N_("Message template"),
    "body": N_("Text"),
    "subject": N_("Subject"),
    "priority": N_("Priority"),
    "note": N_("Note"),
    "job_type": N_("Job type"),
    "duration_minutes": N_("Duration (minutes)"),
    "target": N_("Where"),
    "field": N_("Field"),
    "value": N_("Value"),
    "minutes": N_("Minutes"),
    "until": N_("Until (date-time)"),
    "then_step": N_("If true, go to step"),
    "else_step": N_("Otherwise, go to step"),
    "url": N_("URL"),
    "name": N_("Event name"),
    "payload": N_("Payload (one key=value per line)"),
}
LONG_TEXT = {"body", "note", "payload"}
OPERATORS = [op.value for op in schemas.Operator]


STEP_MODELS: dict[str, type[BaseModel]] = {
    "send_sms": schemas.SendSms,
    "send_email": schemas.SendEmail,
    "create_ticket": schemas.CreateTicket,
    "create_dispatch_job": schemas.CreateDispatchJob,
    "set_field": schemas.SetField,
    "wait": schemas.Wait,
    "branch": schemas.Branch,
    "call_webhook": schemas.CallWebhook,
    "emit_event": schemas.EmitEvent,
}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: Literal["text", "textarea", "number", "select"]
    options: tuple[str, ...] = ()


def _kind(annotation: Any) -> tuple[str, tuple[str, ...]]:
    if get_origin(annotation) is Literal:
        return "select", tuple(str(arg) for arg in get_args(annotation))
    if annotation in (int, int | None):
        return "number", ()
    return "text", ()


def field_specs(step_type: str) -> list[FieldSpec]:
    model = STEP_MODELS[step_type]
    specs = []
    for name, info in model.model_fields.items():
        if name in ("type", "conditions"):
            continue
        kind, options = _kind(info.annotation)
        if name in LONG_TEXT:
            kind = "textarea"
        specs.append(FieldSpec(name, FIELD_LABELS.get(name, name), kind, options))  # type: ignore[arg-type]
    return specs


def step_values(step: dict[str, Any]) -> dict[str, str]:
    """A stored step as the strings its form fields show."""
    values: dict[str, str] = {}
    for key, value in step.items():
        if key == "payload" and isinstance(value, dict):
            values[key] = "\n".join(f"{k}={v}" for k, v in value.items())
        elif key != "conditions":
            values[key] = "" if value is None else str(value)
    return values


def _conditions(rows: dict[int, dict[str, str]]) -> list[dict[str, Any]]:
    found = []
    for index in sorted(rows):
        row = rows[index]
        if row.get("field", "").strip():
            found.append(
                {
                    "field": row["field"].strip(),
                    "op": row.get("op") or "eq",
                    "value": row.get("value", ""),
                }
            )
    return found


def _clean_step(raw: dict[str, Any]) -> dict[str, Any]:
    step: dict[str, Any] = {}
    for key, value in raw.items():
        if key == "conditions":
            step[key] = _conditions(value)
        elif key == "payload":
            pairs = [line.split("=", 1) for line in str(value).splitlines() if "=" in line]
            step[key] = {k.strip(): v.strip() for k, v in pairs if k.strip()}
        elif key in ("minutes", "then_step", "else_step", "duration_minutes"):
            step[key] = (
                int(value)
                if str(value).strip().lstrip("-").isdigit()
                else (None if not str(value).strip() else value)
            )
        else:
            step[key] = value
    return step


def template_from_form(items: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """The TemplateInput payload a submitted editor form describes (validated by the caller)."""
    top: dict[str, Any] = {"enabled": False}
    conditions: dict[int, dict[str, str]] = {}
    steps: dict[str, dict[str, Any]] = {}
    for key, value in items:
        if (match := STEP_KEY.match(key)) is not None:
            index, rest = match.groups()
            step = steps.setdefault(index, {})
            condition = re.match(r"^conditions-(\d+)-(field|op|value)$", rest)
            if condition is not None:
                row = step.setdefault("conditions", {}).setdefault(int(condition.group(1)), {})
                row[condition.group(2)] = value
            else:
                step[rest] = value
        elif (match := CONDITION_KEY.match(key)) is not None:
            conditions.setdefault(int(match.group(1)), {})[match.group(2)] = value
        elif key == "enabled":
            top["enabled"] = value in ("on", "true", "1")
        elif key in ("name", "title", "trigger_event"):
            top[key] = value.strip()
    top["conditions"] = _conditions(conditions)
    top["steps"] = [_clean_step(step) for step in steps.values()]
    return top
