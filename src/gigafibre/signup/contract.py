"""The residential contract a customer accepts: built the same way every time from the quotation,
so its SHA-256 proves which exact text was shown and accepted.

The wording is a legal snapshot in the customer's language (fr-CA first), not a UI string: it is
written out here in both languages rather than through the translation catalogue, so a change of
translation can never change a text already accepted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from decimal import Decimal

from babel import numbers

from gigafibre.catalog.models import Lead, Quotation, QuotationLine
from gigafibre.core.i18n import LOCALES
from gigafibre.signup.models import SignupOrder

WORDS = {
    "fr": {
        "title": "Contrat de service Internet résidentiel — {company}",
        "reference": "Commande {order} · Soumission {quotation}",
        "customer": "Client : {name}",
        "address": "Adresse de service : {address}",
        "monthly": "Services mensuels :",
        "once": "Frais uniques :",
        "per_month": "{amount} par mois",
        "subtotal": "Sous-total : {amount}",
        "gst": "TPS (5 %) : {amount}",
        "qst": "TVQ (9,975 %) : {amount}",
        "total": "Total avant le premier paiement : {amount}",
        "term": "Durée : au mois, sans engagement; résiliation sur préavis de 30 jours.",
        "billing": "Facturation : chaque mois à l'avance, à compter de la date d'installation; "
        "le premier paiement couvre les frais uniques et le premier mois.",
        "law": "Contrat régi par la Loi sur la protection du consommateur du Québec.",
    },
    "en": {
        "title": "Residential Internet service contract — {company}",
        "reference": "Order {order} · Quotation {quotation}",
        "customer": "Customer: {name}",
        "address": "Service address: {address}",
        "monthly": "Monthly services:",
        "once": "One-time fees:",
        "per_month": "{amount} per month",
        "subtotal": "Subtotal: {amount}",
        "gst": "GST (5%): {amount}",
        "qst": "QST (9.975%): {amount}",
        "total": "Total before the first payment: {amount}",
        "term": "Term: month to month, no commitment; cancel with 30 days' notice.",
        "billing": "Billing: monthly in advance from the installation date; the first payment "
        "covers one-time fees and the first month.",
        "law": "This contract is governed by Quebec's Consumer Protection Act.",
    },
}


def _money(amount: Decimal, language: str) -> str:
    text = numbers.format_currency(amount, "CAD", locale=LOCALES[language])
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def address_line(order: SignupOrder) -> str:
    unit = f"{order.unit}-" if order.unit else ""
    return f"{unit}{order.civic_number} {order.street}, {order.city} {order.postal_code}"


def contract_text(
    *,
    company: str,
    order: SignupOrder,
    lead: Lead,
    quotation: Quotation,
    lines: Sequence[tuple[QuotationLine, bool]],
    language: str,
) -> str:
    """The full text; `lines` pairs each quotation line with whether it bills monthly."""
    words = WORDS["en" if language == "en" else "fr"]
    lang = "en" if language == "en" else "fr"
    out = [
        words["title"].format(company=company),
        words["reference"].format(order=order.name, quotation=quotation.name),
        words["customer"].format(name=lead.full_name),
        words["address"].format(address=address_line(order)),
        "",
    ]
    for heading, monthly in (("monthly", True), ("once", False)):
        chosen = [line for line, is_monthly in lines if is_monthly is monthly]
        if not chosen:
            continue
        out.append(words[heading])
        for line in chosen:
            amount = _money(line.amount, lang)
            price = words["per_month"].format(amount=amount) if monthly else amount
            qty = f"{line.qty} × " if line.qty != 1 else ""
            out.append(
                f"- {qty}{line.description} : {price}"
                if lang == "fr"
                else f"- {qty}{line.description}: {price}"
            )
        out.append("")
    out += [
        words["subtotal"].format(amount=_money(quotation.subtotal, lang)),
        words["gst"].format(amount=_money(quotation.gst, lang)),
        words["qst"].format(amount=_money(quotation.qst, lang)),
        words["total"].format(amount=_money(quotation.total, lang)),
        "",
        words["term"],
        words["billing"],
        words["law"],
    ]
    return "\n".join(out)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
