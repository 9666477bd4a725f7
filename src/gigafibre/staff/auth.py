"""Who is calling: typed dependencies every staff route declares, with the roles it admits.

Authentik ForwardAuth headers count only when the request comes straight from an address in
GF_TRUSTED_PROXIES; from anywhere else they are ignored and the caller is anonymous unless it
holds a local session cookie. Unsafe methods also need the CSRF token of that identity.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from cachetools import TTLCache
from fastapi import Depends, Request

from gigafibre.core.errors import AuthenticationRequiredError, ForbiddenError
from gigafibre.core.security import csrf_token, is_trusted, token_digest, tokens_match
from gigafibre.core.web import SAFE_METHODS, SessionDep
from gigafibre.staff import service
from gigafibre.staff.models import Role
from gigafibre.staff.service import StaffIdentity

SESSION_COOKIE = "gf_session"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"


IDENTITY_CACHE_SECONDS = 5.0


def identity_cache(size: int = 4096) -> TTLCache[str, StaffIdentity]:
    """Identities recently checked against the database, per process.

    Saves a query on every request; the price is that a sign-out or a disabled account takes
    up to IDENTITY_CACHE_SECONDS to reach the other processes (this one forgets at once).
    """
    return TTLCache(maxsize=size, ttl=IDENTITY_CACHE_SECONDS)


async def optional_staff(request: Request, session: SessionDep) -> StaffIdentity | None:
    settings = request.app.state.settings
    cache: TTLCache[str, StaffIdentity] = request.app.state.identity_cache
    identity: StaffIdentity | None = None
    peer = request.client.host if request.client else None
    username = request.headers.get("x-authentik-username")
    if username and is_trusted(peer, request.app.state.trusted_networks):
        email = request.headers.get("x-authentik-email")
        groups = request.headers.get("x-authentik-groups", "")
        key = f"fa:{username}|{email}|{groups}"
        identity = cache.get(key)
        if identity is None:
            staff = await service.staff_from_forwardauth(
                session,
                username=username,
                email=email,
                groups=groups.replace(",", "|").split("|"),
            )
            if staff is not None:
                identity = service.identity_of(
                    staff, via="forwardauth", binding=f"fa:{staff.username}"
                )
                cache[key] = identity
    if identity is None:
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            key = token_digest(token)
            identity = cache.get(key)
            if identity is None:
                staff = await service.staff_for_session(session, token=token)
                if staff is not None:
                    identity = service.identity_of(staff, via="session", binding=token)
                    cache[key] = identity
    request.state.staff = identity
    if identity is not None:
        request.state.csrf_token = csrf_token(settings.secret_key, identity.binding)
    return identity


OptionalStaff = Annotated[StaffIdentity | None, Depends(optional_staff)]


async def _check_csrf(request: Request, identity: StaffIdentity) -> None:
    if request.method in SAFE_METHODS:
        return
    given = request.headers.get(CSRF_HEADER)
    if given is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        value = (await request.form()).get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if not tokens_match(request.state.csrf_token, given):
        raise ForbiddenError("This form has expired. Reload the page and try again.")


def require_staff(*roles: Role) -> Callable[..., Awaitable[StaffIdentity]]:
    """A dependency admitting staff with any of `roles` (admin always; no roles: any role)."""

    async def dependency(request: Request, identity: OptionalStaff) -> StaffIdentity:
        if identity is None:
            raise AuthenticationRequiredError("Please sign in.")
        if not identity.roles or (roles and not identity.has_any(roles)):
            raise ForbiddenError("Your role does not give access to this page.")
        await _check_csrf(request, identity)
        return identity

    return dependency


AnyStaff = Annotated[StaffIdentity, Depends(require_staff())]
