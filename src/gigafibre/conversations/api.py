"""JSON API of the inbox: `/conversations*` for staff, `POST /conversations` for the portal."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status

from gigafibre.conversations import canned, queries, replies, schemas, service
from gigafibre.conversations.portal_pages import MESSAGE_LIMIT
from gigafibre.conversations.queries import InboxFilters, Message
from gigafibre.conversations.sla import SlaState, SlaTargets
from gigafibre.core.web import SessionDep
from gigafibre.customers.models import Customer
from gigafibre.portal.auth import PortalCustomer
from gigafibre.settings import Settings
from gigafibre.staff.auth import require_staff
from gigafibre.staff.models import Role
from gigafibre.staff.service import StaffIdentity
from gigafibre.tickets.models import Channel, HDTicket, TicketPriority, TicketStatus

RowId = Annotated[int, Path(ge=1, le=2_147_483_647)]
router = APIRouter(prefix="/conversations", tags=["conversations"])
Reader = Annotated[StaffIdentity, Depends(require_staff(Role.support, Role.dispatch, Role.billing))]
Writer = Annotated[StaffIdentity, Depends(require_staff(Role.support))]


def sla_targets(settings: Settings) -> SlaTargets:
    return SlaTargets(settings.sla_first_response_minutes, settings.sla_resolution_minutes)


def _sla(state: SlaState) -> schemas.SlaPublic:
    return schemas.SlaPublic(
        first_response_due=state.first_response_due,
        resolution_due=state.resolution_due,
        first_response_overdue=state.first_response_overdue,
        resolution_overdue=state.resolution_overdue,
    )


def _summary(
    ticket: HDTicket, customer: Customer | None, sla: SlaState, last: str = ""
) -> dict[str, object]:
    return {
        "name": ticket.name,
        "subject": ticket.subject,
        "status": ticket.status,
        "priority": ticket.priority,
        "channel": ticket.channel,
        "assignee": ticket.assignee,
        "customer": customer.name if customer else None,
        "customer_name": customer.customer_name if customer else None,
        "opened_at": ticket.opened_at,
        "last_message_at": ticket.last_message_at,
        "last_message": last,
        "sla": _sla(sla),
    }


def message_public(item: Message) -> schemas.MessagePublic:
    message = item.communication
    return schemas.MessagePublic(
        name=message.name,
        channel=message.channel,
        direction=message.direction,
        internal=message.internal,
        sender=message.sender,
        recipient=message.recipient,
        subject=message.subject,
        content=message.content,
        author=message.author,
        delivery=item.delivery,
        duration_seconds=message.duration_seconds,
        created_at=message.created_at,
        attachments=[
            schemas.AttachmentPublic(
                id=a.id, filename=a.filename, content_type=a.content_type, size=a.size
            )
            for a in item.attachments
        ],
    )


def thread_public(thread: queries.Thread, *, public_only: bool = False) -> schemas.ThreadPublic:
    messages = [m for m in thread.messages if not (public_only and m.communication.internal)]
    return schemas.ThreadPublic(
        **_summary(thread.ticket, thread.customer, thread.sla),
        tags=thread.tags,
        messages=[message_public(m) for m in messages],
    )


@router.get("", response_model=schemas.TicketPage)
async def list_conversations(
    request: Request,
    session: SessionDep,
    _staff: Reader,
    status_: Annotated[TicketStatus | None, Query(alias="status")] = None,
    priority: TicketPriority | None = None,
    channel: Channel | None = None,
    assignee: Annotated[str | None, Query(max_length=80)] = None,
    tag: Annotated[str | None, Query(max_length=40)] = None,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = queries.PAGE_SIZE,
) -> schemas.TicketPage:
    """The inbox, most recent activity first, with the SLA state of each ticket."""
    filters = InboxFilters(status_, priority, channel, assignee, tag)
    rows, more = await queries.list_inbox(
        session, filters, sla_targets(request.app.state.settings), offset=offset, limit=limit
    )
    items = [
        schemas.TicketSummary(
            **_summary(
                row.ticket,
                None,
                row.sla,
                row.last_message.content[:200] if row.last_message else "",
            )
            | {"customer": row.customer, "customer_name": row.customer_name}
        )
        for row in rows
    ]
    return schemas.TicketPage(items=items, next_offset=offset + limit if more else None)


@router.post("", response_model=schemas.ThreadPublic, status_code=status.HTTP_201_CREATED)
async def write_to_us(
    request: Request, session: SessionDep, customer: PortalCustomer, data: schemas.NewMessage
) -> schemas.ThreadPublic:
    """A signed-in customer writes (portal): onto their open ticket, or a new one."""
    settings = request.app.state.settings
    await request.app.state.rate_limiter.enforce(MESSAGE_LIMIT, "portal-message", customer.name)
    message = await service.receive(
        session,
        service.Inbound(
            channel=Channel.web, sender=customer.name, subject=data.subject, content=data.body
        ),
        customer=customer,
        data_dir=settings.data_dir,
    )
    ticket = await session.get(HDTicket, message.ticket_id)
    assert ticket is not None
    thread = await queries.thread(session, ticket.name, sla_targets(settings))
    return thread_public(thread, public_only=True)


@router.get("/unmatched", response_model=list[schemas.UnmatchedPublic])
async def unmatched(session: SessionDep, _staff: Reader) -> list[schemas.UnmatchedPublic]:
    """Messages from senders matched to no customer, waiting for staff to say who wrote."""
    return [
        schemas.UnmatchedPublic(
            name=m.name,
            channel=m.channel,
            sender=m.sender,
            subject=m.subject,
            content=m.content,
            created_at=m.created_at,
        )
        for m in await queries.unmatched(session)
    ]


@router.post("/unmatched/{communication}/link", response_model=schemas.ThreadPublic)
async def link(
    request: Request,
    session: SessionDep,
    staff: Writer,
    communication: str,
    data: schemas.LinkRequest,
) -> schemas.ThreadPublic:
    """Give an unmatched message its customer: it threads onto their open ticket."""
    message = await service.link_unmatched(
        session, communication=communication, customer_name=data.customer, actor=staff.username
    )
    ticket = await session.get(HDTicket, message.ticket_id)
    assert ticket is not None
    return thread_public(
        await queries.thread(session, ticket.name, sla_targets(request.app.state.settings))
    )


@router.get("/calls", response_model=list[schemas.CallPublic])
async def calls(
    session: SessionDep,
    _staff: Reader,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[schemas.CallPublic]:
    """The call log (3CX), newest first."""
    return [
        schemas.CallPublic(
            name=call.name,
            direction=call.direction,
            number=call.sender if call.direction == "inbound" else call.recipient,
            customer=customer,
            customer_name=customer_name,
            status=call.status,
            duration_seconds=call.duration_seconds,
            agent=call.author,
            created_at=call.created_at,
        )
        for call, customer_name, customer in await queries.calls(session, limit=limit)
    ]


@router.get("/canned-replies", response_model=list[schemas.CannedReplyPublic])
async def canned_replies(session: SessionDep, _staff: Reader) -> list[schemas.CannedReplyPublic]:
    return [
        schemas.CannedReplyPublic(id=r.id, title=r.title, language=r.language, body=r.body)
        for r in await canned.list_replies(session)
    ]


@router.post(
    "/canned-replies",
    response_model=schemas.CannedReplyPublic,
    status_code=status.HTTP_201_CREATED,
)
async def create_canned_reply(
    session: SessionDep, _staff: Writer, data: schemas.CannedReplyInput
) -> schemas.CannedReplyPublic:
    r = await canned.save_reply(session, data)
    return schemas.CannedReplyPublic(id=r.id, title=r.title, language=r.language, body=r.body)


@router.put("/canned-replies/{reply_id}", response_model=schemas.CannedReplyPublic)
async def update_canned_reply(
    session: SessionDep, _staff: Writer, reply_id: RowId, data: schemas.CannedReplyInput
) -> schemas.CannedReplyPublic:
    r = await canned.save_reply(session, data, reply_id=reply_id)
    return schemas.CannedReplyPublic(id=r.id, title=r.title, language=r.language, body=r.body)


@router.delete(
    "/canned-replies/{reply_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response
)
async def delete_canned_reply(session: SessionDep, _staff: Writer, reply_id: RowId) -> Response:
    await canned.delete_reply(session, reply_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{name}", response_model=schemas.ThreadPublic)
async def get_conversation(
    request: Request, session: SessionDep, _staff: Reader, name: str
) -> schemas.ThreadPublic:
    """A ticket with its whole history: messages, calls, internal notes, delivery status."""
    return thread_public(
        await queries.thread(session, name, sla_targets(request.app.state.settings))
    )


@router.patch("/{name}", response_model=schemas.ThreadPublic)
async def change_conversation(
    request: Request,
    session: SessionDep,
    staff: Writer,
    name: str,
    changes: schemas.TicketChanges,
) -> schemas.ThreadPublic:
    """Status, priority, assignee and tags; resolving emits `ticket.resolved`."""
    await service.update_ticket(
        session,
        name=name,
        actor=staff.username,
        status=changes.status,
        priority=changes.priority,
        assignee=changes.assignee,
        tags=changes.tags,
    )
    return thread_public(
        await queries.thread(session, name, sla_targets(request.app.state.settings))
    )


@router.post(
    "/{name}/replies", response_model=schemas.MessagePublic, status_code=status.HTTP_201_CREATED
)
async def reply(
    request: Request, session: SessionDep, staff: Writer, name: str, data: schemas.StaffReply
) -> schemas.MessagePublic:
    """Answer on the customer's channel (SMS or email through the outbox, portal live), or
    leave an internal note (`internal: true`), which is never sent."""
    message = await replies.reply(
        session,
        ticket_name=name,
        body=data.body,
        author=staff.username,
        signature=staff.full_name,
        outgoing=replies.Outgoing.of(request.app.state.settings),
        internal=data.internal,
    )
    return message_public(Message(communication=message, attachments=[], delivery=message.status))
