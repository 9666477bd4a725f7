"""The customer behind a portal request, from the session cookie, with CSRF on unsafe methods."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import select

from gigafibre.core.errors import AuthenticationRequiredError, ForbiddenError
from gigafibre.core.security import csrf_token, tokens_match
from gigafibre.core.web import SAFE_METHODS, SessionDep
from gigafibre.customers.models import Customer, CustomerStatus
from gigafibre.portal.service import customer_of_session

PORTAL_COOKIE = "gf_portal"


def portal_customer_name(request: Request) -> str | None:
    """Used by the live-updates endpoint too: a customer may follow only its own topic."""
    token = request.cookies.get(PORTAL_COOKIE)
    if not token:
        return None
    return customer_of_session(request.app.state.settings.jwt_secret, token)


async def current_customer(request: Request, session: SessionDep) -> Customer:
    name = portal_customer_name(request)
    customer = None
    if name is not None:
        customer = await session.scalar(select(Customer).where(Customer.name == name))
    if customer is None or customer.status is CustomerStatus.inactive:
        raise AuthenticationRequiredError("Please sign in.")
    token = request.cookies.get(PORTAL_COOKIE, "")
    request.state.csrf_token = csrf_token(request.app.state.settings.secret_key, f"portal:{token}")
    request.state.portal_customer = customer
    if request.method not in SAFE_METHODS:
        form = await request.form()
        given = request.headers.get("x-csrf-token") or form.get("csrf_token")
        if not isinstance(given, str) or not tokens_match(request.state.csrf_token, given):
            raise ForbiddenError("This form has expired. Reload the page and try again.")
    return customer


PortalCustomer = Annotated[Customer, Depends(current_customer)]
