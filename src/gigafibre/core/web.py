"""What every route shares: the unit-of-work session and the template renderer."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from pathlib import Path
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.core import i18n
from gigafibre.core.db import Database

PACKAGE_DIR = Path(__file__).resolve().parent.parent
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
WRITES_ON_GET = "gf_writes_on_get"
Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])


def writes_on_get(endpoint: Endpoint) -> Endpoint:
    """Mark one of the few GET routes that write (spending a sign-in link, a code made on first
    view): its requests get a write session, like POST.

    A read session that then writes would, on SQLite, fail at once with "database is locked"
    whenever another writer committed since its first read; a write session takes the write
    lock up front and waits its turn instead. Put it under the `@router.get(...)` line.
    """
    setattr(endpoint, WRITES_ON_GET, True)
    return endpoint


async def db_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One unit of work per request, committed before the response leaves."""
    db: Database = request.app.state.db
    endpoint = request.scope.get("endpoint")
    write = request.method not in SAFE_METHODS or getattr(endpoint, WRITES_ON_GET, False)
    async with db.unit_of_work(write=write) as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(db_session, scope="function")]


def template_dirs() -> list[str]:
    dirs = [str(PACKAGE_DIR / "web" / "templates")]
    dirs += sorted(str(path) for path in PACKAGE_DIR.glob("*/templates") if path.is_dir())
    return dirs


def build_templates() -> Environment:
    env = Environment(
        loader=FileSystemLoader(template_dirs()),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        auto_reload=False,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        lambda message: i18n.gettext(message),
        lambda singular, plural, n: i18n.ngettext(singular, plural, n),
        newstyle=True,
    )
    env.filters["money"] = i18n.format_money
    env.filters["date"] = i18n.format_date
    env.filters["datetime"] = i18n.format_datetime
    return env


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    env: Environment = request.app.state.templates
    full: dict[str, Any] = {
        "request": request,
        "lang": i18n.current_language.get(),
        "settings": request.app.state.settings,
        "staff": getattr(request.state, "staff", None),
        "csrf_token": getattr(request.state, "csrf_token", ""),
        "nav": request.app.state.navigation,
    }
    if context:
        full.update(context)
    html = env.get_template(template).render(full)
    return HTMLResponse(html, status_code=status_code, headers=dict(headers or {}))
