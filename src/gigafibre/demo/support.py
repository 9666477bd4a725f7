"""Support tickets and their conversations, in the customer's language and channel.

A ticket's status follows its thread and its age: a new ticket whose last word is the
customer's is open, one the agent answered last is replied, older ones are resolved or closed.
"""

from __future__ import annotations

import datetime as dt

from gigafibre.demo import catalog_data, texts
from gigafibre.demo.people import Client
from gigafibre.demo.store import Context
from gigafibre.tickets.models import Communication, HDTicket

CHANNELS = ("sms", "email", "web", "phone")
RESIDENTIAL_CHANNELS = (30, 28, 22, 20)
COMMERCIAL_CHANNELS = (10, 45, 10, 35)
PRIORITIES = ("low", "medium", "high", "urgent")


def maybe_ticket(ctx: Context, client: Client) -> None:
    """About 3 % of current customers wrote to us lately; Marie-Ève always did."""
    if client.status == "inactive" or client.stage == "pending":
        return
    if client.number == 1:
        ticket(ctx, client, texts.SCENARIOS[0], "sms", age_days=1, messages=3, status="open")
        return
    if ctx.rng.random() >= 0.03:
        return
    rng = ctx.rng
    scenario = rng.choices(texts.SCENARIOS, texts.SCENARIO_WEIGHTS)[0]
    weights = COMMERCIAL_CHANNELS if client.commercial else RESIDENTIAL_CHANNELS
    channel = rng.choices(CHANNELS, weights)[0]
    age = min(int(rng.expovariate(1 / 16)), 89)
    if age < 2:
        status = rng.choices(("open", "replied"), (5, 3))[0]
    elif age < 14:
        status = rng.choices(("open", "replied", "paused", "resolved"), (1, 3, 1, 3))[0]
    else:
        status = rng.choices(("resolved", "closed"), (3, 5))[0]
    count = {
        "open": rng.choice((1, 1, 3)),
        "replied": 2,
        "paused": 2,
        "resolved": rng.choice((2, 4)),
        "closed": rng.choice((2, 4)),
    }[status]
    ticket(ctx, client, scenario, channel, age_days=age, messages=count, status=status)


def ticket(
    ctx: Context,
    client: Client,
    scenario: texts.Scenario,
    channel: str,
    *,
    age_days: int,
    messages: int,
    status: str,
) -> None:
    rng, store = ctx.rng, ctx.store
    english = client.language == "en"
    subject = scenario.subject_en if english else scenario.subject_fr
    thread = (scenario.en if english else scenario.fr)[:messages]
    gaps = [
        dt.timedelta(minutes=rng.randint(10, 240) if turn % 2 else rng.randint(60, 1200))
        for turn in range(1, len(thread))
    ]
    latest = ctx.now - dt.timedelta(minutes=rng.randint(20, 600))
    opened = min(
        ctx.now - dt.timedelta(days=age_days, minutes=rng.randint(0, 600)),
        latest - sum(gaps, dt.timedelta()),
    )
    times = [opened]
    for gap in gaps:
        times.append(times[-1] + gap)
    ticket_id = store.new_id(HDTicket)
    answered = [moment for turn, moment in enumerate(times) if turn % 2]
    closed = status in ("resolved", "closed")
    resolved_at = times[-1] + dt.timedelta(hours=rng.randint(1, 6)) if closed else None
    if resolved_at is not None:
        resolved_at = min(resolved_at, ctx.now)
    priority = scenario.priority
    if rng.random() < 0.15:
        priority = PRIORITIES[min(PRIORITIES.index(priority) + 1, len(PRIORITIES) - 1)]
    store.add(
        HDTicket,
        {
            "id": ticket_id,
            "name": store.new_name(HDTicket),
            "customer_id": client.id,
            "subject": subject,
            "status": status,
            "priority": priority,
            "channel": channel,
            "assignee": rng.choice(catalog_data.SUPPORT_AGENTS) if answered else None,
            "opened_at": opened,
            "first_responded_at": answered[0] if answered else None,
            "resolved_at": resolved_at,
            "last_message_at": times[-1],
            "created_at": opened,
            "updated_at": resolved_at or times[-1],
        },
    )
    by_phone = channel in ("sms", "phone")
    theirs = client.phone if by_phone else client.email
    ours = catalog_data.SUPPORT_PHONE if by_phone else catalog_data.SUPPORT_EMAIL
    language = "en" if english else "fr"
    for turn, (content, moment) in enumerate(zip(thread, times, strict=True)):
        direction = "outbound" if turn % 2 else "inbound"
        if channel == "phone":
            content = texts.PHONE_PREFIX[(language, direction)] + content
        title = ""
        if channel in ("email", "web"):
            title = subject if direction == "inbound" else f"Re: {subject}"
        store.add(
            Communication,
            {
                "id": store.new_id(Communication),
                "name": store.new_name(Communication),
                "customer_id": client.id,
                "ticket_id": ticket_id,
                "channel": channel,
                "direction": direction,
                "sender": ours if turn % 2 else theirs,
                "recipient": theirs if turn % 2 else ours,
                "subject": title,
                "content": content,
                "status": "sent" if turn % 2 else "received",
                "created_at": moment,
            },
        )
