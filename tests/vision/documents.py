"""Supplier invoices rendered here: a photo-like image, a born-digital PDF and a scanned PDF.

The text PDF is written by hand (one page, Helvetica, WinAnsi text), so pdfium finds a real
text layer in it; the scanned PDF is Pillow's picture-in-a-PDF, which has none.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

from PIL import Image, ImageDraw, ImageFilter, ImageFont


@dataclass(frozen=True)
class InvoiceTruth:
    vendor: str
    number: str
    date: dt.date
    subtotal: Decimal
    gst: Decimal
    qst: Decimal
    total: Decimal


FRENCH = InvoiceTruth(
    "Distributions Fibrex inc.",
    "F-2025-0153",
    dt.date(2025, 3, 15),
    Decimal("1234.50"),
    Decimal("61.73"),
    Decimal("123.14"),
    Decimal("1419.37"),
)
ENGLISH = InvoiceTruth(
    "Northern Optics Supply Ltd.",
    "INV-20931",
    dt.date(2025, 3, 3),
    Decimal("2150.00"),
    Decimal("107.50"),
    Decimal("214.46"),
    Decimal("2471.96"),
)

# (x, y from the top, size, text, right-aligned) in points on an A4 page (595 x 842)
Line = tuple[float, float, float, str, bool]


def french_amount(value: Decimal) -> str:
    whole, cents = f"{value:.2f}".split(".")
    groups = f"{int(whole):,}".replace(",", " ")
    return f"{groups},{cents} $"


def english_amount(value: Decimal) -> str:
    return f"${value:,.2f}"


def invoice_lines(truth: InvoiceTruth, *, french: bool) -> list[Line]:
    money = french_amount if french else english_amount
    if french:
        head = [
            (50, 60, 22, truth.vendor, False),
            (50, 90, 10, "1250, rue des Érables, Lévis (Québec) G6V 4K1", False),
            (50, 106, 10, "TPS : 123456789 RT0001   TVQ : 1234567890 TQ0001", False),
            (400, 60, 20, "FACTURE", False),
            (360, 150, 11, f"No de facture : {truth.number}", False),
            (360, 168, 11, f"Date : {truth.date.isoformat()}", False),
            (360, 186, 11, f"Échéance : {(truth.date + dt.timedelta(days=30)).isoformat()}", False),
            (50, 150, 11, "Facturer à : Gigafibre, 1000 boul. Charest Est, Québec", False),
        ]
        rows = [
            ("Câble fibre 2 brins (100 m)", Decimal("450.00")),
            ("Connecteurs SC/APC (100)", Decimal("235.00")),
            ("Boîtiers de raccordement (10)", Decimal("549.50")),
        ]
        labels = ("Sous-total", "TPS (5 %)", "TVQ (9,975 %)", "Total")
    else:
        head = [
            (50, 60, 22, truth.vendor, False),
            (50, 90, 10, "88 Industrial Park Road, Sherbrooke, QC J1L 2T9", False),
            (50, 106, 10, "GST No. 987654321 RT0001   QST No. 9876543210 TQ0001", False),
            (400, 60, 20, "INVOICE", False),
            (360, 150, 11, f"Invoice No.: {truth.number}", False),
            (
                360,
                168,
                11,
                f"Invoice Date: {truth.date:%B} {truth.date.day}, {truth.date.year}",
                False,
            ),
            (360, 186, 11, "Due Date: April 2, 2025", False),
            (50, 150, 11, "Bill to: Gigafibre, 1000 Charest Blvd East, Quebec City", False),
        ]
        rows = [
            ("Drop cable 12F (1000 ft)", Decimal("1650.00")),
            ("Splice trays (20)", Decimal("500.00")),
        ]
        labels = ("Subtotal", "GST (5%)", "QST (9.975%)", "Total")
    body: list[Line] = [
        (50, 240, 11, "Description", False),
        (545, 240, 11, "Amount" if not french else "Montant", True),
    ]
    y = 262.0
    for text, amount in rows:
        body += [(50, y, 11, text, False), (545, y, 11, money(amount), True)]
        y += 18
    y += 20
    for label, amount in zip(
        labels, (truth.subtotal, truth.gst, truth.qst, truth.total), strict=True
    ):
        body += [(360, y, 12, label, False), (545, y, 12, money(amount), True)]
        y += 20
    return head + body


def render_invoice(truth: InvoiceTruth, *, french: bool, dpi: int = 150) -> Image.Image:
    scale = dpi / 72
    page = Image.new("RGB", (round(595 * scale), round(842 * scale)), "white")
    draw = ImageDraw.Draw(page)
    for x, y, size, text, right in invoice_lines(truth, french=french):
        font = ImageFont.load_default(size=round(size * scale))
        width = draw.textlength(text, font=font)
        draw.text(
            ((x * scale - width) if right else x * scale, y * scale), text, font=font, fill="black"
        )
    return page


def photo_of_invoice(truth: InvoiceTruth, *, french: bool) -> bytes:
    """A slightly blurred, slightly turned phone shot of a printed invoice, as a JPEG."""
    page = render_invoice(truth, french=french)
    page = page.rotate(
        1.5, expand=True, fillcolor=(200, 200, 195), resample=Image.Resampling.BICUBIC
    )
    page = page.filter(ImageFilter.GaussianBlur(0.6))
    output = io.BytesIO()
    page.save(output, format="JPEG", quality=85)
    return output.getvalue()


def scanned_pdf(truth: InvoiceTruth, *, french: bool) -> bytes:
    output = io.BytesIO()
    render_invoice(truth, french=french).save(output, format="PDF", resolution=150)
    return output.getvalue()


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def text_pdf(truth: InvoiceTruth, *, french: bool) -> bytes:
    """A one-page PDF with a real text layer, as accounting software writes them."""
    commands = []
    for x, y, size, text, right in invoice_lines(truth, french=french):
        width = ImageFont.load_default(size=size).getlength(text) * 0.95 if right else 0
        commands.append(
            b"BT /F1 %d Tf %.1f %.1f Td " % (size, x - width, 842 - y - size)
            + _pdf_string(text)
            + b" Tj ET"
        )
    stream = b"\n".join(commands)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    output = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(output))
        output += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref = len(output)
    output += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    output += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    output += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(output)
