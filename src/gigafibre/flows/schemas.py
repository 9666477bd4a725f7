"""Flow templates as typed data: conditions on the event payload and an ordered list of steps.

Text values in steps are Jinja2 expressions rendered in a sandbox against the run's context
(`event` = the trigger payload, `vars` = values set by earlier steps, `customer` when the payload
names one), so staff can write `Merci {{ customer.customer_name }}` without touching code.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter


class Operator(StrEnum):
    eq = "eq"
    ne = "ne"
    gt = "gt"
    gte = "gte"
    lt = "lt"
    lte = "lte"
    contains = "contains"
    exists = "exists"


class Condition(BaseModel):
    """`field` is a dotted path in the run context, e.g. `event.amount` or `vars.tries`."""

    model_config = ConfigDict(extra="forbid")

    field: str = Field(min_length=1, max_length=200)
    op: Operator = Operator.eq
    value: Any = None


class _Step(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str = Field(default="", max_length=200)


class SendSms(_Step):
    type: Literal["send_sms"] = "send_sms"
    to: str = Field(default="customer", max_length=200, description="`customer` or a number")
    template: str = Field(default="", max_length=80, description="a notify template name")
    body: str = Field(default="", max_length=1600, description="text, when no template")


class SendEmail(_Step):
    type: Literal["send_email"] = "send_email"
    to: str = Field(default="customer", max_length=254)
    template: str = Field(default="", max_length=80)
    subject: str = Field(default="", max_length=300)
    body: str = Field(default="", max_length=20000)


class CreateTicket(_Step):
    type: Literal["create_ticket"] = "create_ticket"
    subject: str = Field(min_length=1, max_length=200)
    priority: Literal["low", "medium", "high", "urgent"] = "medium"
    note: str = Field(default="", max_length=4000)


class CreateDispatchJob(_Step):
    type: Literal["create_dispatch_job"] = "create_dispatch_job"
    job_type: str = Field(min_length=1, max_length=40)
    subject: str = Field(default="", max_length=200)
    priority: Literal["low", "normal", "high", "urgent"] = "normal"
    duration_minutes: int = Field(default=60, ge=5, le=24 * 60)


class SetField(_Step):
    type: Literal["set_field"] = "set_field"
    target: Literal["vars", "customer"] = "vars"
    field: str = Field(min_length=1, max_length=80)
    value: str = Field(default="", max_length=2000)


class Wait(_Step):
    type: Literal["wait"] = "wait"
    minutes: int | None = Field(default=None, ge=0, le=60 * 24 * 365)
    until: str = Field(default="", max_length=200, description="ISO date-time, may be a template")


class Branch(_Step):
    """If every condition holds go to `then_step`, else to `else_step` (1-based; empty: next)."""

    type: Literal["branch"] = "branch"
    conditions: list[Condition] = Field(default_factory=list, max_length=10)
    then_step: int | None = Field(default=None, ge=1)
    else_step: int | None = Field(default=None, ge=1)


class CallWebhook(_Step):
    type: Literal["call_webhook"] = "call_webhook"
    url: str = Field(min_length=8, max_length=500, pattern=r"^https?://")
    body: str = Field(default="", max_length=20000, description="JSON text, may be a template")


class EmitEvent(_Step):
    type: Literal["emit_event"] = "emit_event"
    name: str = Field(min_length=3, max_length=80, pattern=r"^[a-z_]+\.[a-z_]+$")
    payload: dict[str, str] = Field(default_factory=dict)


Step = Annotated[
    SendSms
    | SendEmail
    | CreateTicket
    | CreateDispatchJob
    | SetField
    | Wait
    | Branch
    | CallWebhook
    | EmitEvent,
    Field(discriminator="type"),
]
STEP_TYPES = (
    "send_sms",
    "send_email",
    "create_ticket",
    "create_dispatch_job",
    "set_field",
    "wait",
    "branch",
    "call_webhook",
    "emit_event",
)
steps_adapter: TypeAdapter[list[Step]] = TypeAdapter(list[Step])


class TemplateInput(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    name: str = Field(min_length=3, max_length=80, pattern=r"^[a-z][a-z0-9_]*$")
    title: str = Field(default="", max_length=200)
    trigger_event: str = Field(min_length=3, max_length=80, pattern=r"^[a-z_]+\.[a-z_]+$")
    conditions: list[Condition] = Field(default_factory=list, max_length=20)
    steps: list[Step] = Field(min_length=1, max_length=50)
    enabled: bool = True


class TemplatePublic(BaseModel):
    name: str
    title: str
    trigger_event: str
    conditions: list[dict[str, Any]]
    steps: list[dict[str, Any]]
    enabled: bool
    version: int
    updated_at: dt.datetime


class TemplateVersionPublic(BaseModel):
    version: int
    snapshot: dict[str, Any]
    actor: str
    created_at: dt.datetime


class StartRun(BaseModel):
    template: str = Field(min_length=1, max_length=80)
    context: dict[str, Any] = Field(default_factory=dict)


class RunReference(BaseModel):
    run: str = Field(min_length=1, max_length=20)


class FireEvent(BaseModel):
    name: str = Field(min_length=3, max_length=80, pattern=r"^[a-z_]+\.[a-z_]+$")
    payload: dict[str, Any] = Field(default_factory=dict)


class RunPublic(BaseModel):
    name: str
    template: str
    template_version: int
    status: str
    current_step: int
    context: dict[str, Any]
    step_log: list[dict[str, Any]]
    next_wake_at: dt.datetime | None
    trigger_event_id: str | None
    created_at: dt.datetime
    finished_at: dt.datetime | None
