"""The demo ISP's catalogue, technicians, tags and equipment models."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

WEEKDAYS = {
    "mon": ["08:00", "16:30"],
    "tue": ["08:00", "16:30"],
    "wed": ["08:00", "16:30"],
    "thu": ["08:00", "16:30"],
    "fri": ["08:00", "16:30"],
}
LATE = {
    "tue": ["10:00", "19:00"],
    "wed": ["10:00", "19:00"],
    "thu": ["10:00", "19:00"],
    "fri": ["10:00", "19:00"],
    "sat": ["08:00", "16:00"],
}


def _plan(code: str, mbps: int, up: int, price: str, fr: str, en: str) -> dict[str, Any]:
    return {
        "item_code": code,
        "item_group": "plan",
        "name_fr": fr,
        "name_en": en,
        "description_fr": f"Internet fibre {mbps} Mbit/s en téléchargement, {up} Mbit/s en "
        "téléversement, données illimitées.",
        "description_en": f"Fibre internet, {mbps} Mbps down, {up} Mbps up, unlimited data.",
        "price": Decimal(price),
        "billing_interval": "month",
        "taxable": True,
        "download_mbps": mbps,
        "upload_mbps": up,
        "active": True,
    }


def _item(code: str, group: str, price: str, interval: str, fr: str, en: str) -> dict[str, Any]:
    return {
        "item_code": code,
        "item_group": group,
        "name_fr": fr,
        "name_en": en,
        "description_fr": "",
        "description_en": "",
        "price": Decimal(price),
        "billing_interval": interval,
        "taxable": True,
        "download_mbps": None,
        "upload_mbps": None,
        "active": True,
    }


ITEMS = (
    _plan("FIBRE-100", 100, 20, "60.00", "Fibre 100", "Fibre 100"),
    _plan("FIBRE-500", 500, 100, "75.00", "Fibre 500", "Fibre 500"),
    _plan("FIBRE-1000", 1000, 500, "90.00", "Fibre 1 Gbit/s", "Fibre 1 Gbps"),
    _plan("FIBRE-1500", 1500, 1000, "110.00", "Fibre 1,5 Gbit/s", "Fibre 1.5 Gbps"),
    _item("PHONE", "service", "25.00", "month", "Téléphonie résidentielle", "Home phone"),
    _item("TV-BASE", "service", "35.00", "month", "Télé de base", "Basic TV"),
    _item(
        "WIFI-MESH",
        "equipment",
        "8.00",
        "month",
        "Location de borne Wi-Fi maillée",
        "Mesh Wi-Fi unit rental",
    ),
    _item("INSTALL", "fee", "99.00", "once", "Frais d'installation", "Installation fee"),
    _item("ACTIVATION", "fee", "25.00", "once", "Frais d'activation", "Activation fee"),
    _item("ONT", "equipment", "0.00", "once", "Terminal optique (ONT)", "Optical terminal (ONT)"),
    _item("ROUTER", "equipment", "149.00", "once", "Routeur Wi-Fi 6", "Wi-Fi 6 router"),
)

TECHNICIANS: tuple[dict[str, Any], ...] = tuple(
    {
        "full_name": name,
        "email": email,
        "skills": skills,
        "shifts": shifts,
        "home_base": base,
        "home_latitude": lat,
        "home_longitude": lon,
        "gps_device_id": f"trk-{index:03d}",
        "active": True,
    }
    for index, (name, email, skills, shifts, base, lat, lon) in enumerate(
        (
            (
                "Mathieu Gagnon",
                "mathieu.gagnon@gigafibre.ca",
                ["fibre_install", "splicing", "aerial"],
                WEEKDAYS,
                "Entrepôt Lebourgneuf, Québec",
                46.8420,
                -71.2960,
            ),
            (
                "Sophie Bouchard",
                "sophie.bouchard@gigafibre.ca",
                ["fibre_install", "repair", "tv"],
                WEEKDAYS,
                "Entrepôt Lebourgneuf, Québec",
                46.8420,
                -71.2960,
            ),
            (
                "Karim Benali",
                "karim.benali@gigafibre.ca",
                ["repair", "phone", "tv"],
                LATE,
                "Entrepôt Lebourgneuf, Québec",
                46.8420,
                -71.2960,
            ),
            (
                "Julie Pelletier",
                "julie.pelletier@gigafibre.ca",
                ["fibre_install", "commercial"],
                WEEKDAYS,
                "Dépôt Lévis",
                46.7840,
                -71.1790,
            ),
            (
                "Marc-André Côté",
                "marc-andre.cote@gigafibre.ca",
                ["splicing", "aerial", "repair"],
                WEEKDAYS,
                "Dépôt Lévis",
                46.7840,
                -71.1790,
            ),
            (
                "Émilie Fortin",
                "emilie.fortin@gigafibre.ca",
                ["fibre_install", "repair"],
                LATE,
                "Dépôt Lévis",
                46.7840,
                -71.1790,
            ),
            (
                "Patrick Lavoie",
                "patrick.lavoie@gigafibre.ca",
                ["commercial", "repair", "phone"],
                WEEKDAYS,
                "Entrepôt Lebourgneuf, Québec",
                46.8420,
                -71.2960,
            ),
            (
                "Olivier Simard",
                "olivier.simard@gigafibre.ca",
                ["fibre_install", "aerial"],
                LATE,
                "Domicile, Stoneham",
                47.0050,
                -71.3710,
            ),
            (
                "Catherine Morin",
                "catherine.morin@gigafibre.ca",
                ["repair", "tv", "phone"],
                WEEKDAYS,
                "Domicile, Saint-Augustin",
                46.7480,
                -71.4550,
            ),
            (
                "David Thompson",
                "david.thompson@gigafibre.ca",
                ["fibre_install", "splicing"],
                WEEKDAYS,
                "Domicile, Boischatel",
                46.9010,
                -71.1390,
            ),
        ),
        start=1,
    )
)

TAGS = (
    ("VIP", "warning"),
    ("Entreprise", "primary"),
    ("Retard de paiement", "danger"),
    ("Nouveau client", "success"),
    ("Zone rurale", "secondary"),
)

ONTS = (("Nokia", "G-010G-Q", "ALCL"), ("Huawei", "HG8010H", "HWTC"), ("ZTE", "F601", "ZTEG"))
ROUTERS = (
    ("TP-Link", "Deco XX230v", "A4:2B:B0"),
    ("Eero", "Eero 6+", "F0:B3:EC"),
    ("TP-Link", "Archer AX55", "3C:52:A1"),
)
