"""Ops pages: Tickets (inbox, thread, unmatched queue, canned replies) and Téléphonie."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from pydantic import ValidationError

from gigafibre.conversations import attachments as files
from gigafibre.conversations import canned, queries, replies, schemas, service
from gigafibre.conversations.api import sla_targets
from gigafibre.core.errors import DomainError, field_errors
from gigafibre.core.i18n import N_, gettext
from gigafibre.core.web import SessionDep, render
from gigafibre.live.topics import staff_may_follow
from gigafibre.staff.auth import require_staff
from gigafibre.staff.models import Role
from gigafibre.staff.service import StaffIdentity, list_staff
from gigafibre.tickets.models import Channel, HDTicket, TicketPriority, TicketStatus

RowId = Annotated[int, Path(ge=1, le=2_147_483_647)]
router = APIRouter(include_in_schema=False)
Reader = Annotated[StaffIdentity, Depends(require_staff(Role.support, Role.dispatch, Role.billing))]
Writer = Annotated[StaffIdentity, Depends(require_staff(Role.support))]
LABELS = {
    "open": N_("Open"),
    "replied": N_("Replied"),
    "paused": N_("Paused"),
    "resolved": N_("Resolved"),
    "closed": N_("Closed"),
    "low": N_("Low"),
    "medium": N_("Medium"),
    "high": N_("High"),
    "urgent": N_("Urgent"),
    "sms": N_("SMS"),
    "email": N_("Email"),
    "web": N_("Portal"),
    "phone": N_("Phone"),
}
DELIVERY = {
    "received": N_("Received"),
    "pending": N_("Queued"),
    "queued": N_("Queued"),
    "sending": N_("Sending"),
    "sent": N_("Sent"),
    "delivered": N_("Delivered"),
    "read": N_("Read"),
    "undelivered": N_("Undelivered"),
    "failed": N_("Failed"),
    "dead": N_("Failed"),
}
CHOICES = {
    "statuses": list(TicketStatus),
    "priorities": list(TicketPriority),
    "channels": list(Channel),
    "labels": LABELS,
    "delivery_labels": DELIVERY,
}


def _enum(kind: type[Any], raw: str) -> Any:
    try:
        return kind(raw) if raw else None
    except ValueError:
        return None


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


def _context(staff: StaffIdentity, **extra: Any) -> dict[str, Any]:
    return {
        **CHOICES,
        "active": "tickets",
        "live": staff_may_follow(staff.roles, service.TOPIC),
        "can_write": staff.has_any([Role.support]),
        **extra,
    }


@router.get("/ops/tickets")
async def inbox_page(
    request: Request,
    session: SessionDep,
    staff: Reader,
    status: Annotated[str, Query(max_length=20)] = "",
    priority: Annotated[str, Query(max_length=20)] = "",
    channel: Annotated[str, Query(max_length=20)] = "",
    assignee: Annotated[str, Query(max_length=80)] = "",
    tag: Annotated[str, Query(max_length=40)] = "",
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> Response:
    filters = queries.InboxFilters(
        _enum(TicketStatus, status),
        _enum(TicketPriority, priority),
        _enum(Channel, channel),
        assignee or None,
        tag.strip().lower() or None,
    )
    rows, more = await queries.list_inbox(
        session, filters, sla_targets(request.app.state.settings), offset=offset
    )
    waiting = await queries.unmatched(session)
    agents = [s.username for s in await list_staff(session) if s.active]
    return render(
        request,
        "conversations/inbox.html",
        _context(
            staff,
            rows=rows,
            more=more,
            offset=offset,
            unmatched_count=len(waiting),
            agents=agents,
            filters={
                "status": status,
                "priority": priority,
                "channel": channel,
                "assignee": assignee,
                "tag": tag,
            },
        ),
    )


async def _thread_page(
    request: Request,
    session: SessionDep,
    staff: StaffIdentity,
    name: str,
    *,
    error: str = "",
    status_code: int = 200,
    draft: str = "",
) -> Response:
    thread = await queries.thread(session, name, sla_targets(request.app.state.settings))
    agents = [s.username for s in await list_staff(session) if s.active]
    return render(
        request,
        "conversations/thread.html",
        _context(
            staff,
            t=thread,
            agents=agents,
            replies=await canned.list_replies(session),
            error=error,
            draft=draft,
        ),
        status_code=status_code,
    )


@router.get("/ops/tickets/unmatched")
async def unmatched_page(request: Request, session: SessionDep, staff: Reader) -> Response:
    messages = await queries.unmatched(session)
    return render(request, "conversations/unmatched.html", _context(staff, messages=messages))


@router.post("/ops/tickets/unmatched/{communication}/link")
async def link_unmatched(
    request: Request, session: SessionDep, staff: Writer, communication: str
) -> Response:
    values = await _form(request)
    message = await service.link_unmatched(
        session,
        communication=communication,
        customer_name=values.get("customer", "").strip().upper(),
        actor=staff.username,
    )
    ticket = await session.get(HDTicket, message.ticket_id)
    assert ticket is not None
    return RedirectResponse(f"/ops/tickets/{ticket.name}", status_code=303)


@router.get("/ops/tickets/canned")
async def canned_page(request: Request, session: SessionDep, staff: Reader) -> Response:
    return render(
        request,
        "conversations/canned.html",
        _context(staff, replies=await canned.list_replies(session), errors={}),
    )


@router.post("/ops/tickets/canned")
async def save_canned(request: Request, session: SessionDep, staff: Writer) -> Response:
    values = await _form(request)
    raw_id = values.get("id", "")
    reply_id = int(raw_id) if raw_id.isdigit() and len(raw_id) < 10 else None
    try:
        data = schemas.CannedReplyInput.model_validate(values)
    except ValidationError as error:
        errors = {k: gettext(v) for k, v in field_errors(list(error.errors())).items()}
        return render(
            request,
            "conversations/canned.html",
            _context(staff, replies=await canned.list_replies(session), errors=errors),
            status_code=422,
        )
    await canned.save_reply(session, data, reply_id=reply_id)
    return RedirectResponse("/ops/tickets/canned", status_code=303)


@router.post("/ops/tickets/canned/{reply_id}/delete")
async def delete_canned(session: SessionDep, _staff: Writer, reply_id: RowId) -> Response:
    await canned.delete_reply(session, reply_id)
    return RedirectResponse("/ops/tickets/canned", status_code=303)


@router.get("/ops/tickets/attachments/{attachment_id}")
async def staff_attachment(
    request: Request, session: SessionDep, _staff: Reader, attachment_id: RowId
) -> Response:
    item, _message = await queries.attachment(session, attachment_id)
    return FileResponse(
        files.existing(request.app.state.settings.data_dir, item.stored_as),
        media_type=item.content_type,
        filename=item.filename,
        content_disposition_type="attachment",
    )


@router.get("/ops/tickets/{name}")
async def thread_page(request: Request, session: SessionDep, staff: Reader, name: str) -> Response:
    return await _thread_page(request, session, staff, name)


@router.post("/ops/tickets/{name}/reply")
async def reply(request: Request, session: SessionDep, staff: Writer, name: str) -> Response:
    values = await _form(request)
    body = values.get("body", "").strip()
    try:
        data = schemas.StaffReply(body=body, internal=values.get("internal") == "on")
        async with session.begin_nested():  # a refused reply leaves nothing half-written
            await replies.reply(
                session,
                ticket_name=name,
                body=data.body,
                author=staff.username,
                signature=staff.full_name,
                outgoing=replies.Outgoing.of(request.app.state.settings),
                internal=data.internal,
            )
    except ValidationError as error:
        message = next(iter(field_errors(list(error.errors())).values()))
        return await _thread_page(
            request, session, staff, name, error=gettext(message), status_code=422, draft=body
        )
    except DomainError as error:
        return await _thread_page(
            request,
            session,
            staff,
            name,
            error=error.render()["message"],
            status_code=error.status_code,
            draft=body,
        )
    return RedirectResponse(f"/ops/tickets/{name}#reply", status_code=303)


@router.post("/ops/tickets/{name}/update")
async def update(request: Request, session: SessionDep, staff: Writer, name: str) -> Response:
    values = await _form(request)
    await service.update_ticket(
        session,
        name=name,
        actor=staff.username,
        status=_enum(TicketStatus, values.get("status", "")),
        priority=_enum(TicketPriority, values.get("priority", "")),
        assignee=values.get("assignee", "")[:80] if "assignee" in values else None,
        tags=values["tags"].split(",")[:20] if "tags" in values else None,
    )
    return RedirectResponse(f"/ops/tickets/{name}", status_code=303)


@router.get("/ops/telephony")
async def telephony_page(request: Request, session: SessionDep, staff: Reader) -> Response:
    found = await queries.calls(session, limit=200)
    return render(
        request,
        "conversations/telephony.html",
        _context(staff, calls=found, active="telephony"),
    )
