"""Sign-in, sign-out and the language switch."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from gigafibre.core.i18n import LANGUAGES, gettext
from gigafibre.core.observability import LANGUAGE_COOKIE
from gigafibre.core.security import new_token, token_digest, tokens_match
from gigafibre.core.web import SessionDep, render
from gigafibre.staff import service
from gigafibre.staff.auth import SESSION_COOKIE, AnyStaff, OptionalStaff

router = APIRouter(include_in_schema=False)
LOGIN_CSRF_COOKIE = "gf_login_csrf"
LOGIN_LIMIT = "10/minute"


def safe_next(target: str | None, default: str = "/ops/") -> str:
    """Only local paths: an open redirect after login would be a phishing gift."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return default


def _login_page(
    request: Request, *, next_url: str, error: str = "", username: str = "", status: int = 200
) -> Response:
    token = new_token()
    response = render(
        request,
        "staff/login.html",
        {"next_url": next_url, "error": error, "username": username, "login_csrf": token},
        status_code=status,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        path="/login",
        secure=request.app.state.settings.cookie_secure,
    )
    return response


@router.get("/login")
async def login_form(request: Request, staff: OptionalStaff, next: str = "/ops/") -> Response:
    if staff is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_page(request, next_url=safe_next(next))


@router.post("/login")
async def login(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form(max_length=80)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    csrf_token: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=500)] = "/ops/",
) -> Response:
    settings = request.app.state.settings
    next_url = safe_next(next)
    if not tokens_match(request.cookies.get(LOGIN_CSRF_COOKIE, ""), csrf_token) or not csrf_token:
        return _login_page(
            request,
            next_url=next_url,
            username=username,
            status=403,
            error=gettext("This form has expired. Reload the page and try again."),
        )
    peer = request.client.host if request.client else "unknown"
    limiter = request.app.state.rate_limiter
    if not await limiter.hit(LOGIN_LIMIT, "login", peer, username.lower()):
        return _login_page(
            request,
            next_url=next_url,
            username=username,
            status=429,
            error=gettext("Too many attempts. Please wait a minute and try again."),
        )
    result = await service.log_in(
        session,
        username=username,
        password=password,
        max_age_seconds=settings.session_max_age_seconds,
        ip_address=peer,
        user_agent=request.headers.get("user-agent", ""),
    )
    if result is None:
        return _login_page(
            request,
            next_url=next_url,
            username=username,
            status=401,
            error=gettext("Wrong username or password."),
        )
    token, staff = result
    response = RedirectResponse(next_url, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_max_age_seconds,
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
    )
    response.set_cookie(LANGUAGE_COOKIE, staff.language, samesite="lax", max_age=31536000)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
async def logout(request: Request, session: SessionDep, staff: AnyStaff) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token and staff.via == "session":
        await service.log_out(session, token=token)
        request.app.state.identity_cache.pop(token_digest(token), None)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/lang/{language}")
async def switch_language(language: str, next: str = "/ops/") -> Response:
    response = RedirectResponse(safe_next(next), status_code=303)
    if language in LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, language, samesite="lax", max_age=31536000)
    return response
