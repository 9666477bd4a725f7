"""`/reports*`: the financial reports as JSON, or CSV with `?format=csv`."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from gigafibre.billing import reports
from gigafibre.core.errors import ValidationFailedError
from gigafibre.core.i18n import N_
from gigafibre.core.web import SessionDep
from gigafibre.staff.auth import require_staff
from gigafibre.staff.models import Role
from gigafibre.staff.service import StaffIdentity

router = APIRouter(prefix="/reports", tags=["reports"])
Accounting = Annotated[StaffIdentity, Depends(require_staff(Role.billing))]
Format = Annotated[Literal["json", "csv"], Query()]


def period(start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date]:
    today = dt.date.today()
    start = start or today.replace(day=1) - dt.timedelta(days=365)
    end = end or today
    if end < start:
        raise ValidationFailedError(
            "Some fields are not valid.", fields={"end": N_("The end comes before the start.")}
        )
    return start, end


def csv_response(name: str, text: str) -> Response:
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


@router.get("/revenue", response_model=None)
async def revenue(
    session: SessionDep,
    _staff: Accounting,
    start: dt.date | None = None,
    end: dt.date | None = None,
    format: Format = "json",
) -> Response | list[dict[str, Any]]:
    """Revenue by month and plan, from the ledger."""
    begin, finish = period(start, end)
    rows = await reports.revenue_by_month(session, start=begin, end=finish)
    if format == "csv":
        return csv_response(
            "revenue",
            reports.to_csv(
                ("month", "item", "amount"), ((r.month, r.item_code, r.amount) for r in rows)
            ),
        )
    return [asdict(r) for r in rows]


@router.get("/taxes", response_model=None)
async def taxes(
    session: SessionDep,
    _staff: Accounting,
    start: dt.date | None = None,
    end: dt.date | None = None,
    format: Format = "json",
) -> Response | dict[str, Any]:
    """GST and QST collected in a filing period, with the taxable sales."""
    begin, finish = period(start, end)
    report = await reports.taxes_collected(session, start=begin, end=finish)
    if format == "csv":
        return csv_response(
            "taxes",
            reports.to_csv(
                ("start", "end", "taxable_sales", "gst", "qst"),
                [
                    (
                        report.start,
                        report.end,
                        report.taxable_sales,
                        report.gst_collected,
                        report.qst_collected,
                    )
                ],
            ),
        )
    return asdict(report)


@router.get("/aging", response_model=None)
async def aging(
    session: SessionDep,
    _staff: Accounting,
    as_of: dt.date | None = None,
    format: Format = "json",
) -> Response | dict[str, Any]:
    """What customers owe, by how late it is: current, 1-30, 31-60, 61-90, 90+ days."""
    rows = await reports.receivable_aging(session, as_of=as_of or dt.date.today())
    if format == "csv":
        return csv_response(
            "aging",
            reports.to_csv(
                ("customer", "customer_name", *reports.AGING_BUCKETS, "total"),
                ((r.customer, r.customer_name, *r.buckets.values(), r.total) for r in rows),
            ),
        )
    return {
        "totals": reports.aging_totals(rows),
        "customers": [{**asdict(r), "total": r.total} for r in rows],
    }


@router.get("/trial-balance", response_model=None)
async def trial_balance(
    session: SessionDep,
    _staff: Accounting,
    as_of: dt.date | None = None,
    format: Format = "json",
) -> Response | list[dict[str, Any]]:
    """Debits, credits and balance per account; the two columns always add up the same."""
    rows = await reports.trial_balance(session, as_of=as_of or dt.date.today())
    if format == "csv":
        return csv_response(
            "trial-balance",
            reports.to_csv(
                ("account", "debit", "credit", "balance"),
                ((r.account, r.debit, r.credit, r.balance) for r in rows),
            ),
        )
    return [{**asdict(r), "balance": r.balance} for r in rows]
