"""Supplier invoices: fields from text, the Quebec tax check, and the endpoint on rendered
invoices (a phone photo, a born-digital PDF and a scanned PDF)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import httpx
import pytest

from gigafibre.vision import invoices
from gigafibre.vision.layout import TextLine
from gigafibre.vision.schemas import InvoiceFields, parse_amount
from tests.conftest import LoginAs
from tests.vision.documents import (
    ENGLISH,
    FRENCH,
    InvoiceTruth,
    photo_of_invoice,
    scanned_pdf,
    text_pdf,
)
from tests.vision.test_api import upload


def lines(*rows: tuple[str, ...]) -> list[TextLine]:
    """Boxes laid out like a page: each row's texts side by side, rows 40 px apart."""
    found = []
    for number, row in enumerate(rows):
        for column, text in enumerate(row):
            x, y = 50 + 500 * column, 50 + 40 * number
            height = 40 if number == 0 else 20
            found.append(
                TextLine(text, 0.95, ((x, y), (x + 300, y), (x + 300, y + height), (x, y + height)))
            )
    return found


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1 234,56 $", "1234.56"),
        ("$1,234.56", "1234.56"),
        ("1234.56", "1234.56"),
        ("1.234,56", "1234.56"),
        ("12,30$", "12.30"),
        ("CAD 99.00", "99.00"),
    ],
)
def test_amounts_in_french_and_english(text: str, amount: str) -> None:
    assert parse_amount(text) == Decimal(amount)


def test_rates_and_registration_numbers_are_not_amounts() -> None:
    assert invoices.amounts("TVQ (9,975 %)") == []
    assert invoices.amounts("TPS : 123456789 RT0001") == []
    assert invoices.amounts("GST 5.00%") == []
    assert invoices.amounts("TVQ (9,975 %) 123,14 $") == [Decimal("123.14")]


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("Date : 2025-03-15", dt.date(2025, 3, 15)),
        ("Date: 15/03/2025", dt.date(2025, 3, 15)),
        ("03/15/2025", dt.date(2025, 3, 15)),
        ("Invoice Date: March 3, 2025", dt.date(2025, 3, 3)),
        ("le 1er mars 2025", dt.date(2025, 3, 1)),
        ("15 févr. 2025", dt.date(2025, 2, 15)),
        ("Date:2025/03/15", dt.date(2025, 3, 15)),
        ("no date here", None),
    ],
)
def test_dates_in_usual_forms(text: str, date: dt.date | None) -> None:
    assert invoices.parse_date(text) == date


def test_french_invoice_fields_from_ocr_lines() -> None:
    fields = invoices.from_lines(
        lines(
            ("Électro-Câble Québec inc.", "FACTURE"),
            ("TPS:123456789RT0001 TVQ:1234567890TQ0001",),
            ("Facturer à : Gigafibre",),
            ("No de facture :", "A-10234"),
            ("Date :", "2025-02-28"),
            ("Échéance :", "2025-03-30"),
            ("Sous-total", "100,00 $"),
            ("TPS (5 %)", "5,00 $"),
            ("TVQ (9,975 %)", "9,98 $"),
            ("Total à payer", "114,98 $"),
        )
    )
    assert fields == InvoiceFields(
        vendor="Électro-Câble Québec inc.",
        number="A-10234",
        date=dt.date(2025, 2, 28),
        subtotal=Decimal("100.00"),
        gst=Decimal("5.00"),
        qst=Decimal("9.98"),
        total=Decimal("114.98"),
    )


def test_english_invoice_with_a_tax_total_line() -> None:
    fields = invoices.from_lines(
        lines(
            ("ACME Fibre Tools Ltd.",),
            ("INVOICE #", "INV-7781"),
            ("Invoice Date: Jan 9, 2025",),
            ("Subtotal", "$2,000.00"),
            ("GST/HST", "$100.00"),
            ("QST", "$199.50"),
            ("Total taxes", "$299.50"),
            ("Amount due", "$2,299.50"),
        )
    )
    assert (fields.vendor, fields.number, fields.date) == (
        "ACME Fibre Tools Ltd.",
        "INV-7781",
        dt.date(2025, 1, 9),
    )
    assert (fields.subtotal, fields.gst, fields.qst, fields.total) == (
        Decimal("2000.00"),
        Decimal("100.00"),
        Decimal("199.50"),
        Decimal("2299.50"),
    )


def test_taxes_are_checked_to_the_cent() -> None:
    right = InvoiceFields(
        subtotal=Decimal("100.00"),
        gst=Decimal("5.00"),
        qst=Decimal("9.98"),
        total=Decimal("114.98"),
    )
    check = invoices.check_taxes(right)
    assert check.ok
    assert (check.expected_gst, check.expected_qst) == (Decimal("5.00"), Decimal("9.98"))
    rounded = invoices.check_taxes(
        right.model_copy(update={"qst": Decimal("9.97"), "total": Decimal("114.97")})
    )
    assert rounded.ok  # a supplier rounding each line may land a cent away
    wrong = invoices.check_taxes(right.model_copy(update={"qst": Decimal("14.98")}))
    assert (wrong.gst_ok, wrong.qst_ok, wrong.total_ok, wrong.ok) == (True, False, False, False)
    assert not invoices.check_taxes(InvoiceFields(total=Decimal("1"))).ok


def assert_read(body: dict[str, object], truth: InvoiceTruth) -> None:
    assert body["vendor"] == truth.vendor
    assert body["number"] == truth.number
    assert body["date"] == truth.date.isoformat()
    amounts = [body[name] for name in ("subtotal", "gst", "qst", "total")]
    assert amounts == [str(truth.subtotal), str(truth.gst), str(truth.qst), str(truth.total)]
    assert body["taxes_check"] == {
        "expected_gst": str(truth.gst),
        "expected_qst": str(truth.qst),
        "gst_ok": True,
        "qst_ok": True,
        "total_ok": True,
        "ok": True,
    }


async def test_a_text_pdf_is_read_from_its_text_layer(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    await login_as("buyer", ("billing",))
    for truth, french in ((FRENCH, True), (ENGLISH, False)):
        response = await client.post(
            "/vision/invoice",
            **upload(text_pdf(truth, french=french), "facture.pdf", "application/pdf"),
        )
        assert response.status_code == 200, response.text
        assert_read(response.json(), truth)


async def test_a_photo_of_an_invoice_is_read(client: httpx.AsyncClient, login_as: LoginAs) -> None:
    await login_as("buyer", ("billing",))
    response = await client.post(
        "/vision/invoice", **upload(photo_of_invoice(ENGLISH, french=False))
    )
    assert response.status_code == 200, response.text
    assert_read(response.json(), ENGLISH)


async def test_a_scanned_pdf_page_is_rendered_and_read(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    await login_as("buyer", ("billing",))
    response = await client.post(
        "/vision/invoice", **upload(scanned_pdf(FRENCH, french=True), "scan.pdf", "application/pdf")
    )
    assert response.status_code == 200, response.text
    assert_read(response.json(), FRENCH)
