"""Languages: fr-CA first, English second.

Messages are gettext catalogs (`locales/<lang>/LC_MESSAGES/*.po`, English msgids) read with
Babel at start-up, so no compile step is needed. Each capability may keep its own catalog file
(`messages.po` for the shared texts, `dispatch.po`, …); they are merged into one. The language of
the current request lives in a context variable set by the web middleware; `_()` and the templates
read it.
"""

from __future__ import annotations

import datetime as dt
from contextvars import ContextVar
from decimal import Decimal
from functools import cache
from io import BytesIO
from pathlib import Path

from babel import Locale, dates, numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LANGUAGES = ("fr", "en")
LOCALES = {"fr": "fr_CA", "en": "en_CA"}
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locales"

current_language: ContextVar[str] = ContextVar("current_language", default="fr")


@cache
def _translations(language: str) -> Translations:
    merged = Translations()
    for path in catalog_files(language):
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=LOCALES.get(language, language))
        buffer = BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        merged.merge(Translations(fp=buffer))
    return merged


def catalog_files(language: str) -> list[Path]:
    return sorted((LOCALE_DIR / language / "LC_MESSAGES").glob("*.po"))


def gettext(message: str, language: str | None = None) -> str:
    return _translations(language or current_language.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int, language: str | None = None) -> str:
    return _translations(language or current_language.get()).ngettext(singular, plural, n)


def _(message: str, **params: object) -> str:
    text = gettext(message)
    return text.format(**params) if params else text


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


def negotiate(accept_language: str | None, default: str) -> str:
    """Pick fr or en from an Accept-Language header, falling back to the default."""
    if not accept_language:
        return default
    preferred: list[tuple[float, str]] = []
    for part in accept_language.split(","):
        tag, _sep, quality = part.strip().partition(";q=")
        try:
            weight = float(quality) if quality else 1.0
        except ValueError:
            continue
        preferred.append((weight, tag.strip().lower()))
    for _weight, tag in sorted(preferred, key=lambda pair: -pair[0]):
        base = tag.split("-")[0]
        if base in LANGUAGES:
            return base
    return default


def locale() -> Locale:
    return Locale.parse(LOCALES[current_language.get()])


def format_money(amount: Decimal | None) -> str:
    if amount is None:
        return ""
    return numbers.format_currency(amount, "CAD", locale=LOCALES[current_language.get()])


def format_date(value: dt.date | None) -> str:
    if value is None:
        return ""
    return dates.format_date(value, "medium", locale=LOCALES[current_language.get()])


def format_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return dates.format_datetime(
        value,
        "medium",
        tzinfo=dates.get_timezone("America/Toronto"),
        locale=LOCALES[current_language.get()],
    )
