"""The demo region, Québec City and Lévis: districts, their streets, postal areas and OLTs.

Districts rather than whole towns, so that a street sits in its real neighbourhood, with that
neighbourhood's forward sortation areas (first half of the postal code), bounding box and OLT.
Coordinates are rough boxes around the built-up part of each district.
"""

from __future__ import annotations

from dataclasses import dataclass


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(";") if part.strip())


@dataclass(frozen=True)
class District:
    city: str
    name: str
    fsas: tuple[str, ...]
    box: tuple[float, float, float, float]  # south, north, west, east
    weight: float  # share of the customers, in percent
    olt: str
    civic: tuple[int, int]  # range of civic numbers
    units: float  # share of addresses with a unit (plexes, apartments)
    streets: tuple[str, ...]
    postal_code: str = ""  # rural areas share one code for the whole locality
    rural: bool = False


def _district(
    city: str,
    name: str,
    fsas: str,
    box: tuple[float, float, float, float],
    weight: float,
    olt: str,
    civic: tuple[int, int],
    units: float,
    streets: str,
    *,
    postal_code: str = "",
    rural: bool = False,
) -> District:
    return District(
        city, name, tuple(fsas.split()), box, weight, olt, civic, units, _split(streets),
        postal_code, rural,
    )  # fmt: skip


# fmt: off
DISTRICTS = (
    _district(
        "Québec", "Vieux-Québec–Saint-Jean-Baptiste", "G1R", (46.805, 46.817, -71.228, -71.205),
        6, "OLT-QC-01", (10, 1200), 0.55,
        """rue Saint-Jean; rue D'Aiguillon; rue Richelieu; rue Saint-Olivier; rue Sainte-Claire;
        rue Saint-Augustin; rue Lockwell; rue Saint-Gabriel; rue Saint-Patrick; rue des Zouaves;
        côte Sainte-Geneviève; rue Sainte-Ursule; rue Saint-Louis; rue des Remparts;
        rue Sainte-Anne; rue Saint-Paul; côte d'Abraham; rue Scott""",
    ),
    _district(
        "Québec", "Montcalm–Saint-Sacrement", "G1S G1R", (46.795, 46.810, -71.252, -71.220),
        8, "OLT-QC-01", (50, 1600), 0.45,
        """avenue Cartier; Grande Allée Ouest; chemin Sainte-Foy; boulevard René-Lévesque Ouest;
        rue De Salaberry; avenue Murray; avenue des Braves; rue Fraser; avenue Holland;
        avenue Belvédère; rue Crémazie Ouest; avenue Moncton; avenue De Bourlamaque;
        rue Père-Marquette; avenue Brown; avenue des Érables; avenue Bougainville;
        avenue De Laune""",
    ),
    _district(
        "Québec", "Saint-Roch–Saint-Sauveur", "G1K G1N", (46.808, 46.822, -71.252, -71.218),
        7, "OLT-QC-01", (100, 1200), 0.5,
        """rue Saint-Joseph Est; rue Saint-Joseph Ouest; rue Saint-Vallier Ouest;
        rue Saint-Vallier Est; boulevard Charest Ouest; rue de la Couronne; rue du Pont;
        rue Saint-François Est; rue Dorchester; rue de l'Église; boulevard Langelier;
        rue Arago Ouest; rue Saint-Ambroise; rue Marie-de-l'Incarnation; rue Bayard;
        avenue Simon-Napoléon-Parent; rue Durocher; rue Aragon""",
    ),
    _district(
        "Québec", "Limoilou", "G1L G1J", (46.818, 46.842, -71.240, -71.205),
        9, "OLT-QC-03", (100, 2500), 0.5,
        """1re Avenue; 3e Avenue; 4e Avenue; 8e Avenue; 10e Avenue; 4e Rue; 8e Rue; 12e Rue;
        18e Rue; 22e Rue; chemin de la Canardière; boulevard Benoît-XV; avenue Eugène-Lamontagne;
        rue de Cadillac; avenue De Vitré; rue des Chênes Ouest; avenue Lamontagne;
        rue de la Trinité""",
    ),
    _district(
        "Québec", "Sainte-Foy–Sillery", "G1V G1W G1T G1X", (46.760, 46.795, -71.320, -71.250),
        12, "OLT-QC-02", (700, 3900), 0.3,
        """chemin Sainte-Foy; boulevard Laurier; avenue Maguire; route de l'Église;
        boulevard Hochelaga; avenue Myrand; avenue Roland-Beaudin; avenue Lavigerie;
        chemin des Quatre-Bourgeois; avenue du Chanoine-Morel; boulevard Neilson;
        rue Chapdelaine; avenue Jean-De Quen; chemin Saint-Louis; rue du Campanile;
        avenue des Hôtels; rue de Marly; avenue Louis-Fréchette; rue Einstein;
        avenue Duchesneau; rue Légaré""",
    ),
    _district(
        "Québec", "Charlesbourg", "G1H G1G G2L", (46.850, 46.885, -71.300, -71.240),
        9, "OLT-QC-04", (100, 8500), 0.2,
        """boulevard Henri-Bourassa; boulevard Louis-XIV; 80e Rue Est; 41e Rue Est;
        76e Rue Ouest; rue de la Faune; boulevard du Jardin; rue des Érables; rue des Pins;
        rue des Épinettes; rue de la Sapinière; avenue Notre-Dame; rue du Trait-Carré;
        avenue Isidore-Garon; rue des Mélèzes; rue Jean-Talon; boulevard des Étudiants""",
    ),
    _district(
        "Québec", "Lebourgneuf–Neufchâtel", "G2J G2K G2B", (46.835, 46.870, -71.340, -71.280),
        6, "OLT-QC-04", (500, 9000), 0.25,
        """boulevard Lebourgneuf; boulevard Pierre-Bertrand; rue Bouvier; avenue Chauveau;
        boulevard de l'Ormière; rue des Roitelets; rue des Grands-Ducs; rue de Montolieu;
        rue Racine; rue de l'Espinay; rue des Hérons; rue Jean-Durand; rue de la Morille""",
    ),
    _district(
        "Québec", "Beauport", "G1C G1E G1B", (46.850, 46.890, -71.220, -71.150),
        6, "OLT-QC-03", (100, 5000), 0.2,
        """avenue Royale; boulevard des Chutes; boulevard Raymond; rue Seigneuriale;
        boulevard Sainte-Anne; avenue Saint-David; rue Clemenceau; rue Dugal;
        rue du Carrefour; avenue Larue; rue de la Terrasse-Cadieux; rue Bernier;
        avenue Joseph-Giffard; rue des Cygnes""",
    ),
    _district(
        "Lévis", "Vieux-Lévis–Lauzon", "G6V", (46.780, 46.815, -71.200, -71.130),
        8, "OLT-QC-05", (10, 2500), 0.3,
        """côte du Passage; avenue Bégin; rue Eden; rue Déziel; rue Fraser; rue Wolfe;
        boulevard Alphonse-Desjardins; rue Saint-Joseph; rue Monseigneur-Bourget;
        avenue Mont-Marie; rue Saint-Georges; boulevard de la Rive-Sud; rue Saint-Louis;
        rue Notre-Dame; rue Saint-Laurent; rue Saint-Omer; boulevard Guillaume-Couture""",
    ),
    _district(
        "Lévis", "Saint-Romuald–Charny", "G6W G6X", (46.700, 46.760, -71.280, -71.220),
        7, "OLT-QC-06", (100, 3000), 0.15,
        """avenue des Églises; rue de la Gare; rue Sainte-Hélène; avenue Sous-le-Vent;
        chemin du Sault; rue de l'Hôtel-de-Ville; route des Rivières; rue des Commandeurs;
        rue Charles-Rodrigue; rue du Parc; rue de la Rive-Gauche; avenue Saint-Augustin;
        rue Commerciale""",
    ),
    _district(
        "Lévis", "Saint-Nicolas", "G7A", (46.690, 46.725, -71.430, -71.350),
        5, "OLT-QC-06", (100, 2500), 0.05,
        """route Marie-Victorin; rue des Pionniers; chemin Vire-Crêpes; rue de Bernières;
        rue de l'Ermitage; rue des Érables; route des Rivières; rue Ernest-Lacasse;
        rue du Belvédère; rue des Bouleaux; rue de la Seigneurie""",
    ),
    _district(
        "Lévis", "Saint-Jean-Chrysostome–Pintendre", "G6Z G6Y G6C",
        (46.700, 46.760, -71.220, -71.130), 5, "OLT-QC-05", (100, 2500), 0.1,
        """route du Président-Kennedy; avenue Taniata; rue de la Colline; chemin Vanier;
        rue des Chênes; rue Arthur-Lemay; rue du Grand-Duc; rue Sainte-Geneviève;
        rue des Merisiers; route Monseigneur-Bourget""",
    ),
    _district(
        "L'Ancienne-Lorette", "L'Ancienne-Lorette", "G2E", (46.785, 46.810, -71.375, -71.340),
        4, "OLT-QC-02", (100, 2000), 0.1,
        """rue Notre-Dame; rue Saint-Paul; rue de l'Église; rue Turmel; rue des Loisirs;
        boulevard Masson; rue Saint-Jacques; rue Duchesneau; rue des Hirondelles;
        rue Sainte-Anne; rue Papillon; boulevard Wilfrid-Hamel""",
    ),
    _district(
        "Saint-Augustin-de-Desmaures", "Saint-Augustin", "G3A",
        (46.730, 46.765, -71.480, -71.420), 4, "OLT-QC-02", (100, 5000), 0.05,
        """route 138; rue Lionel-Groulx; rue de l'Hêtrière; chemin du Roy; rue Jean-Juneau;
        rue Saint-Félix; route de Fossambault; chemin de la Butte; rue du Verger;
        rue Honoré-Beaugrand; rue de Rotterdam""",
    ),
    _district(
        "Boischatel", "Boischatel", "G0A", (46.890, 46.915, -71.165, -71.110),
        2.5, "OLT-QC-03", (1, 5500), 0.03,
        """avenue Royale; rue des Rochers; rue Notre-Dame; rue du Vallon; côte de l'Église;
        boulevard Trudelle; rue des Grives; rue de la Montagne; rue Vachon""",
        postal_code="G0A 1H0",
    ),
    _district(
        "Sainte-Brigitte-de-Laval", "Sainte-Brigitte-de-Laval", "G0A",
        (46.975, 47.005, -71.225, -71.180), 1.5, "OLT-QC-04", (1, 600), 0.0,
        """avenue Sainte-Brigitte; rue du Domaine; rue de la Promenade; rue des Monardes;
        rue Auclair; rue des Saphirs; rue de la Patinoire""",
        postal_code="G0A 3K0",
        rural=True,
    ),
    _district(
        "Stoneham-et-Tewkesbury", "Stoneham", "G3C", (46.990, 47.030, -71.400, -71.350),
        2, "OLT-QC-04", (1, 3000), 0.0,
        """1re Avenue; chemin du Hibou; chemin des Skieurs; route Tewkesbury;
        chemin de la Grande-Ligne; chemin Saint-Edmond; route 371""",
        rural=True,
    ),
)
# fmt: on
DISTRICT_WEIGHTS = tuple(district.weight for district in DISTRICTS)

# The customer everybody knows: tests and the docs use her address.
MARIE_EVE = DISTRICTS[0]
MARIE_EVE_ADDRESS = ("12", "rue Saint-Jean", "G1R 1N8", 46.81215, -71.21446)

OLTS = tuple(f"OLT-QC-{number:02d}" for number in range(1, 7))
PON_SLOTS = 16  # line cards per OLT
PON_PORTS = 16  # GPON ports per card
ONUS_PER_PORT = 64  # 1:64 splitters; GPON allows ONU ids up to 128

LDU_LETTERS = "ABCEGHJKLMNPRSTVWXYZ"  # letters Canada Post uses in the second half

ACCESS_NOTES = _split(
    """Chien dans la cour; Sonner au 2e; Entrée par la ruelle; Clé chez le voisin du 1er;
    Stationnement à l'arrière; Appeler 15 minutes avant; Boîtier dans le garage;
    Escalier extérieur glissant l'hiver; Entrée de service côté rue; Demander le concierge;
    Code de la porte : 1234#; Chat qui sort, fermer la porte; Panneau électrique au sous-sol"""
)
