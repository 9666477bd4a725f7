"""Payment routes: links for staff, the Stripe webhook, and the sandbox gateway's own pages."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from gigafibre.billing import payments, payments_webhook
from gigafibre.billing.gateway import GatewayFactory, PaymentGateway
from gigafibre.billing.payment_models import SandboxMode
from gigafibre.billing.payments_sandbox import SandboxGateway, SandboxSessionClosedError
from gigafibre.core.db import Database
from gigafibre.core.errors import ConflictError, NotFoundError
from gigafibre.core.web import SessionDep, render
from gigafibre.staff.auth import require_staff
from gigafibre.staff.models import Role
from gigafibre.staff.service import StaffIdentity

router = APIRouter(tags=["payments"])
pages = APIRouter(include_in_schema=False)
Staff = Annotated[StaffIdentity, Depends(require_staff(Role.billing, Role.support))]


def payment_gateways(request: Request) -> GatewayFactory:
    """The provider chosen by settings, built once per app; tests override this dependency."""
    factory: GatewayFactory | None = getattr(request.app.state, "payment_gateways", None)
    if factory is None:
        factory = payments_webhook.gateway_factory(request.app.state.settings)
        request.app.state.payment_gateways = factory
    return factory


Gateways = Annotated[GatewayFactory, Depends(payment_gateways)]


class CheckoutLinkInput(BaseModel):
    invoice: str = Field(min_length=1, max_length=20)


class CustomerLinkInput(BaseModel):
    customer: str = Field(min_length=1, max_length=20)


class LinkPublic(BaseModel):
    url: str


class WebhookReceipt(BaseModel):
    received: bool
    outcome: str


def _base_url(request: Request) -> str:
    return str(request.app.state.settings.public_base_url)


@router.post("/billing/checkout-link", response_model=LinkPublic)
async def checkout_link(
    request: Request,
    session: SessionDep,
    _staff: Staff,
    gateways: Gateways,
    data: CheckoutLinkInput,
) -> LinkPublic:
    """A payment page for what is left on one invoice, to send to the customer."""
    url = await payments.checkout_link(
        session, gateway=gateways(session), invoice_name=data.invoice, base_url=_base_url(request)
    )
    return LinkPublic(url=url)


@router.post("/payments/card-on-file", response_model=LinkPublic)
async def card_on_file_link(
    request: Request,
    session: SessionDep,
    _staff: Staff,
    gateways: Gateways,
    data: CustomerLinkInput,
) -> LinkPublic:
    """A page where the customer saves a card for pre-authorised payments."""
    url = await payments.card_on_file_link(
        session, gateway=gateways(session), customer_name=data.customer, base_url=_base_url(request)
    )
    return LinkPublic(url=url)


@router.post("/payments/portal-link", response_model=LinkPublic)
async def portal_link(
    request: Request,
    session: SessionDep,
    _staff: Staff,
    gateways: Gateways,
    data: CustomerLinkInput,
) -> LinkPublic:
    """The provider's customer portal (cards, receipts) for one customer."""
    url = await payments.portal_link(
        session, gateway=gateways(session), customer_name=data.customer, base_url=_base_url(request)
    )
    return LinkPublic(url=url)


@router.post("/webhook/stripe", response_model=WebhookReceipt)
async def stripe_webhook(request: Request, gateways: Gateways) -> WebhookReceipt:
    """Stripe's events. The signature is checked on the raw body before any database work."""
    secret = payments.webhook_secret(request.app.state.settings)
    event = payments_webhook.verified_event(
        await request.body(), request.headers.get("stripe-signature"), secret
    )
    db: Database = request.app.state.db
    async with db.unit_of_work() as session:
        outcome = await payments_webhook.handle_event(
            session, event=event, gateway=gateways(session)
        )
    return WebhookReceipt(received=True, outcome=outcome)


@pages.get("/payments/return", response_class=HTMLResponse)
async def payment_return(
    request: Request,
    kind: Annotated[Literal["payment", "setup", "cancelled"], Query()] = "payment",
) -> HTMLResponse:
    """Where the provider sends the customer back; the webhook, not this page, records payments."""
    return render(request, "billing/payment_return.html", {"kind": kind})


def _sandbox(gateway: PaymentGateway) -> SandboxGateway:
    if not isinstance(gateway, SandboxGateway):
        raise NotFoundError("This payment page does not exist or has expired.")
    return gateway


@pages.get("/sandbox/checkout/{session_id}", response_class=HTMLResponse)
async def sandbox_checkout(
    request: Request, session: SessionDep, gateways: Gateways, session_id: str
) -> HTMLResponse:
    checkout = await _sandbox(gateways(session)).find(session_id)
    if checkout is None or checkout.mode is SandboxMode.portal:
        raise NotFoundError("This payment page does not exist or has expired.")
    return render(request, "billing/sandbox_checkout.html", {"checkout": checkout})


@pages.post("/sandbox/checkout/{session_id}", response_model=None)
async def sandbox_complete(
    request: Request,
    session: SessionDep,
    gateways: Gateways,
    session_id: str,
    outcome: Annotated[Literal["pay", "decline"], Form()],
) -> Response:
    """Pay (or save the card), or simulate a declined card; single-use, like Stripe's pages."""
    gateway = _sandbox(gateways(session))
    try:
        target = await gateway.complete(session_id, decline=outcome == "decline")
    except SandboxSessionClosedError:
        raise ConflictError("This payment page has already been used or has expired.") from None
    if target is None:
        checkout = await gateway.find(session_id)
        context = {"checkout": checkout, "declined": True}
        return render(request, "billing/sandbox_checkout.html", context, status_code=402)
    return RedirectResponse(target, status_code=303)


@pages.get("/sandbox/portal/{session_id}", response_class=HTMLResponse)
async def sandbox_portal(
    request: Request, session: SessionDep, gateways: Gateways, session_id: str
) -> HTMLResponse:
    gateway = _sandbox(gateways(session))
    portal = await gateway.find(session_id)
    if portal is None or portal.mode is not SandboxMode.portal:
        raise NotFoundError("This payment page does not exist or has expired.")
    account = await payments.account_for(
        session, provider=gateway.provider, provider_customer_id=portal.provider_customer_id
    )
    return render(request, "billing/sandbox_portal.html", {"portal": portal, "account": account})
