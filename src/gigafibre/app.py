"""create_app(settings): builds the app, its shared state, and mounts each module's routers."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from starlette.exceptions import HTTPException as StarletteHTTPException

from gigafibre.addresses import routes as addresses_routes
from gigafibre.billing import api as billing_api
from gigafibre.billing import pages as billing_pages
from gigafibre.billing import payments_api, reports_api
from gigafibre.billing.payments_webhook import gateway_factory
from gigafibre.conversations import routes as conversations_routes
from gigafibre.core import errors
from gigafibre.core.db import Database
from gigafibre.core.events import Event
from gigafibre.core.i18n import N_, gettext
from gigafibre.core.migrate import current_revision, head_revision
from gigafibre.core.observability import Metrics, RequestContextMiddleware, configure_logging
from gigafibre.core.ratelimit import RateLimiter
from gigafibre.core.realtime import build_broker
from gigafibre.core.web import PACKAGE_DIR, build_templates, render
from gigafibre.customers import api as customers_api
from gigafibre.customers import pages as customers_pages
from gigafibre.devices import routes as devices_routes
from gigafibre.dispatch import routes as dispatch_routes
from gigafibre.field import routes as field_routes
from gigafibre.flows import api as flows_api
from gigafibre.flows import pages as flows_pages
from gigafibre.gps import routes as gps_routes
from gigafibre.live import api as live_api
from gigafibre.network import routes as network_routes
from gigafibre.notify import api as notify_api
from gigafibre.notify import pages as notify_pages
from gigafibre.ops import pages as ops_pages
from gigafibre.portal import card as portal_card
from gigafibre.portal import pages as portal_pages
from gigafibre.runtime import build_runtime
from gigafibre.settings import Settings, load_settings
from gigafibre.signup import routes as signup_routes
from gigafibre.staff import api as staff_api
from gigafibre.staff import pages as staff_pages
from gigafibre.staff.auth import identity_cache
from gigafibre.staff.models import Role
from gigafibre.vision import api as vision_api
from gigafibre.vision import pages as vision_pages
from gigafibre.vision.providers import build_vision_provider


@dataclass(frozen=True)
class NavEntry:
    """One entry of the ops navigation (spec §2.1); only modules that exist get one."""

    key: str
    label: str  # English msgid, translated when rendered
    href: str
    icon: str
    roles: tuple[Role, ...]


NAVIGATION = (
    NavEntry("home", N_("Home"), "/ops/", "bi-speedometer2", ()),
    NavEntry(
        "clients",
        N_("Clients"),
        "/ops/clients",
        "bi-people",
        (Role.support, Role.billing, Role.dispatch),
    ),
    NavEntry("dispatch", N_("Dispatch"), "/ops/dispatch", "bi-truck", (Role.dispatch,)),
    NavEntry(
        "flows",
        N_("Agent Flows"),
        "/ops/flows",
        "bi-diagram-3",
        (Role.support, Role.billing, Role.dispatch),
    ),
    NavEntry(
        "outbox",
        N_("Outbox"),
        "/ops/outbox",
        "bi-send",
        (Role.support, Role.dispatch, Role.billing),
    ),
    NavEntry("network", N_("Network"), "/ops/network", "bi-router", (Role.support, Role.dispatch)),
    NavEntry(
        "tickets",
        N_("Tickets"),
        "/ops/tickets",
        "bi-inbox",
        (Role.support, Role.dispatch, Role.billing),
    ),
    NavEntry(
        "telephony",
        N_("Telephony"),
        "/ops/telephony",
        "bi-telephone",
        (Role.support, Role.dispatch, Role.billing),
    ),
    NavEntry("reports", N_("Reports"), "/ops/reports", "bi-graph-up", (Role.billing,)),
    NavEntry(
        "ocr",
        N_("OCR"),
        "/ops/ocr",
        "bi-upc-scan",
        (Role.support, Role.dispatch, Role.tech, Role.billing),
    ),
)


def _wants_html(request: Request) -> bool:
    path = request.url.path
    if path.startswith(("/api/", "/healthz", "/readyz", "/metrics")):
        return False
    return "text/html" in request.headers.get("accept", "")


async def _render_error(request: Request, error: Exception) -> Response:
    if isinstance(error, RequestValidationError):
        return await errors.validation_error_handler(request, error)
    if not _wants_html(request):
        if isinstance(error, errors.DomainError):
            return await errors.domain_error_handler(request, error)
        return await errors.http_error_handler(request, error)
    if isinstance(error, errors.AuthenticationRequiredError):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if request.headers.get("hx-request"):
            return Response(status_code=401, headers={"HX-Redirect": "/login"})
        return RedirectResponse(f"/login?next={target}", status_code=303)
    if isinstance(error, errors.DomainError):
        status, message = error.status_code, error.render()["message"]
    else:
        assert isinstance(error, StarletteHTTPException)
        status = error.status_code
        message = gettext(errors.HTTP_MESSAGES.get(status, ("", str(error.detail)))[1])
    return render(request, "error.html", {"status": status, "message": message}, status_code=status)


def create_app(settings: Settings | None = None, *, database: Database | None = None) -> FastAPI:
    settings = settings or load_settings()
    configure_logging(level=settings.log_level, json=settings.log_json)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        stop = asyncio.Event()
        await app.state.broker.start()
        background = None
        if settings.run_workers_in_serve:
            background = asyncio.create_task(app.state.runtime.worker.run_forever(stop))
        # Start-up objects (routes, templates, mappers) live as long as the process: out of the
        # collector's sight, full collections stay short and requests do not stall behind them.
        gc.collect()
        gc.freeze()
        yield
        stop.set()
        if background is not None:
            await background
        await app.state.broker.close()
        if database is None:
            await app.state.db.dispose()

    app = FastAPI(
        title="Gigafibre FSM",
        version="0.1.0",
        description="Operations platform of a fibre-to-the-home ISP.",
        lifespan=lifespan,
    )
    metrics = Metrics()
    app.state.settings = settings
    app.state.db = database or Database.from_url(
        settings.database_url, echo=settings.database_echo, pool_size=settings.database_pool_size
    )
    app.state.runtime = build_runtime(settings, app.state.db)
    app.state.broker = build_broker(settings, stream=settings.realtime_stream_key)

    async def publish_live(event: Event) -> None:
        """Committed events to their SSE topics, through whichever broker the app holds now."""
        await live_api.domain_event_subscriber(app.state.broker)(event)

    app.state.runtime.bus.subscribe(publish_live)
    app.state.payment_gateways = gateway_factory(settings)
    app.state.templates = build_templates()
    app.state.metrics = metrics
    app.state.rate_limiter = RateLimiter(
        f"async+{settings.redis_url}" if settings.realtime_broker == "redis" else "memory://"
    )
    app.state.trusted_networks = settings.trusted_proxy_networks
    app.state.identity_cache = identity_cache()
    app.state.navigation = NAVIGATION
    app.state.vision = build_vision_provider(settings)

    app.add_middleware(
        RequestContextMiddleware, metrics=metrics, default_language=settings.default_language
    )
    app.add_exception_handler(errors.DomainError, _render_error)
    app.add_exception_handler(RequestValidationError, _render_error)
    app.add_exception_handler(StarletteHTTPException, _render_error)

    app.mount("/static", StaticFiles(directory=PACKAGE_DIR / "web" / "static"), name="static")
    for router in (
        staff_pages.router,
        staff_api.router,
        customers_api.router,
        customers_pages.router,
        ops_pages.router,
        flows_api.router,
        flows_pages.router,
        notify_api.router,
        notify_pages.router,
        live_api.build_router(ping_interval=settings.sse_ping_seconds),
        vision_api.router,
        vision_pages.router,
        billing_api.router,
        reports_api.router,
        billing_pages.router,
        billing_pages.actions,
        payments_api.router,
        payments_api.pages,
        portal_pages.router,
        portal_card.router,
        *dispatch_routes.ROUTERS,
        *field_routes.ROUTERS,
        *conversations_routes.ROUTERS,
        *devices_routes.ROUTERS,
        *network_routes.ROUTERS,
        *addresses_routes.ROUTERS,
        *signup_routes.ROUTERS,
        *gps_routes.ROUTERS,
    ):
        app.include_router(router)
    _add_operational_routes(app)
    return app


def _add_operational_routes(app: FastAPI) -> None:
    @app.get("/healthz", tags=["operations"])
    async def healthz() -> dict[str, str]:
        """The process answers."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["operations"], response_model=None)
    async def readyz(request: Request) -> dict[str, Any] | JSONResponse:
        """The database answers and its schema is at the latest migration."""
        db: Database = request.app.state.db
        try:
            async with db.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
            current = await current_revision(db.engine)
        except Exception as error:
            return JSONResponse(
                {"status": "unavailable", "database": type(error).__name__}, status_code=503
            )
        head = head_revision(request.app.state.settings.database_url)
        body = {"status": "ok", "database": "ok", "migration": current, "head": head}
        if current != head:
            body["status"] = "migrations_pending"
            return JSONResponse(body, status_code=503)
        return body

    @app.get("/metrics", tags=["operations"], response_class=PlainTextResponse)
    async def metrics(request: Request) -> Response:
        """Prometheus metrics of this process."""
        registry = request.app.state.metrics.registry
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
