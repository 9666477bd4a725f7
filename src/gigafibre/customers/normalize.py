"""Pure functions that put phones, postal codes and search words into one canonical shape."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import phonenumbers

POSTAL_CODE = re.compile(r"^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d$")
WORD = re.compile(r"[a-z0-9@._+-]+")
PHONE_QUERY = re.compile(r"^[\d\s()+.\-]+$")
MAX_TERM = 160


class InvalidPhoneError(ValueError):
    pass


def normalize_phone(raw: str, region: str = "CA") -> str:
    """Any North American way of writing a number becomes E.164 (`+14185550123`)."""
    try:
        parsed = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as error:
        raise InvalidPhoneError(raw) from error
    if not phonenumbers.is_possible_number(parsed) or not phonenumbers.is_valid_number(parsed):
        raise InvalidPhoneError(raw)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str | None) -> str:
    """E.164 shown the way people here write it: `418 555-0123`.

    Stored numbers are already E.164, so a North American one is formatted by slicing: search
    results show dozens per request and phonenumbers' parser is the costliest step of a row.
    """
    if not e164:
        return ""
    if len(e164) == 12 and e164.startswith("+1") and e164[2:].isdigit():
        return f"{e164[2:5]} {e164[5:8]}-{e164[8:]}"
    parsed = phonenumbers.parse(e164, "CA")
    if parsed.country_code == 1:
        national = str(parsed.national_number)
        return f"{national[:3]} {national[3:6]}-{national[6:]}"
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def normalize_postal_code(raw: str) -> str:
    """`g1r2b5` and `G1R 2B5` become `G1R 2B5`; anything else is refused."""
    compact = re.sub(r"\s+", "", raw).upper()
    if not POSTAL_CODE.match(compact):
        raise ValueError(raw)
    return f"{compact[:3]} {compact[3:]}"


def fold(text: str) -> str:
    """Lowercase without accents, so `Éric Tremblay` and `eric tremblay` match."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def phone_digits(e164: str) -> str:
    """National digits of a North American number (`4185550123`), else all digits."""
    digits = re.sub(r"\D", "", e164)
    return digits[1:] if len(digits) == 11 and digits.startswith("1") else digits


def words(text: str) -> list[str]:
    """Words of a text, plus the parts of compound ones (`marie-eve` gives `marie` and `eve`)."""
    found: list[str] = []
    for word in WORD.findall(fold(text)):
        found.append(word)
        parts = [part for part in re.split(r"[-.@_+]", word) if part]
        if len(parts) > 1:
            found.extend(parts)
    return found


def search_terms(
    *,
    name: str,
    customer_name: str,
    email: str | None,
    phone: str | None,
    addresses: Iterable[tuple[str, str, str]],
) -> set[str]:
    """The terms a customer is found by; `addresses` holds (street line, city, postal code)."""
    terms: set[str] = {name.lower(), name.split("-", 1)[-1]}
    terms.update(words(customer_name))
    if email:
        address = email.lower()
        terms.add(address)
        terms.update(words(address.split("@", 1)[0].replace(".", " ")))
    if phone:
        terms.add(phone_digits(phone))
    for line, city, postal_code in addresses:
        terms.update(words(line))
        terms.update(words(city))
        terms.add(postal_code.replace(" ", "").lower())
    return {term[:MAX_TERM] for term in terms if term}


def query_terms(query: str) -> list[str]:
    """Split what staff typed into prefixes to match; a phone number stays one term."""
    stripped = query.strip()
    if PHONE_QUERY.match(stripped):
        digits = re.sub(r"\D", "", stripped)
        if len(digits) >= 3:
            return [phone_digits(digits) if len(digits) == 11 else digits]
    compact_postal = re.sub(r"\s+", "", stripped).upper()
    if POSTAL_CODE.match(compact_postal):
        return [compact_postal.lower()]
    return sorted(set(WORD.findall(fold(stripped))), key=len, reverse=True)[:5]
