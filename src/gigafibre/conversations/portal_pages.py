"""The portal's Messages page: the customer's conversations, writing to us with a file,
and staff replies arriving live on the customer's own topic."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from gigafibre.conversations import attachments as files
from gigafibre.conversations import queries, service
from gigafibre.conversations.schemas import NewMessage
from gigafibre.core.errors import DomainError, NotFoundError, field_errors
from gigafibre.core.i18n import gettext
from gigafibre.core.web import SessionDep, render
from gigafibre.portal.auth import PortalCustomer
from gigafibre.tickets.models import Channel, HDTicket
from gigafibre.tickets.service import tickets_for_customer

RowId = Annotated[int, Path(ge=1, le=2_147_483_647)]
router = APIRouter(prefix="/portal/messages", include_in_schema=False)
MESSAGE_LIMIT = "20/hour"


async def _page(
    request: Request,
    session: SessionDep,
    customer: PortalCustomer,
    ticket_name: str = "",
    *,
    error: str = "",
    draft: str = "",
    status_code: int = 200,
) -> Response:
    tickets = await tickets_for_customer(session, customer_id=customer.id, limit=30)
    chosen = next((t for t in tickets if t.name == ticket_name), tickets[0] if tickets else None)
    messages = await queries.messages_of(session, chosen.id, public_only=True) if chosen else []
    return render(
        request,
        "conversations/portal_messages.html",
        {
            "customer": customer,
            "tickets": tickets,
            "chosen": chosen,
            "messages": messages,
            "error": error,
            "draft": draft,
            "active": "messages",
        },
        status_code=status_code,
    )


@router.get("")
async def messages_page(
    request: Request,
    session: SessionDep,
    customer: PortalCustomer,
    ticket: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    return await _page(request, session, customer, ticket)


@router.post("")
async def write(request: Request, session: SessionDep, customer: PortalCustomer) -> Response:
    """A new message (and at most one file) onto the customer's open ticket, or a new one."""
    form = await request.form()
    body = str(form.get("body") or "").strip()
    settings = request.app.state.settings
    try:
        data = NewMessage(body=body)
    except ValidationError as error:
        fields = field_errors(list(error.errors()))
        message = gettext(next(iter(fields.values())))
        return await _page(request, session, customer, error=message, status_code=422)
    upload = form.get("attachment")
    attached: tuple[files.NewAttachment, ...] = ()
    try:
        await request.app.state.rate_limiter.enforce(MESSAGE_LIMIT, "portal-message", customer.name)
        if isinstance(upload, UploadFile) and upload.filename:
            content = await upload.read(settings.support_attachment_max_bytes + 1)
            attached = (
                files.check(
                    files.NewAttachment(upload.filename, upload.content_type or "", content),
                    max_bytes=settings.support_attachment_max_bytes,
                ),
            )
    except DomainError as error:
        rendered = error.render()
        message = next(iter(rendered["fields"].values()), rendered["message"])
        return await _page(
            request, session, customer, error=message, draft=body, status_code=error.status_code
        )
    received = await service.receive(
        session,
        service.Inbound(
            channel=Channel.web, sender=customer.name, content=data.body, attachments=attached
        ),
        customer=customer,
        data_dir=settings.data_dir,
    )
    ticket = await session.get(HDTicket, received.ticket_id)
    assert ticket is not None
    return RedirectResponse(f"/portal/messages?ticket={ticket.name}", status_code=303)


@router.get("/attachments/{attachment_id}")
async def own_attachment(
    request: Request, session: SessionDep, customer: PortalCustomer, attachment_id: RowId
) -> Response:
    item, message = await queries.attachment(session, attachment_id)
    if message.customer_id != customer.id or message.internal:
        raise NotFoundError("No attachment has the number {id}.", id=attachment_id)
    return FileResponse(
        files.existing(request.app.state.settings.data_dir, item.stored_as),
        media_type=item.content_type,
        filename=item.filename,
        content_disposition_type="attachment",
    )
