"""Ops "Rapports": revenue, taxes, aging and trial balance, with charts and CSV links."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from gigafibre.billing import ledger, refunds, reports, service
from gigafibre.billing.models import CreditReason, PaymentMode, SalesInvoice
from gigafibre.billing.reports_api import Accounting, period
from gigafibre.core.errors import NotFoundError, ValidationFailedError
from gigafibre.core.i18n import N_
from gigafibre.core.web import SessionDep, render
from gigafibre.customers import service as customers
from gigafibre.customers.models import Customer

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


actions = APIRouter(prefix="/ops/billing", include_in_schema=False)


async def _back_to_customer(session: SessionDep, customer_id: int) -> Response:
    name = await session.scalar(select(Customer.name).where(Customer.id == customer_id))
    return RedirectResponse(f"/ops/clients/{name}#billing", status_code=303)


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


def _amount(raw: str) -> Decimal:
    try:
        return Decimal(raw.replace(",", ".").replace("$", "").strip())
    except InvalidOperation:
        raise ValidationFailedError(
            "Some fields are not valid.", fields={"amount": N_("Enter an amount above zero.")}
        ) from None


@actions.post("/invoices/{name}/payment")
async def record_payment(
    request: Request, session: SessionDep, _staff: Accounting, name: str
) -> Response:
    values = await _form(request)
    try:
        mode = PaymentMode(values.get("mode", ""))
    except ValueError:
        raise ValidationFailedError(
            "Some fields are not valid.", fields={"mode": N_("Choose one of the listed values.")}
        ) from None
    payment = await service.record_payment(
        session,
        invoice_name=name,
        amount=_amount(values.get("amount", "")),
        mode=mode,
        reference=values.get("reference") or None,
    )
    return await _back_to_customer(session, payment.customer_id)


@actions.post("/customers/{customer}/credit")
async def grant_credit(
    request: Request, session: SessionDep, _staff: Accounting, customer: str
) -> Response:
    values = await _form(request)
    found = await customers.get_customer(session, name=customer)
    await service.grant_credit(
        session,
        customer_id=found.id,
        amount=_amount(values.get("amount", "")),
        reason=CreditReason.goodwill,
        note=values.get("note", ""),
    )
    return await _back_to_customer(session, found.id)


@actions.post("/payments/{name}/refund")
async def refund(request: Request, session: SessionDep, staff: Accounting, name: str) -> Response:
    values = await _form(request)
    payment = await refunds.refund_by_staff(
        session, payment_name=name, amount=_amount(values.get("amount", "")), actor=staff.username
    )
    return await _back_to_customer(session, payment.customer_id)


@actions.post("/invoices/{name}/resend")
async def resend(request: Request, session: SessionDep, _staff: Accounting, name: str) -> Response:
    """Email the invoice again (the next emailing pass sends it, PDF attached)."""
    invoice = await session.scalar(select(SalesInvoice).where(SalesInvoice.name == name))
    if invoice is None:
        raise NotFoundError("No invoice is named {name}.", name=name)
    invoice.emailed_at = None
    await session.flush()
    return await _back_to_customer(session, invoice.customer_id)
