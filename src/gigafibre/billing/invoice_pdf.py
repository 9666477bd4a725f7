"""The invoice as a PDF (fpdf2: pure Python, no system packages), in the customer's language."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from babel import dates, numbers
from fpdf import FPDF

from gigafibre.core.i18n import LOCALES

BRAND = (11, 61, 145)
WORDS = {
    "fr": {
        "invoice": "Facture",
        "date": "Date",
        "due": "Échéance",
        "period": "Période",
        "bill_to": "Facturé à",
        "description": "Description",
        "qty": "Qté",
        "rate": "Prix",
        "amount": "Montant",
        "subtotal": "Sous-total",
        "gst": "TPS (5 %)",
        "qst": "TVQ (9,975 %)",
        "total": "Total",
        "credit": "Crédit appliqué",
        "paid": "Payé",
        "due_now": "Solde à payer",
        "tax_numbers": "Nos numéros de taxes",
        "thanks": "Merci de votre confiance.",
        "to": "au",
    },
    "en": {
        "invoice": "Invoice",
        "date": "Date",
        "due": "Due",
        "period": "Period",
        "bill_to": "Bill to",
        "description": "Description",
        "qty": "Qty",
        "rate": "Rate",
        "amount": "Amount",
        "subtotal": "Subtotal",
        "gst": "GST (5%)",
        "qst": "QST (9.975%)",
        "total": "Total",
        "credit": "Credit applied",
        "paid": "Paid",
        "due_now": "Balance due",
        "tax_numbers": "Our tax numbers",
        "thanks": "Thank you for your business.",
        "to": "to",
    },
}


@dataclass(frozen=True)
class InvoiceLineView:
    description: str
    qty: int
    rate: Decimal
    amount: Decimal


@dataclass(frozen=True)
class InvoiceView:
    name: str
    language: str
    posting_date: dt.date
    due_date: dt.date
    period: tuple[dt.date, dt.date] | None
    customer_name: str
    customer_number: str
    address_lines: tuple[str, ...]
    lines: tuple[InvoiceLineView, ...]
    subtotal: Decimal
    gst: Decimal
    qst: Decimal
    total: Decimal
    credit_applied: Decimal
    outstanding: Decimal
    company_name: str
    company_address: str
    gst_number: str
    qst_number: str


def render_invoice_pdf(invoice: InvoiceView) -> bytes:
    words = WORDS.get(invoice.language, WORDS["fr"])
    locale = LOCALES.get(invoice.language, "fr_CA")

    def money(value: Decimal) -> str:
        return str(numbers.format_currency(value, "CAD", locale=locale))

    def day(value: dt.date) -> str:
        return str(dates.format_date(value, "long", locale=locale))

    pdf = FPDF(format="Letter")
    pdf.set_title(f"{words['invoice']} {invoice.name}")
    pdf.set_author(invoice.company_name)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 20)
    pdf.set_text_color(*BRAND)
    pdf.cell(0, 10, invoice.company_name, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    pdf.set_text_color(90, 90, 90)
    pdf.multi_cell(100, 4.5, invoice.company_address, new_x="LMARGIN", new_y="NEXT")
    pdf.set_xy(120, 12)
    pdf.set_font("Helvetica", "B", 16)
    pdf.set_text_color(20, 20, 20)
    pdf.cell(0, 8, f"{words['invoice']} {invoice.name}", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    facts = [(words["date"], day(invoice.posting_date)), (words["due"], day(invoice.due_date))]
    if invoice.period:
        facts.append(
            (words["period"], f"{day(invoice.period[0])} {words['to']} {day(invoice.period[1])}")
        )
    for label, value in facts:
        pdf.set_x(100)
        pdf.cell(0, 5.5, f"{label} : {value}", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 6, words["bill_to"], new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    for line in (f"{invoice.customer_name} ({invoice.customer_number})", *invoice.address_lines):
        pdf.cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    widths = (100, 20, 35, 35)
    pdf.set_fill_color(*BRAND)
    pdf.set_text_color(255, 255, 255)
    pdf.set_font("Helvetica", "B", 10)
    for width, label, align in zip(
        widths,
        (words["description"], words["qty"], words["rate"], words["amount"]),
        ("L", "R", "R", "R"),
        strict=True,
    ):
        pdf.cell(width, 7, label, fill=True, align=align)
    pdf.ln()
    pdf.set_text_color(20, 20, 20)
    pdf.set_font("Helvetica", "", 10)
    for item in invoice.lines:
        pdf.cell(widths[0], 6.5, item.description[:60])
        pdf.cell(widths[1], 6.5, str(item.qty), align="R")
        pdf.cell(widths[2], 6.5, money(item.rate), align="R")
        pdf.cell(widths[3], 6.5, money(item.amount), align="R")
        pdf.ln()
    pdf.ln(3)
    totals: list[tuple[str, Decimal]] = [
        (words["subtotal"], invoice.subtotal),
        (words["gst"], invoice.gst),
        (words["qst"], invoice.qst),
        (words["total"], invoice.total),
    ]
    if invoice.credit_applied:
        totals.append((words["credit"], -invoice.credit_applied))
    paid = invoice.total - invoice.credit_applied - invoice.outstanding
    if paid:
        totals.append((words["paid"], -paid))
    totals.append((words["due_now"], invoice.outstanding))
    for caption, figure in totals:
        strong = caption in (words["total"], words["due_now"])
        pdf.set_font("Helvetica", "B" if strong else "", 10)
        pdf.cell(sum(widths[:3]), 6, caption, align="R")
        pdf.cell(widths[3], 6, money(figure), align="R")
        pdf.ln()
    pdf.ln(10)
    pdf.set_font("Helvetica", "", 8)
    pdf.set_text_color(90, 90, 90)
    pdf.cell(
        0,
        4.5,
        f"{words['tax_numbers']} : TPS/GST {invoice.gst_number} · TVQ/QST {invoice.qst_number}",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.cell(0, 4.5, words["thanks"], new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
