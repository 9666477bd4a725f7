"""Message templates: one set of files per message and language, fr-CA first, then en.

`templates/notify/messages/<template>/<lang>.{subject.txt,email.txt,email.html,sms.txt}`; the
HTML parts extend `_layout.html` (company name, footer) and are autoescaped, the text parts are
not. Each template declares the context it needs, so a missing value is a clear error at queue
time rather than a blank in a customer's SMS. Numbers, dates and amounts are written the way the
reader's language writes them, whatever the language of the request that queued the message.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from babel import dates, numbers
from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateNotFound,
    UndefinedError,
    pass_context,
    select_autoescape,
)
from jinja2.runtime import Context

from gigafibre.core.i18n import LANGUAGES, LOCALES
from gigafibre.customers.normalize import InvalidPhoneError, normalize_phone
from gigafibre.settings import Settings

MESSAGES_DIR = Path(__file__).resolve().parent / "templates" / "notify" / "messages"
PARTS = ("subject.txt", "email.txt", "email.html", "sms.txt")
BLANK_LINES = re.compile(r"\n\s*\n\s*\n+")  # optional lines leave gaps; keep one blank line
# Characters outside the GSM-7 alphabet make a whole SMS UCS-2: 70 characters a segment
# instead of 160. Babel's no-break spaces and typographic dashes are not worth that.
SMS_PLAIN = str.maketrans(
    {"\u00a0": " ", "\u202f": " ", "\u2013": "-", "\u2014": "-", "\u2019": "'", "\u2026": "..."}
)
DEFAULT_COMPANY: str = Settings.model_fields["company_name"].default


@dataclass(frozen=True)
class TemplateSpec:
    """The context a message needs (`required`) and what it may be given (`defaults`)."""

    required: tuple[str, ...]
    defaults: Mapping[str, Any] = field(default_factory=dict)


NAME = {"customer_name": ""}
TEMPLATES: dict[str, TemplateSpec] = {
    "otp": TemplateSpec(("code",), {"minutes": 10, **NAME}),
    "magic_link": TemplateSpec(("url",), {"hours": 24, **NAME}),
    "appointment_confirmed": TemplateSpec(
        ("date", "window", "address", "technician"), {"job": "", "support_phone": "", **NAME}
    ),
    "tech_job_link": TemplateSpec(
        ("url", "job"), {"technician_name": "", "date": None, "address": ""}
    ),
    "technician_absent": TemplateSpec(
        ("date", "job"), {"window": "", "support_phone": "", **NAME}
    ),
    "invoice_issued": TemplateSpec(("invoice", "amount", "due_date"), {"url": "", **NAME}),
    "payment_received": TemplateSpec(
        ("amount",), {"invoice": "", "payment": "", "balance": None, **NAME}
    ),
    "contract_accepted": TemplateSpec((), {"order": "", "contract": "", "fingerprint": "", **NAME}),
    "ticket_reply": TemplateSpec(
        ("ticket", "message"), {"ticket_subject": "", "agent": "", "url": "", **NAME}
    ),
}


class MessageTemplateError(ValueError):
    """A message cannot be rendered: unknown template or language, or missing context."""


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    text: str
    html: str
    sms: str


def normalize_language(language: str) -> str:
    """`fr`, `fr-CA`, `fr_CA`, `EN` … become `fr` or `en`; anything else is an error."""
    base = re.split(r"[-_]", language.strip().lower(), maxsplit=1)[0]
    if base not in LANGUAGES:
        raise MessageTemplateError(
            f"no messages in language {language!r}; use one of {', '.join(LANGUAGES)}"
        )
    return base


def _locale(context: Context) -> str:
    return LOCALES[context["lang"]]


@pass_context
def _money(context: Context, amount: Decimal | int | str) -> str:
    return numbers.format_currency(Decimal(str(amount)), "CAD", locale=_locale(context))


@pass_context
def _date(context: Context, value: dt.date | str | None, style: str = "long") -> str:
    if value is None or isinstance(value, str):
        return value or ""
    return dates.format_date(value, style, locale=_locale(context))


def _time(value: dt.time, language: str) -> str:
    if language == "fr":  # Quebec writes 8 h and 13 h 30, not Babel's 08 h 00
        return f"{value.hour} h" + (f" {value.minute:02d}" if value.minute else "")
    return dates.format_time(value, "short", locale=LOCALES[language])


@pass_context
def _window(context: Context, value: str | tuple[dt.time, dt.time] | list[dt.time]) -> str:
    """An arrival window given as text, or as (start, end) times."""
    if isinstance(value, str):
        return value
    start, end = value
    return f"{_time(start, context['lang'])} – {_time(end, context['lang'])}"


def _e164(value: str) -> str:
    """Phone numbers in SMS are written in E.164, which every phone makes tappable."""
    try:
        return normalize_phone(value)
    except InvalidPhoneError:
        return value


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(MESSAGES_DIR)),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters.update(money=_money, date=_date, window=_window, e164=_e164)
    return env


def render_message(template: str, language: str, context: Mapping[str, Any]) -> RenderedMessage:
    """Subject, text and HTML email, and SMS text of one message in one language."""
    spec = TEMPLATES.get(template)
    if spec is None:
        raise MessageTemplateError(
            f"no message template {template!r}; known: {', '.join(sorted(TEMPLATES))}"
        )
    lang = normalize_language(language)
    missing = [key for key in spec.required if key not in context]
    if missing:
        raise MessageTemplateError(f"message {template!r} needs {', '.join(missing)}")
    values: dict[str, Any] = {
        "company_name": DEFAULT_COMPANY,
        "company_address": "",
        **spec.defaults,
        **context,
        "lang": lang,
    }
    env = _environment()
    parts: dict[str, str] = {}
    try:
        for part in PARTS:
            rendered = env.get_template(f"{template}/{lang}.{part}").render(values)
            parts[part] = BLANK_LINES.sub("\n\n", rendered).strip()
            if part == "subject.txt":
                values["email_subject"] = parts[part] = " ".join(parts[part].split())
    except TemplateNotFound as error:
        raise MessageTemplateError(f"message file missing: {error.name}") from None
    except UndefinedError as error:
        raise MessageTemplateError(f"message {template!r}: {error.message}") from None
    return RenderedMessage(
        subject=parts["subject.txt"],
        text=parts["email.txt"] + "\n",
        html=parts["email.html"] + "\n",
        sms=parts["sms.txt"].translate(SMS_PLAIN),
    )
