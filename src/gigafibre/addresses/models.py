"""Tables of the addresses capability: the civic addresses of the territory and their coverage.

`street_key` and `search_text` are the normalised forms the search reads (see normalize.py);
the service writes them with every address. The full-text side (SQLite FTS5 table and its
triggers, PostgreSQL trigram indexes) lives only in migration 0014: see `ddl.py`.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Float, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from gigafibre.core.db import Base, Timestamped

# Prefix range scans need byte order on PostgreSQL too (SQLite compares bytes already).
BYTE_ORDER_240 = String(240).with_variant(String(240, collation="C"), "postgresql")


class Address(Timestamped, Base):
    """One civic address (Adresses Québec, demo data, or entered by hand)."""

    __tablename__ = "address"
    __table_args__ = (
        # one per way in: by civic number, by street; each yields rows in the order shown
        Index("ix_address_civic_number_street_key", "civic_number", "street_key"),
        Index("ix_address_street_key_municipality", "street_key", "municipality", "civic_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[str] = mapped_column(String(40), unique=True)
    civic_number: Mapped[int] = mapped_column(Integer)
    civic_number_end: Mapped[int | None] = mapped_column(Integer)
    civic_suffix: Mapped[str] = mapped_column(String(10), default="", server_default="")
    street_type: Mapped[str] = mapped_column(String(40), default="", server_default="")
    street_name: Mapped[str] = mapped_column(String(140))
    street_direction: Mapped[str] = mapped_column(String(20), default="", server_default="")
    municipality: Mapped[str] = mapped_column(String(80))
    postal_code: Mapped[str] = mapped_column(String(7), default="", server_default="", index=True)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    fibre_passed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    olt_name: Mapped[str] = mapped_column(String(60), default="", server_default="")
    pon_port: Mapped[str] = mapped_column(String(20), default="", server_default="")
    street_key: Mapped[str] = mapped_column(BYTE_ORDER_240)
    search_text: Mapped[str] = mapped_column(Text)

    @property
    def street(self) -> str:
        """The street as written on an envelope: "rue des Érables Ouest"."""
        return " ".join(
            part for part in (self.street_type, self.street_name, self.street_direction) if part
        )

    @property
    def civic(self) -> str:
        return f"{self.civic_number}{self.civic_suffix}"


class AddressWord(Base):
    """Every word of street and municipality names: the vocabulary typo correction reads."""

    __tablename__ = "address_word"

    word: Mapped[str] = mapped_column(
        String(60).with_variant(String(60, collation="C"), "postgresql"), primary_key=True
    )
