"""The ops OCR page as a person uses it: upload, review and correct, then save."""

from __future__ import annotations

import re

import httpx
from fastapi import FastAPI
from PIL import Image
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.equipment.models import EquipmentStatus, ServiceEquipment
from gigafibre.vision.models import SupplierBill
from tests.conftest import LoginAs
from tests.vision.documents import FRENCH, text_pdf
from tests.vision.fakes import FakeGemini
from tests.vision.test_api import codes_picture, jpeg
from tests.vision.test_gemini import LABEL

HTMX = {"HX-Request": "true"}
HTML = {"accept": "text/html"}


def label_form(csrf: str, **changes: str) -> dict[str, str]:
    form = {
        "csrf_token": csrf,
        "index": "0",
        "equipment_type": "ont",
        "vendor": "Nokia",
        "model": "G-240W-F",
        "serial_number": "alclb1234567",
        "mac_address": "00-1a-2b-3c-4d-5e",
        "gpon_serial": "ALCLB1234567",
        "confidence.serial_number": "0.99",
    }
    form.update(changes)
    return form


def bill_form(csrf: str, **changes: str) -> dict[str, str]:
    form = {
        "csrf_token": csrf,
        "vendor": "Distributions Fibrex inc.",
        "number": "F-2025-0153",
        "date": "2025-03-15",
        "subtotal": "1 234,50 $",
        "gst": "61,73",
        "qst": "123.14",
        "total": "1419.37",
    }
    form.update(changes)
    return form


async def test_the_page_offers_a_camera_upload_and_is_in_the_menu(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    await login_as("tech-ocr", ("tech",))
    page = await client.get("/ops/ocr", headers=HTML)
    assert page.status_code == 200
    html = page.text
    assert re.search(
        r'<input[^>]+type="file"[^>]+accept="image/\*,application/pdf"[^>]+'
        r'capture="environment"',
        html,
    )
    assert 'name="csrf_token"' in html
    assert re.search(r'class="nav-link active" href="/ops/ocr"', html)
    assert 'value="equipment"' in html


async def test_billing_sees_only_the_invoice_choice(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    await login_as("buyer", ("billing",))
    html = (await client.get("/ops/ocr", headers=HTML)).text
    assert 'value="equipment"' not in html
    assert re.search(r'value="invoice"\s+checked', html)


async def test_reading_a_photo_fills_a_form_per_label(
    gemini_app: FastAPI, gemini: FakeGemini, client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    await login_as("tech-ocr", ("tech",))
    gemini.answers.append(
        {"labels": [LABEL, {**LABEL, "serial_number": "ALCLB7654321", "vendor": None}]}
    )
    response = await client.post(
        "/ops/ocr/read",
        data={"kind": "equipment"},
        files={"file": ("p.jpg", jpeg(codes_picture()), "image/jpeg")},
        headers=HTMX,
    )
    assert response.status_code == 200
    html = response.text
    assert 'data-testid="equipment-form-0"' in html
    assert 'data-testid="equipment-form-1"' in html
    assert 'value="ALCLB7654321"' in html
    assert 'value="00:1A:2B:3C:4D:5E"' in html
    assert re.search(r'data-testid="confidence-label-0-serial_number">99 %', html)
    assert re.search(r'data-testid="confidence-label-1-vendor">0 %', html)


async def test_a_reviewed_label_becomes_equipment_in_stock(
    client: httpx.AsyncClient, login_as: LoginAs, session: AsyncSession
) -> None:
    csrf = await login_as("tech-ocr", ("tech",))
    response = await client.post("/ops/ocr/equipment", data=label_form(csrf), headers=HTMX)
    assert response.status_code == 200
    name = re.search(r"EQ-\d{6}", response.text)
    assert name is not None
    saved = await session.scalar(
        select(ServiceEquipment).where(ServiceEquipment.name == name.group())
    )
    assert saved is not None
    assert (saved.serial_number, saved.mac_address, saved.gpon_serial, saved.status) == (
        "ALCLB1234567",
        "00:1A:2B:3C:4D:5E",
        "ALCLB1234567",
        EquipmentStatus.in_stock,
    )


async def test_a_serial_already_in_stock_is_refused_on_its_field(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    csrf = await login_as("tech-ocr", ("tech",))
    first = await client.post("/ops/ocr/equipment", data=label_form(csrf), headers=HTMX)
    assert "EQ-" in first.text
    again = await client.post("/ops/ocr/equipment", data=label_form(csrf), headers=HTMX)
    assert again.status_code == 200  # htmx shows 2xx only
    assert 'data-testid="error-label-0-serial_number"' in again.text
    assert "Another equipment already has this serial number." in again.text
    plain = await client.post("/ops/ocr/equipment", data=label_form(csrf), headers=HTML)
    assert plain.status_code == 422


async def test_a_wrong_mac_or_gpon_serial_is_explained(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    csrf = await login_as("tech-ocr", ("tech",))
    response = await client.post(
        "/ops/ocr/equipment",
        data=label_form(
            csrf, mac_address="00:1A:2B:3C:4D", gpon_serial="ALCL12", index="3", serial_number=""
        ),
        headers=HTMX,
    )
    html = response.text
    assert "Enter a MAC address such as AA:BB:CC:DD:EE:FF." in html
    assert "Enter a GPON serial such as ALCLB1234567 (4 letters, 8 hex digits)." in html
    assert 'data-testid="error-label-3-serial_number"' in html
    assert 'value="00:1A:2B:3C:4D"' in html  # what the person typed stays


async def test_without_javascript_saving_returns_to_the_page(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    csrf = await login_as("tech-ocr", ("tech",))
    response = await client.post("/ops/ocr/equipment", data=label_form(csrf), headers=HTML)
    assert response.status_code == 303
    assert re.fullmatch(r"/ops/ocr\?saved=EQ-\d{6}", response.headers["location"])
    page = await client.get(response.headers["location"], headers=HTML)
    assert 'data-testid="ocr-saved"' in page.text


async def test_reading_problems_show_in_the_page(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    await login_as("tech-ocr", ("tech",))
    files = {"file": ("p.jpg", b"GIF89a broken", "image/jpeg")}
    fragment = await client.post(
        "/ops/ocr/read", data={"kind": "equipment"}, files=files, headers=HTMX
    )
    assert fragment.status_code == 200
    assert 'data-testid="ocr-problem"' in fragment.text
    page = await client.post("/ops/ocr/read", data={"kind": "equipment"}, files=files, headers=HTML)
    assert page.status_code == 422
    blank = jpeg(Image.new("RGB", (320, 240), "white"))
    nothing = await client.post(
        "/ops/ocr/read",
        data={"kind": "equipment"},
        files={"file": ("p.jpg", blank, "image/jpeg")},
        headers=HTMX,
    )
    assert "No label was found on this picture." in nothing.text


async def test_an_invoice_is_read_checked_and_recorded(
    client: httpx.AsyncClient, login_as: LoginAs, session: AsyncSession
) -> None:
    csrf = await login_as("buyer", ("billing",))
    reading = await client.post(
        "/ops/ocr/read",
        data={"kind": "invoice"},
        files={"file": ("f.pdf", text_pdf(FRENCH, french=True), "application/pdf")},
        headers=HTMX,
    )
    html = reading.text
    assert 'data-testid="invoice-form"' in html
    assert 'value="F-2025-0153"' in html
    assert 'value="2025-03-15"' in html
    assert 'data-testid="taxes-ok"' in html
    saved = await client.post("/ops/ocr/invoice", data=bill_form(csrf), headers=HTMX)
    name = re.search(r"PINV-\d{6}", saved.text)
    assert name is not None
    bill = await session.scalar(select(SupplierBill).where(SupplierBill.name == name.group()))
    assert bill is not None
    assert (str(bill.subtotal), str(bill.total), bill.taxes_match, bill.recorded_by) == (
        "1234.50",
        "1419.37",
        True,
        "buyer",
    )


async def test_a_bill_recorded_twice_or_with_wrong_taxes_is_flagged(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    csrf = await login_as("buyer", ("billing",))
    wrong = await client.post(
        "/ops/ocr/invoice", data=bill_form(csrf, qst="1.00", date="15/03"), headers=HTMX
    )
    assert "Enter a date such as 2025-03-15." in wrong.text
    assert 'data-testid="taxes-mismatch"' in wrong.text
    await client.post("/ops/ocr/invoice", data=bill_form(csrf), headers=HTMX)
    again = await client.post("/ops/ocr/invoice", data=bill_form(csrf), headers=HTMX)
    assert "This bill number is already recorded for this supplier." in again.text


async def test_only_billing_records_bills_and_only_field_roles_stock_equipment(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    csrf = await login_as("tech-ocr", ("tech",))
    bill = await client.post("/ops/ocr/invoice", data=bill_form(csrf), headers=HTML)
    assert bill.status_code == 403
    await client.post("/logout", data={"csrf_token": csrf})
    csrf = await login_as("buyer", ("billing",))
    stock = await client.post("/ops/ocr/equipment", data=label_form(csrf), headers=HTML)
    assert stock.status_code == 403
