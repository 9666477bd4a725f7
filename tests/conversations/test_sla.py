"""The SLA clock: due times per priority; a clock stops once answered or resolved."""

from __future__ import annotations

import datetime as dt

from gigafibre.conversations.sla import SlaTargets, sla_state
from gigafibre.tickets.models import Channel, HDTicket, TicketPriority, TicketStatus

OPENED = dt.datetime(2026, 11, 29, 9, 0, tzinfo=dt.UTC)
TARGETS = SlaTargets({"urgent": 30, "medium": 480}, {"urgent": 240, "medium": 4320})


def ticket(priority: TicketPriority, status: TicketStatus = TicketStatus.open) -> HDTicket:
    return HDTicket(
        name="TKT-000001",
        subject="x",
        channel=Channel.sms,
        priority=priority,
        status=status,
        opened_at=OPENED,
    )


def test_an_urgent_ticket_unanswered_for_an_hour_is_overdue() -> None:
    state = sla_state(ticket(TicketPriority.urgent), TARGETS, OPENED + dt.timedelta(hours=1))
    assert state.first_response_due == OPENED + dt.timedelta(minutes=30)
    assert state.first_response_overdue
    assert not state.resolution_overdue
    assert state.overdue


def test_an_answer_in_time_stops_the_first_response_clock() -> None:
    answered = ticket(TicketPriority.urgent, TicketStatus.replied)
    answered.first_responded_at = OPENED + dt.timedelta(minutes=20)
    state = sla_state(answered, TARGETS, OPENED + dt.timedelta(hours=3))
    assert not state.first_response_overdue
    assert not state.overdue


def test_a_resolved_ticket_is_judged_on_when_it_was_resolved() -> None:
    late = ticket(TicketPriority.urgent, TicketStatus.resolved)
    late.first_responded_at = OPENED + dt.timedelta(minutes=10)
    late.resolved_at = OPENED + dt.timedelta(hours=5)
    assert sla_state(late, TARGETS, OPENED + dt.timedelta(days=9)).resolution_overdue
    closed = ticket(TicketPriority.medium, TicketStatus.closed)
    assert not sla_state(closed, TARGETS, OPENED + dt.timedelta(days=9)).overdue


def test_an_unknown_priority_falls_back_to_a_day() -> None:
    state = sla_state(ticket(TicketPriority.low), TARGETS, OPENED)
    assert state.first_response_due == OPENED + dt.timedelta(days=1)
