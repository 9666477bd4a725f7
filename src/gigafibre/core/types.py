"""Column helpers shared by every module's models."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Enum


def enum_column(enum: type[StrEnum], name: str) -> Enum:
    """A string column limited to the enum's values by a CHECK constraint, portable everywhere."""
    return Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        validate_strings=True,
        length=max(len(member.value) for member in enum),
        values_callable=lambda members: [member.value for member in members],
    )
