"""The books always balance, whatever happens in whatever order (property test)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.billing import cycle, ledger, refunds, service
from gigafibre.billing.models import (
    CreditReason,
    GLEntry,
    PaymentEntry,
    PaymentMode,
    SalesInvoice,
)
from gigafibre.core.db import Database
from gigafibre.core.errors import ValidationFailedError
from tests.billing.conftest import make_customer, make_item, subscribe

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("400"), places=2)
operation = st.one_of(
    st.tuples(st.just("bill"), st.integers(0, 11)),
    st.tuples(st.just("pay"), amounts, st.sampled_from(list(PaymentMode))),
    st.tuples(st.just("credit"), amounts),
    st.tuples(st.just("refund"), amounts),
)


async def apply(session: AsyncSession, customer_id: int, step: tuple[object, ...]) -> None:
    kind = step[0]
    if kind == "bill":
        month = int(step[1])  # type: ignore[call-overload]
        await cycle.run_billing(session, as_of=dt.date(2026, 1 + month, 10))
        return
    if kind == "credit":
        await service.grant_credit(
            session,
            customer_id=customer_id,
            amount=step[1],  # type: ignore[arg-type]
            reason=CreditReason.goodwill,
        )
        return
    if kind == "pay":
        invoice = await session.scalar(
            select(SalesInvoice.name)
            .where(SalesInvoice.customer_id == customer_id)
            .order_by(SalesInvoice.id.desc())
        )
        if invoice:
            await service.record_payment(
                session,
                invoice_name=invoice,
                amount=step[1],  # type: ignore[arg-type]
                mode=step[2],
            )  # type: ignore[arg-type]
        return
    payment = await session.scalar(
        select(PaymentEntry)
        .where(PaymentEntry.customer_id == customer_id)
        .order_by(PaymentEntry.id.desc())
    )
    if payment is not None:
        left = payment.amount - payment.refunded_amount
        try:
            await refunds.refund_payment(
                session, payment_name=payment.name, amount=min(step[1], left)
            )  # type: ignore[type-var]
        except ValidationFailedError:
            assert left == 0


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(steps=st.lists(operation, min_size=1, max_size=12))
async def test_the_ledger_balances_after_any_sequence(
    database: Database, steps: list[tuple[object, ...]]
) -> None:
    async with database.engine.connect() as connection:
        transaction = await connection.begin()
        session = AsyncSession(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        plan = await make_item(session, "P-PROP", "87.35")
        customer = await make_customer(session, billing_day=5)
        await subscribe(session, customer, plan, dt.date(2026, 1, 1))
        for step in steps:
            await apply(session, customer.id, step)
        await session.flush()
        debit, credit = (
            await session.execute(
                select(
                    func.coalesce(func.sum(GLEntry.debit), 0),
                    func.coalesce(func.sum(GLEntry.credit), 0),
                ).where(GLEntry.customer_id == customer.id)
            )
        ).one()
        assert debit == credit
        owed_debit, owed_credit = (
            await session.execute(
                select(
                    func.coalesce(func.sum(GLEntry.debit), 0),
                    func.coalesce(func.sum(GLEntry.credit), 0),
                ).where(GLEntry.customer_id == customer.id, GLEntry.account == ledger.RECEIVABLE)
            )
        ).one()
        receivable = Decimal(owed_debit) - Decimal(owed_credit)
        outstanding = await session.scalar(
            select(func.coalesce(func.sum(SalesInvoice.outstanding_amount), 0)).where(
                SalesInvoice.customer_id == customer.id
            )
        )
        assert receivable == Decimal(outstanding or 0)
        await session.close()
        await transaction.rollback()
