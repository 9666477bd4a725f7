from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select, update

from gigafibre.core.db import utcnow
from gigafibre.core.events import Event, EventRecord
from gigafibre.core.outbox import OutboxMessage
from gigafibre.customers import schemas as customer_schemas
from gigafibre.customers import service as customers
from gigafibre.flows import runtime, schemas, service
from gigafibre.flows.models import FlowRun, FlowRunStatus
from gigafibre.tickets.models import HDTicket
from tests.conftest import TransactionalDatabase


def template(name: str, steps: list[dict[str, Any]], **extra: Any) -> schemas.TemplateInput:
    return schemas.TemplateInput.model_validate(
        {"name": name, "trigger_event": "payment.received", "steps": steps, **extra}
    )


async def make_customer(db: TransactionalDatabase) -> str:
    async with db.unit_of_work() as session:
        customer = await customers.create_customer(
            session,
            data=customer_schemas.CustomerCreate(
                customer_name="Nadia Flow", phone="418 555 0177", email="nadia@example.ca"
            ),
            actor="test",
        )
        return customer.name


def event(event_id: int, payload: dict[str, Any], name: str = "payment.received") -> Event:
    return Event(id=event_id, name=name, payload=payload, topics=(), created_at=utcnow())


async def run_named(db: TransactionalDatabase, name: str) -> FlowRun:
    async with db.unit_of_work(write=False) as session:
        run, _template = await service.get_run(session, name=name)
        return run


async def test_an_event_starts_a_matching_template_once(tx_database: TransactionalDatabase) -> None:
    customer = await make_customer(tx_database)
    async with tx_database.unit_of_work() as session:
        await service.create_template(
            session,
            data=template(
                "thank_big_payers",
                [{"type": "set_field", "field": "thanked", "value": "yes"}],
                conditions=[{"field": "event.amount", "op": "gte", "value": 100}],
            ),
            actor="test",
        )
    subscriber = runtime.flow_event_subscriber(tx_database)
    await subscriber(event(9001, {"customer": customer, "amount": "150.00"}))
    await subscriber(event(9001, {"customer": customer, "amount": "150.00"}))  # redelivered
    await subscriber(event(9002, {"customer": customer, "amount": "20.00"}))  # condition fails
    async with tx_database.unit_of_work(write=False) as session:
        runs = await service.list_runs(session, template="thank_big_payers")
    assert [(run.trigger_event_id, run.status) for run, _ in runs] == [
        ("9001", FlowRunStatus.running)
    ]


async def test_steps_run_in_order_and_a_wait_resumes_later(
    tx_database: TransactionalDatabase,
) -> None:
    customer = await make_customer(tx_database)
    steps = [
        {"type": "set_field", "field": "greeting", "value": "Bonjour {{ customer.customer_name }}"},
        {"type": "create_ticket", "subject": "Suivi du paiement de {{ event.amount }} $"},
        {
            "type": "branch",
            "then_step": 5,
            "conditions": [{"field": "event.amount", "op": "gt", "value": 1000}],
        },
        {"type": "wait", "minutes": 60},
        {"type": "send_sms", "body": "{{ vars.greeting }}, merci! ({{ vars.ticket }})"},
    ]
    async with tx_database.unit_of_work() as session:
        created = await service.create_template(
            session, data=template("follow_up", steps), actor="test"
        )
        run = await service.start_manual_run(
            session,
            template=created.name,
            context={"event": {"customer": customer, "amount": "75.00"}},
            actor="test",
        )
        run_name = run.name
    assert await runtime.advance_due_runs(tx_database) == 1
    waiting = await run_named(tx_database, run_name)
    assert waiting.status is FlowRunStatus.waiting
    assert [entry["status"] for entry in waiting.step_log] == ["done"] * 4
    assert waiting.step_log[2]["message"] == "Condition does not hold"
    assert await runtime.advance_due_runs(tx_database) == 0  # still waiting
    async with tx_database.unit_of_work() as session:
        await session.execute(
            update(FlowRun)
            .where(FlowRun.name == run_name)
            .values(next_wake_at=utcnow() - dt.timedelta(seconds=1))
        )
    await runtime.advance_due_runs(tx_database)
    done = await run_named(tx_database, run_name)
    assert done.status is FlowRunStatus.completed
    async with tx_database.unit_of_work(write=False) as session:
        announced = (
            await session.scalars(
                select(EventRecord.payload).where(EventRecord.name == "flow.run_updated")
            )
        ).all()
    assert {"run": run_name, "status": "completed", "step": 5} in announced
    async with tx_database.unit_of_work(write=False) as session:
        sms = (
            await session.scalars(select(OutboxMessage).where(OutboxMessage.reference == run_name))
        ).all()
        ticket = await session.scalar(
            select(HDTicket).where(HDTicket.name == done.context["vars"]["ticket"])
        )
    assert [m.body for m in sms] == [
        f"Bonjour Nadia Flow, merci! ({ticket.name if ticket else ''})"
    ]
    assert [m.recipient for m in sms] == ["+14185550177"]
    assert ticket is not None
    assert ticket.subject == "Suivi du paiement de 75.00 $"


async def test_a_step_that_cannot_work_fails_the_run_with_a_reason(
    tx_database: TransactionalDatabase,
) -> None:
    async with tx_database.unit_of_work() as session:
        created = await service.create_template(
            session,
            data=template("broken", [{"type": "send_sms", "body": "{{ missing.value }}"}]),
            actor="test",
        )
        run = await service.start_manual_run(
            session, template=created.name, context={"event": {}}, actor="test"
        )
    await runtime.advance_due_runs(tx_database)
    failed = await run_named(tx_database, run.name)
    assert failed.status is FlowRunStatus.failed
    assert failed.step_log[-1]["status"] == "failed"
    assert "no phone number" in failed.step_log[-1]["message"]


async def test_editing_a_template_keeps_versions_and_running_runs_unchanged(
    tx_database: TransactionalDatabase,
) -> None:
    async with tx_database.unit_of_work() as session:
        await service.create_template(
            session, data=template("versioned", [{"type": "wait", "minutes": 5}]), actor="a"
        )
        run = await service.start_manual_run(session, template="versioned", context={}, actor="a")
        await service.update_template(
            session,
            name="versioned",
            data=template("versioned", [{"type": "set_field", "field": "x", "value": "1"}]),
            actor="b",
        )
        versions = await service.template_versions(session, name="versioned")
    assert [(v.version, v.actor) for v in versions] == [(2, "b"), (1, "a")]
    started = await run_named(tx_database, run.name)
    assert started.steps[0]["type"] == "wait"
    assert started.template_version == 1


async def test_default_templates_are_created_once(tx_database: TransactionalDatabase) -> None:
    async with tx_database.unit_of_work() as session:
        first = await service.ensure_default_templates(session)
        again = await service.ensure_default_templates(session)
        count = await session.scalar(select(func.count()).select_from(FlowRun))
    assert set(first) <= {
        "on_payment_received",
        "on_job_complete",
        "on_invoice_overdue",
        "on_ticket_resolved",
        "on_outage_detected",
    }
    assert again == []
    assert count is not None
