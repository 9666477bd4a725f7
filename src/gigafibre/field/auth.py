"""The technician behind a phone request: a tech link opens a session cookie for the field app.

`GET /j/{token}` verifies the SMS link (audience `tech`, one use) and sets `gf_field`, a second
JWT (audience `tech-session`) in an HttpOnly, SameSite=Lax cookie, Secure outside development,
so no session table is needed. Unsafe methods also need the session's CSRF token.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.core.errors import AuthenticationRequiredError, ForbiddenError
from gigafibre.core.i18n import N_
from gigafibre.core.links import (
    Audience,
    issue_session_token,
    session_subject,
    verify_link_token,
)
from gigafibre.core.security import csrf_token, tokens_match
from gigafibre.core.web import SAFE_METHODS, SessionDep
from gigafibre.dispatch.models import Technician
from gigafibre.portal.service import spend_link
from gigafibre.settings import Settings

FIELD_COOKIE = "gf_field"
SESSION_AUDIENCE = "tech-session"
SESSION_LIFETIME = dt.timedelta(days=7)
LINK_INVALID = N_("This link is not valid or has expired.")
LINK_USED = N_("This link was already used. Ask your dispatcher for a new one.")
SIGN_IN = N_("Open the link of your last text message to sign in.")


def session_token(secret: str, technician: str) -> str:
    return issue_session_token(
        secret, subject=technician, audience=SESSION_AUDIENCE, lifetime=SESSION_LIFETIME
    )


def technician_of_session(secret: str, token: str) -> str | None:
    return session_subject(secret, token, audience=SESSION_AUDIENCE)


def session_technician_name(request: Request) -> str | None:
    token = request.cookies.get(FIELD_COOKIE)
    if not token:
        return None
    return technician_of_session(request.app.state.settings.jwt_secret, token)


def cookie_secure(settings: Settings) -> bool:
    return settings.cookie_secure or settings.is_production


async def _active_technician(session: AsyncSession, name: str) -> Technician | None:
    return await session.scalar(
        select(Technician).where(Technician.name == name, Technician.active.is_(True))
    )


async def redeem_link(session: AsyncSession, *, token: str, secret: str) -> Technician:
    """The active technician a valid, unused tech link names; the link is spent."""
    claims = verify_link_token(secret, token, audience=Audience.tech)
    technician = await _active_technician(session, claims.subject)
    if technician is None:
        raise AuthenticationRequiredError(LINK_INVALID)
    await spend_link(session, claims, used_message=LINK_USED)
    return technician


async def optional_technician(request: Request, session: SessionDep) -> Technician | None:
    """The signed-in technician, or None (pages then show the friendly sign-in page)."""
    name = session_technician_name(request)
    if name is None:
        return None
    technician = await _active_technician(session, name)
    if technician is None:
        return None
    token = request.cookies.get(FIELD_COOKIE, "")
    request.state.csrf_token = csrf_token(request.app.state.settings.secret_key, f"field:{token}")
    request.state.technician = technician
    return technician


async def current_technician(
    request: Request, technician: Annotated[Technician | None, Depends(optional_technician)]
) -> Technician:
    """The technician, or 401; unsafe methods must carry the `X-CSRF-Token` of the session."""
    if technician is None:
        raise AuthenticationRequiredError(SIGN_IN)
    if request.method not in SAFE_METHODS:
        given = request.headers.get("x-csrf-token")
        if not tokens_match(request.state.csrf_token, given):
            raise ForbiddenError(N_("This page has expired. Reload it and try again."))
    return technician


FieldTechnician = Annotated[Technician, Depends(current_technician)]
OptionalTechnician = Annotated[Technician | None, Depends(optional_technician)]
