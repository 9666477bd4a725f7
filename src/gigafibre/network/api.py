"""JSON API of the network: OLTs, PON ports, outages, and Uptime Kuma's webhook."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, status

from gigafibre.core.db import Database
from gigafibre.core.errors import ForbiddenError
from gigafibre.core.web import SessionDep
from gigafibre.network import outages, schemas, service
from gigafibre.staff.auth import require_staff
from gigafibre.staff.models import Role
from gigafibre.staff.service import StaffIdentity

router = APIRouter(tags=["network"])
READERS = (Role.support, Role.dispatch)
Reader = Annotated[StaffIdentity, Depends(require_staff(*READERS))]
Admin = Annotated[StaffIdentity, Depends(require_staff(Role.admin))]
TOKEN_HEADER = "x-gigafibre-token"  # noqa: S105 - a header name, not a secret


def _olt_public(view: service.OltView) -> schemas.OltPublic:
    olt = view.olt
    return schemas.OltPublic(
        name=olt.name,
        vendor=olt.vendor,
        host=olt.host,
        location=olt.location,
        active=olt.active,
        last_polled_at=olt.last_polled_at,
        last_poll_error=olt.last_poll_error,
        online=view.online,
        offline=view.offline,
        ports=[
            schemas.PonPortPublic(
                name=port.name,
                online=port.online,
                offline=port.offline,
                rx_histogram={
                    label: count
                    for (label, _limit), count in zip(service.RX_BINS, port.histogram, strict=True)
                },
            )
            for port in view.ports
        ],
    )


@router.get("/olt", response_model=list[schemas.OltPublic])
async def list_olts(session: SessionDep, _staff: Reader) -> list[schemas.OltPublic]:
    """Every OLT with ONUs online/offline per PON port and the Rx power histogram."""
    return [_olt_public(view) for view in await service.network_overview(session)]


@router.post("/olt", response_model=schemas.OltPublic, status_code=status.HTTP_201_CREATED)
async def create_olt(
    session: SessionDep, _admin: Admin, data: schemas.OltInput
) -> schemas.OltPublic:
    """Register an OLT; the next poll cycle discovers its PON ports and ONUs."""
    olt = await service.create_olt(session, data)
    return _olt_public(service.OltView(olt, []))


@router.get("/olt/outages", response_model=list[schemas.OutagePublic])
async def list_outages(
    session: SessionDep,
    _staff: Reader,
    days: Annotated[int, Query(ge=1, le=90)] = 7,
) -> list[schemas.OutagePublic]:
    """Open outages, then those closed in the last `days`, with the customers they cut off."""
    found = await service.recent_outages(session, days=days)
    customers = await service.outage_customers(session, [o.id for o in found])
    return [
        schemas.OutagePublic(
            name=o.name,
            scope=o.scope.value,
            source=o.source.value,
            olt=o.olt.name,
            pon_port=o.pon_port.name if o.pon_port else "",
            cause=o.cause,
            opened_at=o.opened_at,
            closed_at=o.closed_at,
            customers=[
                schemas.AffectedCustomer(customer=n, customer_name=cn, address=a)
                for n, cn, a in customers.get(o.id, [])
            ],
        )
        for o in found
    ]


@router.post("/olt/outages/{name}/close", response_model=schemas.OutageClosed)
async def close_outage(session: SessionDep, staff: Reader, name: str) -> schemas.OutageClosed:
    """Close an open outage by hand; affected customers hear that service is back."""
    outage = await service.close_outage_by_hand(session, name, actor=staff.username)
    return schemas.OutageClosed(name=outage.name, closed_at=outage.closed_at)


@router.get("/olt/{name}/readings", response_model=list[schemas.PonPortReadingPublic])
async def port_readings(
    session: SessionDep,
    _staff: Reader,
    name: str,
    port: Annotated[str, Query(max_length=20, description="PON port, e.g. 0/1/3")],
    hours: Annotated[int, Query(ge=1, le=24 * 30)] = 24,
) -> list[schemas.PonPortReadingPublic]:
    """A PON port's ONUs online/offline and light (average, weakest Rx) per poll."""
    readings = await service.port_readings(session, name, port, hours=hours)
    return [schemas.PonPortReadingPublic.model_validate(reading) for reading in readings]


@router.get("/olt/{name}", response_model=schemas.OltPublic)
async def get_olt(session: SessionDep, _staff: Reader, name: str) -> schemas.OltPublic:
    return _olt_public(await service.get_olt(session, name))


@router.post("/webhook/kuma", response_model=schemas.KumaReceipt)
async def kuma_webhook(
    request: Request,
    notification: schemas.KumaNotification,
    token: Annotated[str, Query(max_length=200)] = "",
) -> schemas.KumaReceipt:
    """Uptime Kuma's notification; the shared token (header or `?token=`) is checked first."""
    expected = request.app.state.settings.kuma_webhook_token
    given = request.headers.get(TOKEN_HEADER) or token
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        raise ForbiddenError("The webhook token is missing or wrong.")
    db: Database = request.app.state.db
    async with db.unit_of_work() as session:
        outcome = await outages.record_kuma_heartbeat(
            session, notification.heartbeat, notification.monitor
        )
    return schemas.KumaReceipt(action=outcome.action, outage=outcome.outage)
