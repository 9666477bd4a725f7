"""Every shipped message renders in French and English, escaped where it is HTML."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from gigafibre.notify.rendering import TEMPLATES, MessageTemplateError, render_message

CONTEXT: dict[str, Any] = {
    "code": "482913",
    "url": "https://fsm.gigafibre.example/p/abc",
    "date": dt.date(2025, 12, 4),
    "window": (dt.time(8), dt.time(12)),
    "address": "12, rue Saint-Jean, Québec",
    "technician": "Éric Bouchard",
    "job": "DJ-000045",
    "invoice": "INV-0000123",
    "amount": Decimal("114.98"),
    "due_date": dt.date(2026, 1, 15),
    "ticket": "TKT-000012",
    "message": "Votre modem a été remplacé.",
}


@pytest.mark.parametrize("template", sorted(TEMPLATES))
@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_template_renders_in_both_languages(template: str, language: str) -> None:
    rendered = render_message(template, language, {**CONTEXT, "company_name": "Gigafibre"})
    assert rendered.subject
    assert "\n" not in rendered.subject
    assert rendered.text.strip()
    assert rendered.sms.strip()
    assert len(rendered.sms) <= 480
    html_lang = "fr-CA" if language == "fr" else "en-CA"
    assert f'<html lang="{html_lang}">' in rendered.html
    assert "Gigafibre" in rendered.html
    assert "{{" not in rendered.text + rendered.html + rendered.sms


def test_french_and_english_write_amounts_dates_and_times_their_own_way() -> None:
    fr = render_message("appointment_confirmed", "fr-CA", CONTEXT)
    en = render_message("appointment_confirmed", "en", CONTEXT)
    assert "jeudi 4 décembre 2025" in fr.text
    assert "8 h - 12 h" in fr.sms
    assert "Thursday, December 4, 2025" in en.text
    assert "8:00" in en.sms
    assert "114,98 $" in render_message("invoice_issued", "fr", CONTEXT).sms
    assert "$114.98" in render_message("invoice_issued", "en", CONTEXT).sms
    assert "123456" in render_message("otp", "fr", {"code": "123456"}).sms
    assert "10 minutes" in render_message("otp", "fr", {"code": "123456"}).sms


def test_phone_numbers_in_sms_are_e164() -> None:
    sms = render_message(
        "appointment_confirmed", "fr", {**CONTEXT, "support_phone": "(418) 555-0100"}
    ).sms
    assert "+14185550100" in sms


def test_html_is_escaped_but_text_is_not() -> None:
    rendered = render_message(
        "ticket_reply", "en", {**CONTEXT, "message": "<script>alert(1)</script> & co"}
    )
    assert "<script>" not in rendered.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in rendered.html
    assert "<script>alert(1)</script> & co" in rendered.text


def test_unknown_templates_languages_and_missing_context_are_clear_errors() -> None:
    with pytest.raises(MessageTemplateError, match="no message template 'welcome'"):
        render_message("welcome", "fr", CONTEXT)
    with pytest.raises(MessageTemplateError, match="no messages in language 'de'"):
        render_message("otp", "de", CONTEXT)
    with pytest.raises(MessageTemplateError, match="needs date, window"):
        render_message("appointment_confirmed", "fr", {"address": "x", "technician": "y"})
