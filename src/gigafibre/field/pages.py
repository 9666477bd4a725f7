"""The technician's phone: the SMS link, today's jobs, a job, and the installable PWA's files.

Pages are server-rendered for a 360-px screen; `field.js` sends changes to `/field/api` and
queues them offline; `sw.js` (scope `/`, allowed by header, acting on `/j/` and `/field/` only)
keeps the day readable without network.
"""

from __future__ import annotations

import functools
import io
import json
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from PIL import Image, ImageDraw

from gigafibre.core.db import Database
from gigafibre.core.errors import DomainError
from gigafibre.core.i18n import _
from gigafibre.core.web import SessionDep, render
from gigafibre.dispatch.models import JobPriority, JobStatus
from gigafibre.field import auth, service, views
from gigafibre.field.auth import FIELD_COOKIE, OptionalTechnician
from gigafibre.field.service import PRIORITY_LABELS

router = APIRouter(include_in_schema=False)
STATIC = Path(__file__).resolve().parent / "static"
NO_STORE = {"Cache-Control": "no-store"}


def _sign_in_page(request: Request, message: str, *, status_code: int = 401) -> HTMLResponse:
    return render(
        request,
        "field/link_error.html",
        {"message": message},
        status_code=status_code,
        headers=NO_STORE,
    )


@router.get("/j/{token}", response_class=HTMLResponse)
async def open_link(
    request: Request, token: Annotated[str, PathParam(max_length=2000)]
) -> Response:
    """The SMS link: a valid, unused tech link opens the field session, then today's jobs.

    A GET that writes (the link is spent): it takes a write unit of work of its own, as a read
    transaction cannot become a write one on SQLite once another writer has committed.
    """
    settings = request.app.state.settings
    db: Database = request.app.state.db
    try:
        async with db.unit_of_work(write=True) as session:
            technician = await auth.redeem_link(session, token=token, secret=settings.jwt_secret)
    except DomainError as error:
        return _sign_in_page(request, error.render()["message"], status_code=error.status_code)
    response = RedirectResponse("/field/", status_code=303, headers=NO_STORE)
    response.set_cookie(
        FIELD_COOKIE,
        auth.session_token(settings.jwt_secret, technician.name),
        max_age=int(auth.SESSION_LIFETIME.total_seconds()),
        path="/field",
        httponly=True,
        samesite="lax",
        secure=auth.cookie_secure(settings),
    )
    return response


@router.get("/field/", response_class=HTMLResponse)
async def today(request: Request, session: SessionDep, technician: OptionalTechnician) -> Response:
    """Today's jobs in route order."""
    if technician is None:
        return _sign_in_page(request, _("Open the link of your last text message to sign in."))
    day = service.local_today()
    jobs = await views.day_summaries(session, technician, day)
    return render(
        request,
        "field/today.html",
        {"technician": technician, "jobs": jobs, "day": day},
        headers=NO_STORE,
    )


@router.get("/field/jobs/{job}", response_class=HTMLResponse)
async def job_page(
    request: Request, session: SessionDep, technician: OptionalTechnician, job: str
) -> Response:
    """One job: contact, location, status buttons, checklist, equipment and photos."""
    if technician is None:
        return _sign_in_page(request, _("Open the link of your last text message to sign in."))
    record = await service.job_of_technician(session, technician, job)
    detail = await views.job_detail(session, record)
    types = await views.job_types(session)
    if detail.job_type not in types:
        types = {detail.job_type: detail.job_type, **types}
    return render(
        request,
        "field/job.html",
        {
            "technician": technician,
            "job": detail,
            "types": types,
            "priorities": [(p.value, _(PRIORITY_LABELS[p])) for p in JobPriority],
            "statuses": JobStatus,
            "closed": detail.status in (JobStatus.completed, JobStatus.cancelled),
        },
        headers=NO_STORE,
    )


@router.get("/field/offline", response_class=HTMLResponse)
async def offline(request: Request) -> HTMLResponse:
    """What the service worker shows for a page it has not kept."""
    return render(request, "field/offline.html")


def _static(name: str, media_type: str, headers: dict[str, str] | None = None) -> Response:
    return Response(
        (STATIC / name).read_bytes(),
        media_type=media_type,
        headers={"Cache-Control": "no-cache", **(headers or {})},
    )


@router.get("/field/sw.js")
async def service_worker() -> Response:
    """Served under /field/ but allowed to control `/` so the `/j/` link is covered too."""
    return _static("sw.js", "text/javascript", {"Service-Worker-Allowed": "/"})


@router.get("/field/field.js")
async def field_script() -> Response:
    return _static("field.js", "text/javascript")


@router.get("/field/field.css")
async def field_style() -> Response:
    return _static("field.css", "text/css")


@router.get("/field/manifest.webmanifest")
async def manifest(request: Request) -> Response:
    settings = request.app.state.settings
    body = {
        "name": f"{settings.company_name} — {_('Field')}",
        "short_name": _("Field"),
        "lang": "fr-CA",
        "start_url": "/field/",
        "scope": "/field/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b3d91",
        "icons": [
            {"src": f"/field/icon-{size}.png", "sizes": f"{size}x{size}", "type": "image/png"}
            for size in (192, 512)
        ],
    }
    return Response(
        json.dumps(body, ensure_ascii=False),
        media_type="application/manifest+json",
        headers={"Cache-Control": "no-cache"},
    )


@functools.cache
def _icon(size: int) -> bytes:
    """A plain app icon (brand blue, a white fibre ring) drawn once per size."""
    image = Image.new("RGB", (size, size), "#0b3d91")
    draw = ImageDraw.Draw(image)
    margin, width = size // 4, max(2, size // 12)
    draw.ellipse((margin, margin, size - margin, size - margin), outline="white", width=width)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@router.get("/field/icon-{size}.png")
async def icon(size: int) -> Response:
    if size not in (192, 512):
        return Response(status_code=404)
    return Response(_icon(size), media_type="image/png", headers={"Cache-Control": "max-age=86400"})
