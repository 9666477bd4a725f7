"""The demo ISP's catalogue, technicians, tags and equipment models."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class CatalogItem:
    item_code: str
    item_group: str
    billing_interval: str
    price: Decimal
    name_fr: str
    name_en: str
    description_fr: str
    description_en: str
    download_mbps: int | None = None
    upload_mbps: int | None = None


def _plan(code: str, down: int, up: int, price: str, fr: str, en: str) -> CatalogItem:
    return CatalogItem(
        code,
        "plan",
        "month",
        Decimal(price),
        fr,
        en,
        f"Internet par fibre optique, {down} Mbit/s en téléchargement et {up} Mbit/s en "
        "téléversement, données illimitées.",
        f"Fibre-optic internet, {down} Mbps down and {up} Mbps up, unlimited data.",
        down,
        up,
    )


ITEMS = (
    _plan("FIBRE-100", 100, 20, "60.00", "Fibre 100", "Fibre 100"),
    _plan("FIBRE-500", 500, 100, "75.00", "Fibre 500", "Fibre 500"),
    _plan("FIBRE-1000", 1000, 500, "90.00", "Fibre 1 Gbit/s", "Fibre 1 Gbps"),
    _plan("FIBRE-1500", 1500, 1000, "110.00", "Fibre 1,5 Gbit/s", "Fibre 1.5 Gbps"),
    CatalogItem(
        "PHONE", "service", "month", Decimal("25.00"),
        "Téléphonie résidentielle", "Home phone",
        "Ligne téléphonique sur la fibre, appels illimités au Canada, afficheur et boîte vocale.",
        "Phone line over fibre, unlimited calls in Canada, caller ID and voicemail.",
    ),
    CatalogItem(
        "TV-BASE", "service", "month", Decimal("35.00"),
        "Télé de base", "Basic TV",
        "Une trentaine de chaînes, dont les chaînes locales de Québec, avec un décodeur.",
        "About thirty channels, including Québec City's local stations, with one set-top box.",
    ),
    CatalogItem(
        "WIFI-MESH", "equipment", "month", Decimal("8.00"),
        "Location de borne Wi-Fi maillée", "Mesh Wi-Fi unit rental",
        "Une borne Wi-Fi 6 de plus pour couvrir le sous-sol, l'étage ou la cour.",
        "One more Wi-Fi 6 unit to cover the basement, the upper floor or the yard.",
    ),
    CatalogItem(
        "INSTALL", "fee", "once", Decimal("99.00"),
        "Frais d'installation", "Installation fee",
        "Branchement de la fibre jusqu'à la résidence et pose du terminal optique.",
        "Fibre drop to the home and installation of the optical terminal.",
    ),
    CatalogItem(
        "ACTIVATION", "fee", "once", Decimal("25.00"),
        "Frais d'activation", "Activation fee",
        "Ouverture du compte et activation du service.",
        "Account opening and service activation.",
    ),
    CatalogItem(
        "ONT", "equipment", "once", Decimal("0.00"),
        "Terminal optique (ONT)", "Optical network terminal (ONT)",
        "Terminal GPON fourni et remplacé sans frais pendant l'abonnement.",
        "GPON terminal provided and replaced free of charge during the subscription.",
    ),
    CatalogItem(
        "ROUTER", "equipment", "once", Decimal("149.00"),
        "Routeur Wi-Fi 6", "Wi-Fi 6 router",
        "Routeur Wi-Fi 6 bibande, configuré et géré à distance par notre équipe.",
        "Dual-band Wi-Fi 6 router, configured and managed remotely by our team.",
    ),
)  # fmt: skip
PLANS = ("FIBRE-100", "FIBRE-500", "FIBRE-1000", "FIBRE-1500")
RESIDENTIAL_PLAN_WEIGHTS = (12, 40, 36, 12)
COMMERCIAL_PLAN_WEIGHTS = (4, 26, 44, 26)

# Weekly shifts: days and hours differ, so that every day of the week has someone on duty.
DAYS = {"mon": ["08:00", "16:30"], "tue": ["08:00", "16:30"], "wed": ["08:00", "16:30"],
        "thu": ["08:00", "16:30"], "fri": ["08:00", "16:30"]}  # fmt: skip
FOUR_TENS = {"mon": ["07:00", "17:30"], "tue": ["07:00", "17:30"], "wed": ["07:00", "17:30"],
             "thu": ["07:00", "17:30"]}  # fmt: skip
EVENINGS = {"tue": ["10:00", "19:00"], "wed": ["10:00", "19:00"], "thu": ["10:00", "19:00"],
            "fri": ["10:00", "19:00"], "sat": ["08:00", "16:00"]}  # fmt: skip
WEEKENDS = {"wed": ["12:00", "20:00"], "thu": ["12:00", "20:00"], "fri": ["12:00", "20:00"],
            "sat": ["08:00", "16:00"], "sun": ["08:00", "16:00"]}  # fmt: skip

LEBOURGNEUF = ("Entrepôt Lebourgneuf, 5000 boulevard des Gradins, Québec", 46.8419, -71.2929)
LEVIS = ("Dépôt de Lévis, 100 rue de la Concorde, Lévis", 46.7868, -71.2152)

# full name, skills, shifts, (home base, latitude, longitude)
TECHNICIANS = (
    ("Mathieu Gagnon", ["fibre_install", "splicing", "aerial"], DAYS, LEBOURGNEUF),
    ("Sophie Bouchard", ["fibre_install", "repair", "tv"], FOUR_TENS, LEBOURGNEUF),
    ("Karim Benali", ["repair", "phone", "tv"], EVENINGS, LEBOURGNEUF),
    ("Julie Pelletier", ["fibre_install", "commercial", "repair"], DAYS, LEVIS),
    ("Marc-André Côté", ["splicing", "aerial", "repair"], FOUR_TENS, LEVIS),
    ("Émilie Fortin", ["fibre_install", "repair", "phone"], EVENINGS, LEVIS),
    ("Patrick Lavoie", ["commercial", "repair", "phone", "splicing"], DAYS, LEBOURGNEUF),
    ("Olivier Simard", ["fibre_install", "aerial", "repair"], WEEKENDS,
     ("Domicile, chemin du Hibou, Stoneham", 47.0062, -71.3707)),
    ("Catherine Morin", ["repair", "tv", "phone", "fibre_install"], DAYS,
     ("Domicile, rue Lionel-Groulx, Saint-Augustin-de-Desmaures", 46.7449, -71.4583)),
    ("David Thompson", ["fibre_install", "splicing", "commercial"], EVENINGS,
     ("Domicile, avenue Royale, Boischatel", 46.9005, -71.1412)),
)  # fmt: skip
STAFF_EMAIL_DOMAIN = "gigafibre.ca"
SUPPORT_EMAIL = "soutien@gigafibre.ca"
SUPPORT_PHONE = "+14186580000"
SUPPORT_AGENTS = ("support", "admin")

TAGS = (
    ("VIP", "warning"),
    ("Entreprise", "primary"),
    ("Retard de paiement", "danger"),
    ("Nouveau client", "success"),
    ("Zone rurale", "secondary"),
)


@dataclass(frozen=True)
class EquipmentModel:
    equipment_type: str
    vendor: str
    model: str
    prefix: str  # GPON serial vendor id for ONTs, MAC OUI for the others


ONTS = (
    EquipmentModel("ont", "Nokia", "G-010G-Q", "ALCL"),
    EquipmentModel("ont", "Huawei", "HG8010H", "HWTC"),
    EquipmentModel("ont", "ZTE", "F601", "ZTEG"),
)
ROUTERS = (
    EquipmentModel("router", "TP-Link", "Deco XX230v", "A4:2B:B0"),
    EquipmentModel("router", "Eero", "Eero 6+", "F0:B3:EC"),
    EquipmentModel("router", "TP-Link", "Archer AX55", "3C:52:A1"),
)
MESH_NODE = EquipmentModel("router", "TP-Link", "Deco X20", "A4:2B:B0")
SET_TOP_BOX = EquipmentModel("set_top_box", "Amino", "H200", "00:02:02")
ATA = EquipmentModel("ata", "Grandstream", "HT801", "C0:74:AD")
STOCK = ((ONTS, 20), (ROUTERS, 12), ((SET_TOP_BOX,), 5), ((ATA,), 3))
