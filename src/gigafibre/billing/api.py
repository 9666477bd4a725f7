"""Billing operations for staff: runs, credits, payments received by hand, refunds."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.responses import Response
from sqlalchemy import select

from gigafibre.billing import cycle, refunds, schemas, service
from gigafibre.billing.invoice_pdf import render_invoice_pdf
from gigafibre.billing.models import PaymentEntry, SalesInvoice
from gigafibre.core.web import SessionDep
from gigafibre.customers import service as customers
from gigafibre.staff.auth import require_staff
from gigafibre.staff.models import Role
from gigafibre.staff.service import StaffIdentity

router = APIRouter(prefix="/billing", tags=["billing"])
Billing = Annotated[StaffIdentity, Depends(require_staff(Role.billing))]


def _payment_public(payment: PaymentEntry, invoice: str | None) -> schemas.PaymentPublic:
    return schemas.PaymentPublic(
        name=payment.name,
        invoice=invoice,
        amount=payment.amount,
        refunded_amount=payment.refunded_amount,
        mode=payment.mode,
        posting_date=payment.posting_date,
    )


Reader = Annotated[StaffIdentity, Depends(require_staff(Role.billing, Role.support))]


def company_of(request: Request) -> service.Company:
    return service.Company.of(request.app.state.settings)


@router.get(
    "/invoices/{name}.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
async def invoice_pdf(
    request: Request,
    session: SessionDep,
    _staff: Reader,
    name: str,
    lang: Annotated[Literal["fr", "en"] | None, Query()] = None,
) -> Response:
    """The invoice as a PDF, in the customer's language (or `lang`)."""
    view = await service.invoice_view(
        session, name=name, company=company_of(request), language=lang
    )
    return Response(
        render_invoice_pdf(view),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{view.name}.pdf"'},
    )


@router.post("/run", response_model=schemas.BillingRunPublic)
async def billing_run(
    session: SessionDep, _staff: Billing, data: schemas.BillingRunRequest
) -> schemas.BillingRunPublic:
    """Invoice every customer whose current period is not invoiced yet; safe to run twice."""
    result = await cycle.run_billing(session, as_of=data.as_of or dt.date.today())
    return schemas.BillingRunPublic(
        invoices=result.invoices,
        already_billed=result.already_billed,
        credits_applied=result.credits_applied,
    )


@router.post("/credits", response_model=schemas.CreditPublic, status_code=status.HTTP_201_CREATED)
async def grant_credit(
    session: SessionDep, _staff: Billing, data: schemas.CreditInput
) -> schemas.CreditPublic:
    customer = await customers.get_customer(session, name=data.customer)
    credit = await service.grant_credit(
        session,
        customer_id=customer.id,
        amount=data.amount,
        reason=data.reason,
        note=data.note,
    )
    return schemas.CreditPublic(
        name=credit.name, amount=credit.amount, remaining=credit.remaining, reason=credit.reason
    )


@router.post("/payments", response_model=schemas.PaymentPublic, status_code=status.HTTP_201_CREATED)
async def record_payment(
    session: SessionDep, _staff: Billing, data: schemas.PaymentInput
) -> schemas.PaymentPublic:
    """A payment received outside the card gateway (Interac, cheque, cash)."""
    payment = await service.record_payment(
        session,
        invoice_name=data.invoice,
        amount=data.amount,
        mode=data.mode,
        reference=data.reference,
    )
    return _payment_public(payment, data.invoice)


@router.post("/payments/{name}/refund", response_model=schemas.PaymentPublic)
async def refund_payment(
    session: SessionDep, staff: Billing, name: str, data: schemas.RefundInput
) -> schemas.PaymentPublic:
    """Book a refund; a card payment is refunded at the provider through the outbox."""
    payment = await refunds.refund_by_staff(
        session, payment_name=name, amount=data.amount, actor=staff.username
    )
    invoice = None
    if payment.invoice_id is not None:
        invoice = await session.scalar(
            select(SalesInvoice.name).where(SalesInvoice.id == payment.invoice_id)
        )
    return _payment_public(payment, invoice)


@router.post("/subscriptions/{name}/cancel", status_code=status.HTTP_204_NO_CONTENT)
async def cancel_subscription(
    session: SessionDep, _staff: Billing, name: str, data: schemas.CancelInput
) -> None:
    """End a subscription; invoiced days after the end come back as a credit."""
    await service.cancel_subscription(session, name=name, end_date=data.end_date)
