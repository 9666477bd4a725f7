"""Pre-authorised payments (PPA): charge the saved card when an invoice falls due.

Attempt n of an invoice is charged with the idempotency key `ppa-<invoice>-<n>` and recorded
under a unique (invoice, attempt): if the job dies after the provider charged, the next run
sends the same key and gets the same PaymentIntent back, never a second charge. A declined
attempt is retried 1, 3 and 7 days later, and each decline is told to the customer by SMS and
email (through the outbox). Outcomes arrive either in the provider's answer or by webhook,
whichever comes first; the second is a no-op.

The job holds its transaction while it calls the provider, so a run takes at most `limit`
invoices and stops at the first "try later" answer; the scheduler's next run carries on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal

import structlog
from babel import dates, numbers
from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.billing import service
from gigafibre.billing.gateway import (
    ChargeRequest,
    ChargeStatus,
    GatewayFactory,
    PaymentGateway,
    PaymentGatewayError,
    RetriablePaymentError,
    cents,
)
from gigafibre.billing.models import PaymentMode, SalesInvoice
from gigafibre.billing.payment_models import AttemptStatus, PaymentAccount, PaymentAttempt
from gigafibre.billing.payments import (
    DUPLICATE,
    IGNORED,
    PROCESSED,
    local_today,
    note,
    record_card_payment,
)
from gigafibre.core.events import emit
from gigafibre.core.i18n import LOCALES
from gigafibre.core.outbox import enqueue
from gigafibre.customers.models import Customer
from gigafibre.settings import Settings

log = structlog.get_logger("gigafibre.ppa")
RETRY_DELAYS = (dt.timedelta(days=1), dt.timedelta(days=3), dt.timedelta(days=7))
BATCH = 200
COMPANY: str = Settings.model_fields["company_name"].default
# Our own words for the customer (no notify template fits), rendered in their language.
MESSAGES = {
    "fr": {
        "subject": "Paiement refusé : facture {invoice}",
        "greeting": "Bonjour {name},",
        "retry": "{company} : le prélèvement automatique de {amount} pour la facture {invoice} "
        "a été refusé. Nous réessaierons le {date}. Vous pouvez mettre à jour votre carte "
        "dans votre espace client.",
        "final": "{company} : le prélèvement automatique de {amount} pour la facture {invoice} "
        "a été refusé. Veuillez payer la facture ou mettre à jour votre carte dans votre "
        "espace client.",
    },
    "en": {
        "subject": "Payment declined: invoice {invoice}",
        "greeting": "Hello {name},",
        "retry": "{company}: the pre-authorised payment of {amount} for invoice {invoice} was "
        "declined. We will try again on {date}. You can update your card in your customer "
        "account.",
        "final": "{company}: the pre-authorised payment of {amount} for invoice {invoice} was "
        "declined. Please pay the invoice or update your card in your customer account.",
    },
}
PLAIN = str.maketrans({"\u00a0": " ", "\u202f": " "})  # keep SMS in the GSM-7 alphabet


@dataclass
class PpaRun:
    charged: int = 0
    failed: int = 0
    pending: int = 0
    deferred: bool = False  # the provider asked us to try later; the next run carries on


def ppa_job(gateways: GatewayFactory) -> Callable[[AsyncSession], Awaitable[None]]:
    """The scheduler's job: today's PPA run with the provider chosen by settings."""

    async def run(session: AsyncSession) -> None:
        result = await charge_due_invoices(session, today=local_today(), gateway=gateways(session))
        log.info("ppa.run", **vars(result))

    return run


async def charge_due_invoices(
    session: AsyncSession, *, today: dt.date, gateway: PaymentGateway, limit: int = BATCH
) -> PpaRun:
    """Charge open invoices due by `today` whose customer has a card on file.

    Skipped: invoices with an attempt still pending or already successful, and invoices whose
    last decline's retry date has not come (or that have no retry left).
    """
    latest = (
        select(func.coalesce(func.max(PaymentAttempt.attempt), 0))
        .where(PaymentAttempt.invoice_id == SalesInvoice.id)
        .correlate(SalesInvoice)
        .scalar_subquery()
    )
    waiting = exists().where(
        PaymentAttempt.invoice_id == SalesInvoice.id,
        or_(
            PaymentAttempt.status.in_((AttemptStatus.pending, AttemptStatus.succeeded)),
            and_(
                PaymentAttempt.status == AttemptStatus.failed,
                or_(PaymentAttempt.next_retry_on.is_(None), PaymentAttempt.next_retry_on > today),
            ),
        ),
    )
    rows = (
        await session.execute(
            select(SalesInvoice, PaymentAccount, Customer.name, latest)
            .join(Customer, Customer.id == SalesInvoice.customer_id)
            .join(
                PaymentAccount,
                and_(
                    PaymentAccount.customer_id == SalesInvoice.customer_id,
                    PaymentAccount.provider == gateway.provider,
                ),
            )
            .where(
                SalesInvoice.status.in_(service.OPEN_STATUSES),
                SalesInvoice.due_date <= today,
                SalesInvoice.outstanding_amount > 0,
                PaymentAccount.payment_method_id.is_not(None),
                PaymentAccount.ppa_enabled.is_(True),
                ~waiting,
            )
            .order_by(SalesInvoice.due_date, SalesInvoice.id)
            .limit(limit)
        )
    ).all()
    run = PpaRun()
    for invoice, account, customer_name, last_attempt in rows:
        try:
            outcome = await _charge(
                session, gateway, invoice, account, customer_name, int(last_attempt) + 1, today
            )
        except RetriablePaymentError as error:
            log.warning("ppa.deferred", invoice=invoice.name, error=str(error))
            run.deferred = True
            break
        setattr(run, outcome, getattr(run, outcome) + 1)
    await session.flush()
    return run


async def _charge(
    session: AsyncSession,
    gateway: PaymentGateway,
    invoice: SalesInvoice,
    account: PaymentAccount,
    customer_name: str,
    attempt: int,
    today: dt.date,
) -> str:
    """One off-session charge; returns which `PpaRun` counter it adds to."""
    amount = invoice.outstanding_amount
    assert account.payment_method_id is not None
    request = ChargeRequest(
        invoice=invoice.name,
        customer=customer_name,
        attempt=attempt,
        amount=amount,
        provider_customer=account.provider_customer_id,
        payment_method=account.payment_method_id,
        idempotency_key=f"ppa-{invoice.name}-{attempt}-{cents(amount)}",
    )
    row, _open = await _attempt(session, invoice, attempt, amount)
    row.charged_on = today  # retries count from here, whichever path reports the outcome
    await session.flush()
    try:
        result = await gateway.charge_off_session(request)
    except RetriablePaymentError:  # outcome unknown: the next run sends the same key again
        await session.delete(row)
        await session.flush()
        raise
    except PaymentGatewayError as error:  # declined, authentication needed, card gone
        intent, code = getattr(error, "payment_intent", None) or "", error.code or "declined"
    else:
        if result.status is ChargeStatus.succeeded:
            await ppa_attempt_succeeded(
                session,
                invoice_name=invoice.name,
                attempt=attempt,
                amount=amount,
                payment_intent=result.payment_intent,
                on=today,
            )
            return "charged"
        if result.status is ChargeStatus.processing:
            row.payment_intent_id = result.payment_intent
            return "pending"
        intent, code = result.payment_intent, "authentication_required"
    await ppa_attempt_failed(
        session,
        invoice_name=invoice.name,
        attempt=attempt,
        amount=amount,
        payment_intent=intent,
        code=code,
        on=today,
    )
    return "failed"


async def _attempt(
    session: AsyncSession, invoice: SalesInvoice, attempt: int, amount: Decimal
) -> tuple[PaymentAttempt, bool]:
    """The attempt's row, created if new; True while its outcome is still unknown."""
    query = select(PaymentAttempt).where(
        PaymentAttempt.invoice_id == invoice.id, PaymentAttempt.attempt == attempt
    )
    row = await session.scalar(query)
    if row is None:
        row = PaymentAttempt(invoice_id=invoice.id, attempt=attempt, amount=amount)
        try:
            async with session.begin_nested():
                session.add(row)
        except IntegrityError:  # the provider's answer and its webhook, at the same moment
            row = await session.scalar(query)
            assert row is not None
    return row, row.status is AttemptStatus.pending


async def ppa_attempt_succeeded(
    session: AsyncSession,
    *,
    invoice_name: str,
    attempt: int,
    amount: Decimal,
    payment_intent: str,
    on: dt.date,
) -> str:
    invoice = await session.scalar(select(SalesInvoice).where(SalesInvoice.name == invoice_name))
    if invoice is None:
        return IGNORED
    row, _open = await _attempt(session, invoice, attempt, amount)
    row.status, row.payment_intent_id = AttemptStatus.succeeded, payment_intent
    row.next_retry_on = None
    return await record_card_payment(
        session,
        invoice_name=invoice_name,
        amount=amount,
        reference=payment_intent,
        mode=PaymentMode.preauthorized,
        on=row.charged_on or on,
    )


async def ppa_attempt_failed(
    session: AsyncSession,
    *,
    invoice_name: str,
    attempt: int,
    amount: Decimal,
    payment_intent: str,
    code: str,
    on: dt.date,
) -> str:
    """Mark the attempt declined once, plan the next try, and tell the customer."""
    invoice = await session.scalar(select(SalesInvoice).where(SalesInvoice.name == invoice_name))
    if invoice is None:
        return IGNORED
    row, still_open = await _attempt(session, invoice, attempt, amount)
    if not still_open:
        return DUPLICATE
    charged_on = row.charged_on or on
    retry_on = charged_on + RETRY_DELAYS[attempt - 1] if attempt <= len(RETRY_DELAYS) else None
    row.status, row.error_code, row.next_retry_on = AttemptStatus.failed, code[:80], retry_on
    row.payment_intent_id = payment_intent or row.payment_intent_id
    customer = await session.get(Customer, invoice.customer_id)
    assert customer is not None
    note(session, customer.id, "payment.failed", f"{amount} $ · {code}", invoice.name)
    await _tell_customer(session, customer, invoice.name, amount, attempt, retry_on)
    await emit(
        session,
        "payment.failed",
        {
            "customer": customer.name,
            "invoice": invoice.name,
            "attempt": attempt,
            "code": code,
            "retry_on": retry_on.isoformat() if retry_on else None,
        },
        topics=[f"customer:{customer.name}"],
    )
    return PROCESSED


async def _tell_customer(
    session: AsyncSession,
    customer: Customer,
    invoice: str,
    amount: Decimal,
    attempt: int,
    retry_on: dt.date | None,
) -> None:
    language = customer.language.value if customer.language in MESSAGES else "fr"
    words, locale = MESSAGES[language], LOCALES[language]
    text = words["retry" if retry_on else "final"].format(
        company=COMPANY,
        amount=numbers.format_currency(amount, "CAD", locale=locale),
        invoice=invoice,
        date=dates.format_date(retry_on, "long", locale=locale) if retry_on else "",
    )
    key = f"ppa-failed:{invoice}:{attempt}"
    payload = {"template": "ppa_failed", "language": language}
    if customer.phone:
        await enqueue(
            session,
            channel="sms",
            recipient=customer.phone,
            body=text.translate(PLAIN),
            payload=payload,
            reference=invoice,
            dedupe_key=f"{key}:sms",
        )
    if customer.email:
        greeting = words["greeting"].format(name=customer.customer_name)
        await enqueue(
            session,
            channel="email",
            recipient=customer.email,
            subject=words["subject"].format(invoice=invoice),
            body=f"{greeting}\n\n{text}\n",
            payload=payload,
            reference=invoice,
            dedupe_key=f"{key}:email",
        )
