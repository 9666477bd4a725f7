"""The customer's card on file: see it, save or replace it, manage it, and turn PPA on or off.

Cards never touch our servers: saving one goes through the provider's hosted page (Stripe
Checkout in setup mode, or the sandbox), and the card's brand and last digits come back by
webhook. This page only shows them and links to the hosted pages.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from gigafibre.billing import payments
from gigafibre.core.web import SessionDep, render
from gigafibre.portal.auth import PortalCustomer

router = APIRouter(prefix="/portal", tags=["portal"], include_in_schema=False)


def _page_url(request: Request, state: str = "") -> str:
    base = request.app.state.settings.public_base_url.rstrip("/")
    return f"{base}/portal/card" + (f"?done={state}" if state else "")


@router.get("/card")
async def card_page(
    request: Request, session: SessionDep, customer: PortalCustomer, done: str = ""
) -> Response:
    gateway = request.app.state.payment_gateways(session)
    account = await payments.saved_card(
        session, customer_id=customer.id, provider=gateway.provider
    )
    card = account if account is not None and account.payment_method_id else None
    return render(
        request,
        "portal/card.html",
        {
            "customer": customer,
            "card": card,
            "done": done if done in {"saved", "cancelled", "ppa"} else "",
            "active": "card",
        },
    )


@router.post("/card/save")
async def save_card(request: Request, session: SessionDep, customer: PortalCustomer) -> Response:
    """Off to the provider's page to save (or replace) a card for pre-authorised payments."""
    url = await payments.card_on_file_link(
        session,
        gateway=request.app.state.payment_gateways(session),
        customer_name=customer.name,
        base_url=request.app.state.settings.public_base_url,
        success_url=_page_url(request, "saved"),
        cancel_url=_page_url(request, "cancelled"),
    )
    return RedirectResponse(url, status_code=303)


@router.post("/card/manage")
async def manage_card(request: Request, session: SessionDep, customer: PortalCustomer) -> Response:
    """The provider's customer portal: cards and receipts, then back here."""
    url = await payments.portal_link(
        session,
        gateway=request.app.state.payment_gateways(session),
        customer_name=customer.name,
        base_url=request.app.state.settings.public_base_url,
        return_url=_page_url(request),
    )
    return RedirectResponse(url, status_code=303)


@router.post("/card/ppa")
async def change_ppa(
    request: Request,
    session: SessionDep,
    customer: PortalCustomer,
    enabled: Annotated[bool, Form()] = False,
) -> Response:
    gateway = request.app.state.payment_gateways(session)
    await payments.set_ppa_enabled(
        session, customer_id=customer.id, provider=gateway.provider, enabled=enabled
    )
    return RedirectResponse("/portal/card?done=ppa", status_code=303)
