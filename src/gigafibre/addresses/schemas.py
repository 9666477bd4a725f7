"""What the address search gives: one civic address, its label and whether fibre reaches it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class AddressMatch(BaseModel):
    """An address found by the search, ready to show in an autocomplete list."""

    model_config = ConfigDict(frozen=True)

    id: int
    label: str
    civic_number: str
    street: str
    municipality: str
    postal_code: str
    latitude: float | None
    longitude: float | None
    fibre_available: bool


class AddressSearchResults(BaseModel):
    items: list[AddressMatch]
