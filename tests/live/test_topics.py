from __future__ import annotations

import pytest

from gigafibre.live.topics import (
    Principal,
    Viewer,
    forbidden_topics,
    is_known_topic,
    may_follow,
    staff_may_follow,
    topic_family,
    unknown_topics,
)

ALL = ["dispatch", "conversations", "network", "customer:C-000123", "technician:TECH-0001"]


def staff(*roles: str) -> Principal:
    return Principal(Viewer.staff, "someone", frozenset(roles))


@pytest.mark.parametrize(
    ("topic", "family"),
    [
        ("dispatch", "dispatch"),
        ("conversations", "conversations"),
        ("network", "network"),
        ("customer:C-000123", "customer"),
        ("technician:TECH-0001", "technician"),
    ],
)
def test_known_topics_have_a_family(topic: str, family: str) -> None:
    assert topic_family(topic) == family
    assert is_known_topic(topic)


@pytest.mark.parametrize(
    "topic",
    [
        "",
        "billing",
        "Dispatch",
        "dispatch ",
        "customer:",
        "customer",
        "customer:C-1\nevent: forged",
        "customer:C 1",
        "customer:-C1",
        "technician:" + "T" * 65,
        "customers:C-1",
        "network:olt-1",
    ],
)
def test_anything_else_is_unknown(topic: str) -> None:
    assert topic_family(topic) is None
    assert unknown_topics(["dispatch", topic]) == [topic]


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (
            "dispatch",
            {
                "dispatch",
                "conversations",
                "network",
                "customer:C-000123",
                "technician:TECH-0001",
            },
        ),
        ("support", {"conversations", "network", "customer:C-000123"}),
        ("billing", {"conversations", "customer:C-000123"}),
        ("tech", set()),
        ("admin", set(ALL)),
    ],
)
def test_staff_follow_topics_by_role(role: str, allowed: set[str]) -> None:
    assert {topic for topic in ALL if staff_may_follow({role}, topic)} == allowed
    assert {topic for topic in ALL if may_follow(staff(role), topic)} == allowed


def test_roles_add_up() -> None:
    assert may_follow(staff("billing", "dispatch"), "dispatch")
    assert not may_follow(staff(), "network")


def test_a_customer_follows_only_its_own_topic() -> None:
    customer = Principal(Viewer.customer, "C-000123")
    assert may_follow(customer, "customer:C-000123")
    assert forbidden_topics(customer, ALL) == [t for t in ALL if t != "customer:C-000123"]
    assert not may_follow(customer, "customer:C-000124")
    assert not may_follow(Principal(Viewer.customer, "TECH-0001"), "technician:TECH-0001")


def test_a_technician_follows_only_its_own_topic() -> None:
    technician = Principal(Viewer.technician, "TECH-0001")
    assert may_follow(technician, "technician:TECH-0001")
    assert forbidden_topics(technician, ALL) == [t for t in ALL if t != "technician:TECH-0001"]
    assert not may_follow(Principal(Viewer.technician, "C-000123"), "customer:C-000123")


def test_unknown_topics_are_not_called_forbidden() -> None:
    assert forbidden_topics(staff("admin"), ["bogus", "dispatch"]) == []
    assert not may_follow(staff("admin"), "bogus")
