"""Who may follow which live topic: pure rules, so they are tested without a server.

Topics are `dispatch`, `conversations`, `network`, `customer:<name>` and `technician:<name>`.
Staff follow topics by role (admin follows everything); a customer signed in through a portal
link follows only its own `customer:` topic, a technician only its own `technician:` topic.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from gigafibre.staff.models import Role


class Viewer(StrEnum):
    staff = "staff"
    customer = "customer"
    technician = "technician"


@dataclass(frozen=True)
class Principal:
    """Who opened the stream: staff (with roles), or the customer/technician a link names."""

    kind: Viewer
    name: str
    roles: frozenset[str] = frozenset()


# Topic family -> staff roles that may follow it (admin may follow every topic).
STAFF_ROLES: dict[str, frozenset[str]] = {
    "dispatch": frozenset({Role.dispatch}),
    "conversations": frozenset({Role.support, Role.billing, Role.dispatch}),
    "network": frozenset({Role.support, Role.dispatch}),
    "customer": frozenset({Role.support, Role.billing, Role.dispatch}),
    "technician": frozenset({Role.dispatch}),
    "flows": frozenset({Role.support, Role.billing, Role.dispatch}),
}
_TOPIC = re.compile(
    r"(?P<plain>dispatch|conversations|network|flows)"
    r"|(?P<family>customer|technician):(?P<subject>[A-Za-z0-9][A-Za-z0-9._-]{0,63})"
)


def topic_family(topic: str) -> str | None:
    """`dispatch`, …, `customer` or `technician`; None for a topic we do not know."""
    match = _TOPIC.fullmatch(topic)
    if match is None:
        return None
    return match.group("plain") or match.group("family")


def is_known_topic(topic: str) -> bool:
    return topic_family(topic) is not None


def customer_topic(name: str) -> str:
    return f"customer:{name}"


def technician_topic(name: str) -> str:
    return f"technician:{name}"


def staff_may_follow(roles: Iterable[str], topic: str) -> bool:
    family = topic_family(topic)
    if family is None:
        return False
    held = frozenset(roles)
    return Role.admin in held or bool(held & STAFF_ROLES[family])


def may_follow(principal: Principal, topic: str) -> bool:
    if not is_known_topic(topic):
        return False
    if principal.kind is Viewer.staff:
        return staff_may_follow(principal.roles, topic)
    if principal.kind is Viewer.customer:
        return topic == customer_topic(principal.name)
    return topic == technician_topic(principal.name)


def unknown_topics(topics: Iterable[str]) -> list[str]:
    return [topic for topic in topics if not is_known_topic(topic)]


def forbidden_topics(principal: Principal, topics: Iterable[str]) -> list[str]:
    """The known topics of `topics` that `principal` may not follow."""
    return [topic for topic in topics if is_known_topic(topic) and not may_follow(principal, topic)]
