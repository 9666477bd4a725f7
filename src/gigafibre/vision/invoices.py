"""Supplier invoices: vendor, number, date and amounts, read from the words printed beside them.

Quebec suppliers print in French or English, `1 234,56 $` or `$1,234.56`, and list GST (TPS)
and QST (TVQ) separately. An amount is money only with two decimals, so a tax registration
number (`123456789 RT0001`) or a rate (`9,975 %`) is never taken for one. Then the taxes are
checked against the subtotal: a reading that adds up is very likely right.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from decimal import Decimal

from gigafibre.core.money import quebec_taxes
from gigafibre.vision import layout
from gigafibre.vision.layout import TextLine
from gigafibre.vision.parsers import BOX_BREAK
from gigafibre.vision.schemas import InvoiceFields, TaxesCheck, parse_amount

TOLERANCE = Decimal("0.01")
AMOUNT = re.compile(
    r"(?<![\d.,])-?\$?\s?((?:\d{1,3}(?:[ \u00a0\u202f.,]\d{3})+|\d+)[.,]\d{2})(?![\d%])(?!\s%)"
)
AMOUNT_KEYS = (
    ("subtotal", re.compile(r"sous-?\s*total|sub-?\s*total|total\s*partiel|avant\s*taxes")),
    ("gst", re.compile(r"(?<![a-z])(?:tps|gst|t\.p\.s\.?|g\.s\.t\.?)(?![a-z])")),
    ("qst", re.compile(r"(?<![a-z])(?:tvq|qst|t\.v\.q\.?|q\.s\.t\.?)(?![a-z])")),
    ("total", re.compile(r"(?<![a-z])total(?![a-z])|montant\s*du|amount\s*due|balance\s*due"
                         r"|a\s*payer")),
)
NOT_TOTAL = re.compile(r"total\s*(?:des\s*)?tax|tax\w*\s*total")
NUMBER = re.compile(
    r"(?:(?:facture|invoice|bill|inv)\.?\s*(?:n[o°º]?\.?|#|number|numero|num\.?)?"
    r"|n[o°º]\.?\s*(?:de\s*)?facture)\s*[:#.]?\s*([a-z0-9][a-z0-9\-/_.]{1,30})"
)
DATE_KEY = re.compile(r"date")
DUE = re.compile(r"echeance|due|exigible|payable")
MONTHS = {
    "jan": 1, "janv": 1, "janvier": 1, "january": 1, "feb": 2, "fev": 2, "fevr": 2,
    "fevrier": 2, "february": 2, "mar": 3, "mars": 3, "march": 3, "apr": 4, "avr": 4,
    "avril": 4, "april": 4, "may": 5, "mai": 5, "jun": 6, "juin": 6, "june": 6, "jul": 7,
    "juil": 7, "juillet": 7, "july": 7, "aug": 8, "aou": 8, "aout": 8, "august": 8, "sep": 9,
    "sept": 9, "septembre": 9, "september": 9, "oct": 10, "octobre": 10, "october": 10,
    "nov": 11, "novembre": 11, "november": 11, "dec": 12, "decembre": 12, "december": 12,
}
_MONTH = r"([a-z]{3,9})\.?"
DATES = (
    (re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"), "ymd"),
    (re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})"), "dmy"),
    (re.compile(r"(\d{1,2})(?:er)?\s*" + _MONTH + r"\s*,?\s*(\d{4})"), "d_month_y"),
    (re.compile(_MONTH + r"\s*(\d{1,2})(?:st|nd|rd|th)?\s*,?\s*(\d{4})"), "month_d_y"),
)
HEADINGS = re.compile(
    r"facture|invoice|\bbill|\bdate\b|\bn[o°º]\b|\btel\b|phone|www|@|courriel|e-?mail"
    r"|\bpage\b|\bclient\b|customer|sold to|vendu a|ship to"
)


def fold(text: str) -> str:
    """Lower case without accents, so `Échéance` and `echeance` match the same pattern."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def amounts(text: str) -> list[Decimal]:
    found = []
    for match in AMOUNT.finditer(text):
        value = parse_amount(match.group(1))
        if isinstance(value, Decimal):
            found.append(value)
    return found


def parse_date(text: str) -> dt.date | None:
    folded = fold(text)
    for pattern, order in DATES:
        for match in pattern.finditer(folded):
            first, second, third = match.groups()
            try:
                if order == "ymd":
                    return dt.date(int(first), int(second), int(third))
                if order == "dmy":  # Quebec writes day/month; a first part over 12 settles it
                    day, month = int(first), int(second)
                    if month > 12 >= day:
                        day, month = month, day
                    return dt.date(int(third), month, day)
                if order == "d_month_y" and first.isdigit() and second in MONTHS:
                    return dt.date(int(third), MONTHS[second], int(first))
                if order == "month_d_y" and first in MONTHS:
                    return dt.date(int(third), MONTHS[first], int(second))
            except ValueError:
                continue
    return None


def _amount_fields(rows: list[str]) -> dict[str, Decimal]:
    found: dict[str, list[Decimal]] = {}
    for index, row in enumerate(rows):
        folded = fold(row)
        field = next((name for name, key in AMOUNT_KEYS if key.search(folded)), None)
        if field is None or (field == "total" and NOT_TOTAL.search(folded)):
            continue
        values = amounts(row)
        if not values and index + 1 < len(rows) and re.fullmatch(
            r"[\s$\d.,\u00a0\u202f]+", rows[index + 1].replace(BOX_BREAK, " ")
        ):
            values = amounts(rows[index + 1])
        if values:
            found.setdefault(field, []).append(values[-1])
    chosen = {field: values[0] for field, values in found.items()}
    totals = found.get("total", [])
    if totals:
        parts = [chosen.get(name) for name in ("subtotal", "gst", "qst")]
        complete = [part for part in parts if part is not None]
        sums = sum(complete) if len(complete) == len(parts) else None
        chosen["total"] = next((v for v in totals if sums is not None and v == sums), totals[-1])
    return chosen


def _number(rows: list[str]) -> str | None:
    for row in rows:
        for match in NUMBER.finditer(fold(row).replace(BOX_BREAK, " ")):
            value = match.group(1).strip("._-/")
            if re.search(r"\d", value) and parse_date(value) is None:
                return value.upper()
    return None


def _date(rows: list[str]) -> dt.date | None:
    keyed = [row for row in rows if DATE_KEY.search(fold(row)) and not DUE.search(fold(row))]
    for row in keyed + [row for row in rows if not DUE.search(fold(row))] + rows:
        found = parse_date(row)
        if found:
            return found
    return None


def _vendor(placed: list[layout.Placed]) -> str | None:
    """The tallest text in the top quarter that is not a heading: usually the supplier's name."""
    if not placed:
        return None
    top, bottom = min(p.box.y0 for p in placed), max(p.box.y1 for p in placed)
    names = [
        item
        for item in placed
        if item.box.y0 <= top + (bottom - top) / 4
        and re.search(r"[A-Za-zÀ-ÿ]{3}", item.line.text)
        and not HEADINGS.search(fold(item.line.text))
        and not amounts(item.line.text)
        and not re.search(r"\d{3}", item.line.text)  # addresses, phone and tax numbers
    ]
    if not names:
        return None
    tallest = max(item.box.height for item in names)
    first = min((item for item in names if item.box.height >= 0.85 * tallest),
                key=lambda item: (item.box.y0, item.box.x0))
    return first.line.text.strip()[:140] or None


def from_lines(lines: Sequence[TextLine]) -> InvoiceFields:
    """Invoice fields from positioned text (OCR boxes or a PDF's text layer)."""
    degrees = layout.upright_angle([], lines)
    placed = layout.place(lines, degrees, (0.0, 0.0))
    grouped = layout.rows(placed)
    texts = [f" {BOX_BREAK} ".join(item.line.text for item in row) for row in grouped]
    fields = _amount_fields(texts)
    return InvoiceFields(
        vendor=_vendor(placed),
        number=_number(texts),
        date=_date(texts),
        **fields,
    )


def check_taxes(fields: InvoiceFields) -> TaxesCheck:
    """GST and QST each within a cent of the rate on the subtotal, and the total adds up."""
    if fields.subtotal is None:
        return TaxesCheck()
    gst, qst = quebec_taxes(fields.subtotal)
    gst_ok = abs(fields.gst - gst) <= TOLERANCE if fields.gst is not None else None
    qst_ok = abs(fields.qst - qst) <= TOLERANCE if fields.qst is not None else None
    total_ok = None
    if fields.gst is not None and fields.qst is not None and fields.total is not None:
        total_ok = abs(fields.subtotal + fields.gst + fields.qst - fields.total) <= TOLERANCE
    return TaxesCheck(
        expected_gst=gst,
        expected_qst=qst,
        gst_ok=gst_ok,
        qst_ok=qst_ok,
        total_ok=total_ok,
        ok=bool(gst_ok and qst_ok and total_ok),
    )
