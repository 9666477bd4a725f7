"""What customers and staff write: support conversations and the subjects of field jobs.

A conversation alternates customer and agent, starting with the customer; a ticket keeps the
first one to four messages of its scenario, so that every thread reads as one story.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scenario:
    subject_fr: str
    subject_en: str
    priority: str
    fr: tuple[str, ...]
    en: tuple[str, ...]


SCENARIOS = (
    Scenario(
        "Internet lent le soir", "Slow internet in the evening", "medium",
        ("Bonjour, depuis quelques jours Internet est très lent le soir, vers 20 h. "
         "Le jour, tout va bien.",
         "Bonjour! Votre signal optique est bon. Le Wi-Fi semble faible au sous-sol : "
         "pouvez-vous faire un test de vitesse avec un fil?",
         "Avec le fil, j'ai 920 Mbit/s. C'est donc le Wi-Fi.",
         "Merci! Une borne Wi-Fi maillée réglerait le problème; nous pouvons vous en poster "
         "une (8 $/mois)."),
        ("Hi, for a few days the internet has been very slow in the evening, around 8 pm.",
         "Hello! Your optical signal is fine. The Wi-Fi looks weak in the basement: could you "
         "run a speed test with a cable?",
         "With the cable I get 920 Mbps, so it's the Wi-Fi.",
         "Thanks! A mesh Wi-Fi unit would fix it; we can mail you one ($8/month)."),
    ),
    Scenario(
        "Pas de signal sur le décodeur", "No signal on the TV box", "medium",
        ("Mon décodeur affiche « Aucun signal » sur toutes les chaînes depuis ce matin.",
         "Nous avons relancé votre décodeur à distance. Pouvez-vous le débrancher "
         "30 secondes, puis le rebrancher?",
         "C'est revenu, merci beaucoup!",
         "Parfait, bonne écoute! Nous fermons la demande."),
        ("My TV box says \"No signal\" on every channel since this morning.",
         "We restarted your box remotely. Could you unplug it for 30 seconds and plug it "
         "back in?",
         "It's back, thank you!",
         "Great, enjoy! We are closing the request."),
    ),
    Scenario(
        "Question sur ma facture", "Question about my bill", "low",
        ("Bonjour, ma dernière facture est plus élevée que d'habitude. Pourquoi?",
         "Bonjour, la différence vient de la borne Wi-Fi ajoutée le mois dernier "
         "(8 $ plus taxes), facturée au prorata.",
         "Ah oui, c'est vrai. Merci pour l'explication.",
         "Avec plaisir! N'hésitez pas si vous avez d'autres questions."),
        ("Hello, my last bill is higher than usual. Why?",
         "Hello, the difference is the Wi-Fi unit added last month ($8 plus taxes), "
         "prorated.",
         "Right, I forgot. Thanks for explaining.",
         "You're welcome! Let us know if you have any other questions."),
    ),
    Scenario(
        "Voyant rouge sur le modem", "Red light on the modem", "high",
        ("Le voyant LOS est rouge sur la boîte de la fibre et nous n'avons plus Internet.",
         "Nous voyons une perte de signal sur votre ligne. Un technicien passera; vous "
         "recevrez un texto avec la plage horaire.",
         "D'accord, je serai à la maison toute la journée.",
         "Le technicien a remplacé le cordon de fibre endommagé. Tout est rétabli de notre "
         "côté."),
        ("The LOS light is red on the fibre box and we have no internet.",
         "We see a loss of signal on your line. A technician will come by; you will get a "
         "text with the time window.",
         "OK, I'll be home all day.",
         "The technician replaced the damaged fibre cord. Everything is back on our side."),
    ),
    Scenario(
        "Changement de forfait", "Plan change", "low",
        ("Est-ce possible de passer au forfait 1 Gbit/s à partir du mois prochain?",
         "Oui! Le changement est fait et paraîtra sur votre prochaine facture, au prorata.",
         "Super, merci!",
         "Bonne navigation!"),
        ("Can I switch to the 1 Gbps plan starting next month?",
         "Yes! The change is done and will show on your next bill, prorated.",
         "Great, thanks!",
         "Happy surfing!"),
    ),
    Scenario(
        "Déménagement prévu", "Moving soon", "medium",
        ("Je déménage le 1er juillet. Pouvez-vous transférer mon service à ma nouvelle "
         "adresse?",
         "Bien sûr! Quelle est la nouvelle adresse? Nous vérifierons si la fibre s'y rend.",
         "C'est au 245, rue Saint-Omer, à Lévis.",
         "La fibre est disponible. L'installation est prévue le 2 juillet entre 8 h et 10 h."),
        ("I'm moving on July 1st. Can you move my service to my new address?",
         "Of course! What is the new address? We'll check that fibre reaches it.",
         "It's 245 rue Saint-Omer, in Lévis.",
         "Fibre is available there. Installation is booked for July 2 between 8 and 10 am."),
    ),
    Scenario(
        "Téléphone sans tonalité", "No dial tone on the phone", "high",
        ("Mon téléphone n'a plus de tonalité depuis hier soir. Internet fonctionne.",
         "Nous avons réinitialisé votre adaptateur téléphonique. Avez-vous la tonalité "
         "maintenant?",
         "Oui, ça fonctionne. Merci!",
         "Parfait, nous fermons la demande."),
        ("My phone has had no dial tone since last night. Internet works.",
         "We reset your phone adapter. Do you have a dial tone now?",
         "Yes, it works. Thanks!",
         "Perfect, we are closing the request."),
    ),
    Scenario(
        "Demande de crédit après panne", "Credit request after an outage", "low",
        ("Nous avons été sans Internet presque toute la journée hier. Est-ce possible "
         "d'avoir un crédit?",
         "Nous sommes désolés. Un crédit d'une journée de service paraîtra sur votre "
         "prochaine facture.",
         "Merci, c'est apprécié.",
         "C'est normal. Merci de votre patience!"),
        ("We were without internet most of yesterday. Could we get a credit?",
         "We're sorry. A one-day credit will show on your next bill.",
         "Thanks, much appreciated.",
         "Of course. Thank you for your patience!"),
    ),
    Scenario(
        "Paiement préautorisé refusé", "Pre-authorized payment declined", "medium",
        ("J'ai reçu un avis de paiement refusé. J'ai changé de carte de crédit.",
         "Vous pouvez mettre votre carte à jour dans l'espace client; nous relancerons "
         "le paiement ensuite.",
         "C'est fait.",
         "Le paiement est passé. Merci!"),
        ("I got a notice that my payment was declined. I have a new credit card.",
         "You can update your card in the customer portal; we'll retry the payment after.",
         "Done.",
         "The payment went through. Thanks!"),
    ),
    Scenario(
        "Wi-Fi qui coupe", "Wi-Fi keeps dropping", "medium",
        ("Le Wi-Fi coupe plusieurs fois par jour, surtout sur les téléphones.",
         "Nous avons changé le canal Wi-Fi de votre routeur à distance. Est-ce mieux "
         "depuis ce matin?",
         "Beaucoup mieux, aucune coupure aujourd'hui.",
         "Excellent! Écrivez-nous si ça revient."),
        ("The Wi-Fi drops several times a day, mostly on our phones.",
         "We changed your router's Wi-Fi channel remotely. Is it better since this morning?",
         "Much better, no drops today.",
         "Excellent! Write to us if it comes back."),
    ),
)  # fmt: skip
SCENARIO_WEIGHTS = (16, 8, 14, 8, 8, 6, 5, 6, 6, 12)

PHONE_PREFIX = {
    ("fr", "inbound"): "Appel du client : ",
    ("fr", "outbound"): "Rappel au client : ",
    ("en", "inbound"): "Customer call: ",
    ("en", "outbound"): "Call back: ",
}


@dataclass(frozen=True)
class JobKind:
    subjects: tuple[str, ...]
    skills: tuple[str, ...]
    minutes: int


JOB_KINDS = {
    "fibre_install": JobKind(
        ("Installation fibre", "Installation fibre et routeur Wi-Fi",
         "Installation fibre, téléphonie et télé"),
        ("fibre_install",), 150,
    ),
    "repair": JobKind(
        ("Perte de signal optique (LOS)", "Internet intermittent", "Signal faible sur l'ONT",
         "Pas de tonalité sur la ligne téléphonique", "Décodeur sans signal"),
        ("repair",), 75,
    ),
    "drop_replacement": JobKind(
        ("Remplacement du câble de branchement", "Branchement aérien arraché par la neige",
         "Câble de branchement coupé lors de travaux"),
        ("splicing", "aerial"), 120,
    ),
    "equipment_swap": JobKind(
        ("Échange de l'ONT défectueux", "Remplacement du routeur Wi-Fi",
         "Ajout d'une borne Wi-Fi maillée"),
        ("repair",), 45,
    ),
    "site_survey": JobKind(
        ("Visite de faisabilité", "Évaluation du parcours de la fibre",
         "Visite technique avant l'installation"),
        ("fibre_install",), 60,
    ),
}  # fmt: skip
UPCOMING_KIND_WEIGHTS = {
    "repair": 10, "drop_replacement": 3, "equipment_swap": 5, "site_survey": 2,
}  # fmt: skip
MARIE_EVE_JOB = ("repair", "Internet lent le soir : vérifier le Wi-Fi et le signal optique")
