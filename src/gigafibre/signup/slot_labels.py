"""Installation windows in words: "mardi 2 décembre, 8 h – 10 h 30" in French."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from babel import dates

from gigafibre.core.i18n import LOCALES

LOCAL_TZ = ZoneInfo("America/Toronto")


def _time(value: dt.datetime, language: str) -> str:
    if language == "fr":  # Quebec writes 8 h and 13 h 30
        return f"{value.hour} h" + (f" {value.minute:02d}" if value.minute else "")
    return dates.format_time(value, "short", locale=LOCALES[language])


def slot_label(start: dt.datetime, end: dt.datetime, language: str) -> str:
    lang = "en" if language == "en" else "fr"
    local_start, local_end = start.astimezone(LOCAL_TZ), end.astimezone(LOCAL_TZ)
    day = dates.format_date(local_start.date(), "full", locale=LOCALES[lang])
    day = day.rsplit(" ", 1)[0] if lang == "fr" else day.rsplit(",", 1)[0]  # no year
    times = f"{_time(local_start, lang)} – {_time(local_end, lang)}"
    return f"{day}, {times}".replace("\u202f", " ").replace("\u00a0", " ")
