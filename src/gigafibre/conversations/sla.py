"""The SLA clock: first-response and resolution targets per priority, from settings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from gigafibre.tickets.models import HDTicket, TicketStatus

DONE = (TicketStatus.resolved, TicketStatus.closed)
FALLBACK_MINUTES = 24 * 60


@dataclass(frozen=True)
class SlaTargets:
    first_response: Mapping[str, int]
    resolution: Mapping[str, int]


@dataclass(frozen=True)
class SlaState:
    first_response_due: dt.datetime
    resolution_due: dt.datetime
    first_response_overdue: bool
    resolution_overdue: bool

    @property
    def overdue(self) -> bool:
        return self.first_response_overdue or self.resolution_overdue


def sla_state(ticket: HDTicket, targets: SlaTargets, now: dt.datetime) -> SlaState:
    """Due times from the opening; a clock stops once answered (first) or resolved."""
    priority = str(ticket.priority)
    first_due = ticket.opened_at + dt.timedelta(
        minutes=targets.first_response.get(priority, FALLBACK_MINUTES)
    )
    resolution_due = ticket.opened_at + dt.timedelta(
        minutes=targets.resolution.get(priority, FALLBACK_MINUTES)
    )
    done = ticket.status in DONE
    answered = ticket.first_responded_at or ticket.resolved_at
    finished = ticket.resolved_at
    return SlaState(
        first_response_due=first_due,
        resolution_due=resolution_due,
        first_response_overdue=(answered or now) > first_due and (answered is not None or not done),
        resolution_overdue=(finished or now) > resolution_due
        and (finished is not None or not done),
    )
