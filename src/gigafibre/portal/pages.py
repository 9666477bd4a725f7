"""The customer portal: sign-in by magic link, dashboard, invoices and their PDFs."""

from __future__ import annotations

import asyncio
import time
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request, status
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from gigafibre.billing import payments
from gigafibre.billing import service as billing
from gigafibre.billing.invoice_pdf import render_invoice_pdf
from gigafibre.core.errors import DomainError, NotFoundError
from gigafibre.core.i18n import gettext
from gigafibre.core.web import SessionDep, render, writes_on_get
from gigafibre.portal import account, service
from gigafibre.portal.auth import PORTAL_COOKIE, PortalCustomer
from gigafibre.tickets import service as tickets_service
from gigafibre.tickets.models import TicketStatus

router = APIRouter(prefix="/portal", tags=["portal"])
ANSWER_FLOOR_SECONDS = 0.4
IP_LIMIT = "10/minute"
CONTACT_LIMIT = "3/10 minutes"
SENT = "If this address is one of our customers', a sign-in link is on its way."


class LinkRequest(BaseModel):
    contact: str = Field(min_length=3, max_length=254, description="email or phone number")


async def _request_link(request: Request, session: SessionDep, raw: str) -> None:
    """Same answer, same time, whether or not the contact is a customer."""
    started = time.monotonic()
    contact = service.parse_contact(raw)
    limiter = request.app.state.rate_limiter
    peer = request.client.host if request.client else "unknown"
    await limiter.enforce(IP_LIMIT, "portal-link-ip", peer)
    await limiter.enforce(CONTACT_LIMIT, "portal-link", contact.email or contact.phone or "")
    settings = request.app.state.settings
    await service.request_link(
        session,
        contact=contact,
        base_url=settings.public_base_url,
        secret=settings.jwt_secret,
        company_name=settings.company_name,
    )
    await asyncio.sleep(max(0.0, ANSWER_FLOOR_SECONDS - (time.monotonic() - started)))


@router.post("/request-link", status_code=status.HTTP_202_ACCEPTED)
async def request_link(request: Request, session: SessionDep, data: LinkRequest) -> JSONResponse:
    """Send a one-time sign-in link by email or SMS; the answer never tells who is a customer."""
    await _request_link(request, session, data.contact)
    return JSONResponse({"message": gettext(SENT)}, status_code=202)


@router.get("/login", include_in_schema=False)
async def login_page(request: Request) -> Response:
    return render(request, "portal/login.html", {"sent": False, "error": "", "contact": ""})


@router.post("/login", include_in_schema=False)
async def login(
    request: Request, session: SessionDep, contact: Annotated[str, Form(max_length=254)] = ""
) -> Response:
    try:
        await _request_link(request, session, contact)
    except DomainError as error:
        rendered = error.render()
        message = next(iter(rendered["fields"].values()), rendered["message"])
        return render(
            request,
            "portal/login.html",
            {"sent": False, "error": message, "contact": contact},
            status_code=error.status_code,
        )
    return render(request, "portal/login.html", {"sent": True, "error": "", "contact": ""})


@router.get("/auth", include_in_schema=False)
@writes_on_get
async def redeem(
    request: Request, session: SessionDep, token: Annotated[str, Query(max_length=2000)] = ""
) -> Response:
    settings = request.app.state.settings
    try:
        customer = await service.redeem_link(session, token=token, secret=settings.jwt_secret)
    except DomainError as error:
        return render(
            request,
            "portal/login.html",
            {"sent": False, "error": error.render()["message"], "contact": ""},
            status_code=error.status_code,
        )
    response = RedirectResponse("/portal/", status_code=303)
    response.set_cookie(
        PORTAL_COOKIE,
        service.session_token(settings.jwt_secret, customer.name),
        max_age=int(service.SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
    )
    response.set_cookie("gf_lang", customer.language, samesite="lax", max_age=31536000)
    return response


@router.post("/logout", include_in_schema=False)
async def logout(_customer: PortalCustomer) -> Response:
    response = RedirectResponse("/portal/login", status_code=303)
    response.delete_cookie(PORTAL_COOKIE)
    return response


@router.get("/", include_in_schema=False)
async def dashboard(request: Request, session: SessionDep, customer: PortalCustomer) -> Response:
    invoices = await billing.invoices_for_customer(session, customer_id=customer.id, limit=6)
    subscriptions = await billing.subscriptions_for_customer(session, customer_id=customer.id)
    balance = await billing.customer_balance(session, customer_id=customer.id)
    appointment = await account.next_appointment(session, customer.id)
    tickets = [
        ticket
        for ticket in await tickets_service.tickets_for_customer(session, customer_id=customer.id)
        if ticket.status not in (TicketStatus.resolved, TicketStatus.closed)
    ]
    return render(
        request,
        "portal/dashboard.html",
        {
            "customer": customer,
            "invoices": invoices,
            "balance": balance,
            "subscriptions": subscriptions,
            "active": "home",
            "appointment": appointment,
            "appointment_label": account.appointment_label(appointment, customer.language),
            "requested": request.query_params.get("requested", "")[:20],
            "open_tickets": tickets,
        },
    )


@router.get("/invoices", include_in_schema=False)
async def invoices(request: Request, session: SessionDep, customer: PortalCustomer) -> Response:
    found = await billing.invoices_for_customer(session, customer_id=customer.id, limit=60)
    return render(
        request,
        "portal/invoices.html",
        {"customer": customer, "invoices": found, "active": "invoices"},
    )


async def _own_invoice(session: SessionDep, customer: PortalCustomer, name: str) -> str:
    owned = {
        i.name
        for i in await billing.invoices_for_customer(session, customer_id=customer.id, limit=1000)
    }
    if name not in owned:
        raise NotFoundError("No invoice is named {name}.", name=name)
    return name


@router.get("/invoices/{name}.pdf", include_in_schema=False)
async def invoice_pdf(
    request: Request, session: SessionDep, customer: PortalCustomer, name: str
) -> Response:
    await _own_invoice(session, customer, name)
    view = await billing.invoice_view(
        session, name=name, company=billing.Company.of(request.app.state.settings)
    )
    return Response(
        render_invoice_pdf(view),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}.pdf"'},
    )


@router.get("/invoices/{name}", include_in_schema=False)
async def invoice_detail(
    request: Request, session: SessionDep, customer: PortalCustomer, name: str
) -> Response:
    await _own_invoice(session, customer, name)
    view = await billing.invoice_view(
        session, name=name, company=billing.Company.of(request.app.state.settings)
    )
    return render(
        request,
        "portal/invoice.html",
        {"customer": customer, "invoice": view, "active": "invoices"},
    )


@router.post("/invoices/{name}/pay", include_in_schema=False)
async def pay_invoice(
    request: Request, session: SessionDep, customer: PortalCustomer, name: str
) -> Response:
    """ "Payer maintenant": off to the payment page for what is left on the invoice."""
    await _own_invoice(session, customer, name)
    factory = request.app.state.payment_gateways
    url = await payments.checkout_link(
        session,
        gateway=factory(session),
        invoice_name=name,
        base_url=request.app.state.settings.public_base_url,
    )
    return RedirectResponse(url, status_code=303)
