"""Names of people and businesses of the Québec City area, most frequent first.

Lists are ordered by how common the name is around Québec City, and drawn with decreasing
weights, so that Tremblay and Gagnon come up as often as they do in a real customer list.
"""

from __future__ import annotations

from itertools import accumulate


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(";") if part.strip())


def cumulative_weights(names: tuple[str, ...]) -> tuple[float, ...]:
    """Zipf-like weights (1/(rank+8)), cumulated once so each draw is a bisection."""
    return tuple(accumulate(1 / (rank + 8) for rank in range(len(names))))


FRENCH_FIRST = _split(
    """Marie; Julie; Mathieu; Catherine; Jean-François; Isabelle; Martin; Nathalie; Éric;
    Mélanie; Stéphane; Geneviève; Patrick; Sophie; Sylvain; Marie-Ève; Simon; Valérie;
    Guillaume; Émilie; François; Annie; Alexandre; Caroline; Marc-André; Karine; Maxime;
    Stéphanie; Olivier; Chantal; Pierre; Josée; Luc; Audrey; Daniel; Véronique; Michel;
    Marie-Pier; Sébastien; Manon; Jonathan; Sylvie; Frédéric; Camille; Jérôme; Andréanne;
    Vincent; Lise; Philippe; Johanne; Gabriel; Francine; Louis; Diane; Félix; Léa; Samuel;
    Chloé; Nicolas; Laurence; Antoine; Rosalie; Jean-Philippe; Florence; Louis-Philippe;
    Noémie; Benoît; Maude; Dominic; Ariane; Hugo; Gabrielle; Raphaël; Justine; Émile;
    Maryse; Xavier; Hélène; Charles; Anne-Marie; William; Jacinthe; Thomas; Ginette;
    Pier-Luc; Monique; Réjean; Nicole; Gaétan; Carole; Normand; Louise; Yves; Denis;
    Serge; Claude; Alain; Richard; Carl; Jade; Sarah-Maude; Rémi"""
)
FRENCH_LAST = _split(
    """Tremblay; Gagnon; Roy; Côté; Bouchard; Gauthier; Morin; Lavoie; Fortin; Gagné;
    Ouellet; Pelletier; Bélanger; Lévesque; Bergeron; Leblanc; Paquette; Girard; Simard;
    Boucher; Caron; Beaulieu; Cloutier; Dubé; Poirier; Fournier; Lapointe; Leclerc;
    Lefebvre; Poulin; Thibault; St-Pierre; Nadeau; Martin; Landry; Martel; Bédard;
    Grenier; Lessard; Bernier; Richard; Michaud; Hébert; Desjardins; Couture; Turcotte;
    Lachance; Parent; Blais; Gosselin; Savard; Proulx; Beaudoin; Demers; Paradis; Drolet;
    Giguère; Vachon; Labrecque; Larouche; Fillion; Rousseau; Boivin; Dion; Lemieux; Lemay;
    Veilleux; Mercier; Nolin; Légaré; Bilodeau; Maltais; Tardif; Moreau; Laflamme; Carrier;
    Gingras; Verreault; Marcoux; Guay; Asselin; Huot; Jobin; Roberge; Dufour; Plante;
    Lacroix; Bolduc; Vallières; Audet; Lachapelle; Rhéaume; Bérubé; Labbé; Pouliot"""
)
ENGLISH_FIRST = _split(
    """John; Michael; David; Sarah; James; Emily; Robert; Jennifer; William; Jessica;
    Thomas; Emma; Daniel; Olivia; Andrew; Laura; Matthew; Rachel; Kevin; Heather; Ryan;
    Megan; Patrick; Elizabeth; Sean; Karen; Brian; Susan; Mark; Linda; Paul; Amanda;
    Steven; Ashley; Christopher"""
)
ENGLISH_LAST = _split(
    """Smith; Brown; Wilson; Taylor; Campbell; Anderson; Stewart; Thompson; MacDonald;
    Murphy; O'Neill; Fraser; Johnston; Robertson; Miller; Young; Ross; Reid; Scott; Walsh;
    Kelly; Power; Burke; Morrison; Graham; Hamilton; Clarke; Mitchell; Connolly; King;
    Davidson; McCarthy; Sullivan; Dunn; Sewell"""
)
FRENCH_FIRST_WEIGHTS = cumulative_weights(FRENCH_FIRST)
FRENCH_LAST_WEIGHTS = cumulative_weights(FRENCH_LAST)
ENGLISH_FIRST_WEIGHTS = cumulative_weights(ENGLISH_FIRST)
ENGLISH_LAST_WEIGHTS = cumulative_weights(ENGLISH_LAST)

# "{kind} {owner}" (Garage Lévesque) or "{kind} {place}" (Boulangerie Saint-Jean).
BUSINESS_KINDS = _split(
    """Boulangerie; Garage; Clinique dentaire; Pharmacie; Quincaillerie; Café; Restaurant;
    Salon de coiffure; Épicerie; Fleuriste; Studio de yoga; Atelier de vélo; Microbrasserie;
    Dépanneur; Clinique vétérinaire; Boucherie; Fromagerie; Pâtisserie; Clinique de physio;
    Imprimerie; Garderie; Bistro; Centre de rénovation; Cordonnerie; Librairie"""
)
BUSINESS_PLACES = _split(
    """Saint-Jean; du Vieux-Port; de la Capitale; du Faubourg; Limoilou; du Fleuve;
    des Plaines; Montcalm; Sainte-Foy; du Quartier; de la Rive-Sud; Charlesbourg;
    Cap-Rouge; du Parvis; Saint-Roch; de la Chaudière; des Chutes; du Trait-Carré"""
)
PROFESSIONAL_FIRMS = _split("CPA; notaires; avocats; arpenteurs-géomètres; architectes")
BUSINESS_SUFFIXES = ("inc.", "enr.", "ltée", "", "", "")
BUSINESS_MAILBOXES = ("info", "bonjour", "administration", "reception", "comptabilite")

EMAIL_DOMAINS = _split(
    """videotron.ca; gmail.com; hotmail.com; outlook.com; globetrotter.net; bell.net;
    yahoo.ca; icloud.com; live.ca; sympatico.ca"""
)
EMAIL_DOMAIN_WEIGHTS = tuple(accumulate((24, 30, 18, 8, 5, 4, 4, 3, 2, 2)))
