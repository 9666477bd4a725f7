"""What the conversations API reads and writes."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from gigafibre.tickets.models import Channel, Direction, TicketPriority, TicketStatus


class AttachmentPublic(BaseModel):
    id: int
    filename: str
    content_type: str
    size: int


class MessagePublic(BaseModel):
    name: str
    channel: Channel
    direction: Direction
    internal: bool
    sender: str
    recipient: str
    subject: str
    content: str
    author: str
    delivery: str = Field(description="received, queued, sent, delivered, failed, note…")
    duration_seconds: int | None = None
    created_at: dt.datetime
    attachments: list[AttachmentPublic] = []


class SlaPublic(BaseModel):
    first_response_due: dt.datetime
    resolution_due: dt.datetime
    first_response_overdue: bool
    resolution_overdue: bool


class TicketSummary(BaseModel):
    name: str
    subject: str
    status: TicketStatus
    priority: TicketPriority
    channel: Channel
    assignee: str | None
    customer: str | None
    customer_name: str | None
    opened_at: dt.datetime
    last_message_at: dt.datetime
    last_message: str = ""
    sla: SlaPublic


class TicketPage(BaseModel):
    items: list[TicketSummary]
    next_offset: int | None


class ThreadPublic(TicketSummary):
    tags: list[str]
    messages: list[MessagePublic]


class NewMessage(BaseModel):
    """A customer writing from the portal."""

    model_config = ConfigDict(str_strip_whitespace=True)
    subject: str = Field(default="", max_length=200)
    body: str = Field(min_length=1, max_length=5000)


class StaffReply(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)
    body: str = Field(min_length=1, max_length=5000)
    internal: bool = Field(default=False, description="An internal note, never sent.")


class TicketChanges(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)
    status: TicketStatus | None = None
    priority: TicketPriority | None = None
    assignee: str | None = Field(default=None, max_length=80, description="empty: nobody")
    tags: list[str] | None = Field(default=None, max_length=20)


class LinkRequest(BaseModel):
    customer: str = Field(min_length=1, max_length=20, description="C-000123")


class UnmatchedPublic(BaseModel):
    name: str
    channel: Channel
    sender: str
    subject: str
    content: str
    created_at: dt.datetime


class CannedReplyInput(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)
    title: str = Field(min_length=1, max_length=120)
    language: str = Field(default="fr", pattern=r"^(fr|en)$")
    body: str = Field(min_length=1, max_length=5000)


class CannedReplyPublic(CannedReplyInput):
    id: int


class CallPublic(BaseModel):
    name: str
    direction: Direction
    number: str
    customer: str | None
    customer_name: str | None
    status: str
    duration_seconds: int | None
    agent: str
    created_at: dt.datetime


class CallEvent(BaseModel):
    """What the 3CX CRM call-journal template posts (one per call, updated as it goes)."""

    call_id: str = Field(min_length=1, max_length=120)
    direction: Direction
    number: str = Field(min_length=1, max_length=40, description="the outside party")
    status: str = Field(default="ended", max_length=20, pattern=r"^[a-z_]{1,20}$")
    agent: str = Field(default="", max_length=80, description="3CX extension or agent name")
    duration_seconds: int | None = Field(default=None, ge=0, le=86_400)
    started_at: dt.datetime | None = None
