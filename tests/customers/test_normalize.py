from __future__ import annotations

import pytest

from gigafibre.customers.normalize import (
    InvalidPhoneError,
    format_phone,
    normalize_phone,
    normalize_postal_code,
    query_terms,
)


@pytest.mark.parametrize("typed", ["418 555-0123", "(418) 555-0123", "+14185550123", "4185550123"])
def test_every_way_of_writing_a_number_becomes_e164(typed: str) -> None:
    assert normalize_phone(typed) == "+14185550123"


def test_an_impossible_number_is_refused() -> None:
    with pytest.raises(InvalidPhoneError):
        normalize_phone("555-01")


@pytest.mark.parametrize(
    ("e164", "shown"),
    [
        ("+14185550123", "418 555-0123"),
        ("+18195551234", "819 555-1234"),
        ("+33142685300", "+33 1 42 68 53 00"),
        (None, ""),
        ("", ""),
    ],
)
def test_numbers_are_shown_as_people_here_write_them(e164: str | None, shown: str) -> None:
    assert format_phone(e164) == shown


def test_the_sliced_format_agrees_with_phonenumbers_for_north_american_numbers() -> None:
    import phonenumbers

    for e164 in ("+14185550123", "+15145550199", "+16135550000", "+12045559876"):
        parsed = phonenumbers.parse(e164, "CA")
        national = str(parsed.national_number)
        assert format_phone(e164) == f"{national[:3]} {national[3:6]}-{national[6:]}"


def test_postal_codes_are_normalised_or_refused() -> None:
    assert normalize_postal_code("g1r2b5") == "G1R 2B5"
    assert normalize_postal_code("G1R 2B5") == "G1R 2B5"
    with pytest.raises(ValueError, match="D1R"):
        normalize_postal_code("D1R 2B5")


def test_query_terms_fold_accents_and_case() -> None:
    assert "eric" in query_terms("Éric")
