"""`gigafibre serve|worker|migrate|demo|seed|staff`: the one entry point for operators."""

from __future__ import annotations

import asyncio
import signal
from typing import Annotated

import typer
import uvicorn
from sqlalchemy import text

from gigafibre.addresses.cli import addresses_app
from gigafibre.core.db import Database
from gigafibre.core.migrate import upgrade_to_head
from gigafibre.settings import Settings, load_settings
from gigafibre.staff import service as staff_service
from gigafibre.staff.models import Role

app = typer.Typer(
    help="Gigafibre FSM: operations platform of a fibre-to-the-home ISP.", no_args_is_help=True
)
staff_app = typer.Typer(help="Create and list staff accounts.", no_args_is_help=True)
app.add_typer(staff_app, name="staff")
app.add_typer(addresses_app, name="addresses")

DEMO_PASSWORD = "gigafibre-demo"  # noqa: S105 - documented demo credential, development only
DEMO_STAFF = (
    ("admin", "Administratrice Démo", [Role.admin]),
    ("dispatch", "Répartiteur Démo", [Role.dispatch]),
    ("billing", "Facturation Démo", [Role.billing]),
    ("support", "Soutien Démo", [Role.support]),
)


def _settings() -> Settings:
    settings = load_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return settings


async def _ensure_defaults(settings: Settings) -> list[str]:
    from gigafibre.flows.service import ensure_default_templates

    db = Database.from_url(settings.database_url)
    try:
        async with db.unit_of_work() as session:
            return await ensure_default_templates(session)
    finally:
        await db.dispose()


def _migrate(settings: Settings) -> None:
    upgrade_to_head(settings.database_url)
    created = asyncio.run(_ensure_defaults(settings))
    if created:
        typer.echo(f"Default flow templates created: {', '.join(created)}")


@app.command()
def migrate() -> None:
    """Bring the database schema to the latest migration and add missing default data."""
    _migrate(_settings())
    typer.echo("Database is at the latest migration.")


async def _seed(settings: Settings, customers: int, seed: int) -> str:
    from gigafibre.demo.seed import seed_demo

    db = Database.from_url(settings.database_url)
    try:
        async with db.unit_of_work() as session:
            report = await seed_demo(session, customers=customers, seed=seed)
        if db.engine.dialect.name == "postgresql":
            # Fresh statistics now, not whenever autovacuum comes (never, where it is off):
            # without them the planner walks every customer by name for each search.
            async with db.engine.connect() as connection:
                await connection.execution_options(isolation_level="AUTOCOMMIT")
                await connection.execute(text("ANALYZE"))
    finally:
        await db.dispose()
    return str(report)


@app.command()
def seed(
    customers: Annotated[int, typer.Option(help="How many customers to create.", min=1)] = 2000,
    random_seed: Annotated[int, typer.Option("--seed", help="Same seed, same data.")] = 42,
) -> None:
    """Fill an empty database with a deterministic, realistic Quebec fibre ISP."""
    from gigafibre.demo.seed import SeedError

    settings = _settings()
    try:
        typer.echo(asyncio.run(_seed(settings, customers, random_seed)))
    except SeedError as error:
        raise typer.BadParameter(str(error)) from error


async def _ensure_demo_staff(settings: Settings) -> list[str]:
    db = Database.from_url(settings.database_url)
    created: list[str] = []
    try:
        async with db.unit_of_work() as session:
            existing = {staff.username for staff in await staff_service.list_staff(session)}
            for username, full_name, roles in DEMO_STAFF:
                if username not in existing:
                    await staff_service.create_staff(
                        session,
                        username=username,
                        password=DEMO_PASSWORD,
                        roles=roles,
                        full_name=full_name,
                    )
                    created.append(username)
    finally:
        await db.dispose()
    return created


async def _customer_count(settings: Settings) -> int:
    from sqlalchemy import func, select

    from gigafibre.customers.models import Customer

    db = Database.from_url(settings.database_url)
    try:
        async with db.unit_of_work(write=False) as session:
            return int(await session.scalar(select(func.count()).select_from(Customer)) or 0)
    finally:
        await db.dispose()


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.", min=1)] = 1,
) -> None:
    """Serve the web app and API."""
    settings = _settings()
    uvicorn.run(
        "gigafibre.asgi:app",
        host=host,
        port=port,
        workers=workers,
        log_config=None,
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=",".join(settings.trusted_proxies) or None,
    )


@app.command()
def demo(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Migrate, seed the demo data once, create demo staff accounts, and serve."""
    settings = _settings()
    if settings.is_production:
        raise typer.BadParameter("The demo refuses to run with GF_ENV=production.")
    _migrate(settings)
    if asyncio.run(_customer_count(settings)) == 0:
        typer.echo("Seeding the demo data (about a minute)…")
        typer.echo(asyncio.run(_seed(settings, 2000, 42)))
    created = asyncio.run(_ensure_demo_staff(settings))
    if created:
        typer.echo(f"Demo staff accounts created: {', '.join(created)}")
    typer.echo(
        f"Sign in at http://{host}:{port}/login as admin, dispatch, billing or support, "
        f"password {DEMO_PASSWORD}"
    )
    serve(host=host, port=port, workers=1)


async def _run_worker(settings: Settings, once: bool) -> None:
    from gigafibre.runtime import build_runtime

    db = Database.from_url(settings.database_url)
    worker = build_runtime(settings, db).worker
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        if once:
            await worker.run_once()
        else:
            await worker.run_forever(stop)
    finally:
        await db.dispose()


@app.command()
def worker(
    once: Annotated[bool, typer.Option(help="Run one cycle and stop.")] = False,
) -> None:
    """Run the background jobs: outbox, scheduled jobs, stale events."""
    from gigafibre.core.observability import configure_logging

    settings = _settings()
    configure_logging(level=settings.log_level, json=settings.log_json)
    asyncio.run(_run_worker(settings, once))


async def _create_staff(
    settings: Settings,
    username: str,
    password: str | None,
    roles: list[str],
    full_name: str,
    email: str | None,
) -> None:
    db = Database.from_url(settings.database_url)
    try:
        async with db.unit_of_work() as session:
            await staff_service.create_staff(
                session,
                username=username,
                password=password,
                roles=roles,
                full_name=full_name,
                email=email,
            )
    finally:
        await db.dispose()


@staff_app.command("create")
def staff_create(
    username: str,
    role: Annotated[
        list[str], typer.Option("--role", help="admin, dispatch, billing, support, tech")
    ],
    full_name: Annotated[str, typer.Option(help="Name shown in the app.")] = "",
    email: Annotated[str | None, typer.Option(help="Email address.")] = None,
    password: Annotated[
        str | None,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            help="At least 10 characters; prompted when not given.",
        ),
    ] = None,
) -> None:
    """Create a local staff account (argon2-hashed password)."""
    from gigafibre.core.errors import DomainError
    from gigafibre.core.i18n import current_language

    current_language.set("en")
    settings = _settings()
    try:
        asyncio.run(_create_staff(settings, username, password, role, full_name, email))
    except DomainError as error:
        rendered = error.render()
        details = "; ".join(f"{key}: {text}" for key, text in rendered["fields"].items())
        raise typer.BadParameter(f"{rendered['message']} {details}".strip()) from error
    typer.echo(f"Staff account {username.lower()} created.")


async def _list_staff(settings: Settings) -> list[str]:
    db = Database.from_url(settings.database_url)
    try:
        async with db.unit_of_work(write=False) as session:
            return [
                f"{staff.username:<20} {','.join(staff.roles):<30} "
                f"{'active' if staff.active else 'disabled':<9} "
                f"{'local' if staff.password_hash else 'authentik'}"
                for staff in await staff_service.list_staff(session)
            ]
    finally:
        await db.dispose()


@staff_app.command("list")
def staff_list() -> None:
    """List staff accounts with their roles."""
    for line in asyncio.run(_list_staff(_settings())):
        typer.echo(line)
