"""Ops "Rapports": revenue, taxes, aging and trial balance, with charts and CSV links."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from decimal import Decimal

from fastapi import APIRouter, Request
from fastapi.responses import Response

from gigafibre.billing import ledger, reports
from gigafibre.billing.reports_api import Accounting, period
from gigafibre.core.web import SessionDep, render

router = APIRouter(prefix="/ops/reports", include_in_schema=False)


def account_label(account: str) -> str:
    base, _sep, item = account.partition(":")
    return f"{ledger.ACCOUNT_NAMES.get(base, base)}{' · ' + item if item else ''}"


@router.get("")
async def reports_page(
    request: Request,
    session: SessionDep,
    _staff: Accounting,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Response:
    begin, finish = period(start, end)
    revenue = await reports.revenue_by_month(session, start=begin, end=finish)
    taxes = await reports.taxes_collected(session, start=begin, end=finish)
    aging = await reports.receivable_aging(session, as_of=finish)
    balance = await reports.trial_balance(session, as_of=finish)
    months = sorted({row.month for row in revenue})
    by_plan: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for row in revenue:
        by_plan[row.item_code][row.month] = row.amount
    chart = {
        "labels": months,
        "datasets": [
            {"label": code, "data": [float(values.get(m, 0)) for m in months]}
            for code, values in sorted(by_plan.items())
        ],
    }
    return render(
        request,
        "billing/reports.html",
        {
            "active": "reports",
            "start": begin,
            "end": finish,
            "revenue": revenue,
            "chart": json.dumps(chart),
            "taxes": taxes,
            "aging": aging[:50],
            "aging_count": len(aging),
            "aging_totals": reports.aging_totals(aging),
            "buckets": reports.AGING_BUCKETS,
            "balance": balance,
            "balance_debit": sum((r.debit for r in balance), Decimal(0)),
            "balance_credit": sum((r.credit for r in balance), Decimal(0)),
            "account_label": account_label,
            "revenue_total": sum((r.amount for r in revenue), Decimal(0)),
        },
    )
