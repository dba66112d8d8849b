"""Events: how French business news states deals, one row per construction (sentences written for this test,
invented names and figures). Integration: the whole pipeline."""
import pytest

pytestmark = pytest.mark.integration


def summary(event):
    parties = event.get("investors", event.get("acquirer"))
    if isinstance(parties, list):
        parties = sorted(parties)
    return event["type"], event["target"], parties, event["value"], event["currency"]


EXAMPLES = [
    ("list-after-aupres-de",
     "La start-up Vorenza a levé 12 millions d'euros auprès de Kestrel Partners, Almira Capital et Brunelle "
     "Ventures.",
     [("investment", "Vorenza", ["Almira Capital", "Brunelle Ventures", "Kestrel Partners"], 12_000_000, "EUR")]),
    ("round-genitive",
     "Le marché retient surtout le tour de 40 millions d'euros de Quellio, en mars.",
     [("investment", "Quellio", [], 40_000_000, "EUR")]),
    ("gapped-raise",
     "La biotech Orvane a encaissé 30 millions d'euros, la medtech Telvia Health 12 millions d'euros et la fintech "
     "Zubrik 8 millions d'euros.",
     [("investment", "Orvane", [], 30_000_000, "EUR"), ("investment", "Telvia Health", [], 12_000_000, "EUR"),
      ("investment", "Zubrik", [], 8_000_000, "EUR")]),
    ("gapped-raise-after-a-descriptor-with-en",
     "La medtech Orvane a encaissé 30 millions d'euros, l'éditeur en cybersécurité Zubrik Labs 8 millions d'euros.",
     [("investment", "Orvane", [], 30_000_000, "EUR"), ("investment", "Zubrik Labs", [], 8_000_000, "EUR")]),
    ("stake-purchase-is-investment",
     "Le groupe Halvard va racheter les parts du fonds Castor dans la société Miravel.",
     [("investment", "Miravel", ["Halvard"], None, None)]),
    ("price-in-next-sentence",
     "Le groupe Halvard va racheter les parts du fonds Castor dans la société Miravel. Le montant de "
     "l'opération est de 2 milliards de dirhams.",
     [("investment", "Miravel", ["Halvard"], 2_000_000_000, "MAD")]),
    ("unnamed-unit",
     "Le fabricant Brevaux a finalisé le rachat de la branche biscuits du suédois Corvalia Foods.",
     [("acquisition", None, "Brevaux", None, None)]),
    ("price-after-montant-estime",
     "Le groupe Talmont compte acquérir la société Dervio pour un montant estimé à 80 millions d'euros.",
     [("acquisition", "Dervio", "Talmont", 80_000_000, "EUR")]),
    ("price-before-pour-le-rachat",
     "Les 2 milliards de dollars versés par Talmoris pour le rachat de l'équipementier Dervio Systems font débat.",
     [("acquisition", "Dervio Systems", "Talmoris", 2_000_000_000, "USD")]),
    ("per-share-price-is-no-deal",
     "Le groupe Talmont rachète les titres Dervio au prix de 12 euros par action.",
     []),
    ("se-porter-acquereur",
     "Le groupe Marvelle s'est porté acquéreur de l'opérateur portuaire Kablonet Group pour 900 millions "
     "d'euros.",
     [("acquisition", "Kablonet Group", "Marvelle", 900_000_000, "EUR")]),
    ("bid-valorise",
     "Le groupe Corvel a lancé une offre hostile sur Veltaro. D'un montant total de 3 milliards d'euros, "
     "l'offre valorise chaque action Veltaro à 25 euros.",
     [("acquisition", "Veltaro", "Corvel", 3_000_000_000, "EUR")]),
    ("valued-apposition",
     "Au sommet de la liste figure la plateforme suédoise Vexlo, valorisée à 40 milliards de dollars.",
     [("valuation", "Vexlo", None, 40_000_000_000, "USD")]),
    ("respectivement",
     "Suivent l'allemand Korvia et le danois Brammel Systems, valorisés respectivement à 32 milliards "
     "de dollars et 21 milliards de dollars.",
     [("valuation", "Korvia", None, 32_000_000_000, "USD"),
      ("valuation", "Brammel Systems", None, 21_000_000_000, "USD")]),
    ("ranking-is-no-valuation",
     "Les licornes les mieux valorisées sont surtout américaines.",
     []),
    ("aggregate-is-no-event",
     "Ce tour porte à 20 millions d'euros le total levé par Quellio depuis 2019.",
     []),
    ("collective-raisers-relative-are-a-sum",
     "Bonne saison pour les start-up de la Bretagne, qui lèvent 320 millions d'euros en mars.",
     []),
    ("collective-raisers-reported-are-a-sum",
     "En avril, les start-up de la Deep Tech annoncent avoir récolté 212 millions d'euros auprès des investisseurs.",
     []),
    ("plural-subject-without-a-name-is-a-sum",
     "Les start-up belges ont levé 900 millions d'euros en 2021. La start-up Velorix a levé 80 millions d'euros "
     "auprès de Fonds Castor.",
     [("investment", "Velorix", ["Fonds Castor"], 80_000_000, "EUR")]),
    ("plural-subject-after-a-fronted-date-is-a-sum",
     "En 2022, les jeunes pousses lyonnaises ont levé 140 millions d'euros.",
     []),
    ("pronoun-subject-points-back-not-to-a-later-name",
     "La plus grosse opération du mois revient à Velorix, la plateforme de location de vélos. Elle a levé "
     "90 millions d'euros, un record, devant des fonds américains comme Harlow Capital.",
     [("investment", "Velorix", [], 90_000_000, "EUR")]),
    ("opa-sur",
     "Fin mars 2015, le holding Carvelle lance une OPA sur le confiseur Bramont.",
     [("acquisition", "Bramont", "Carvelle", None, None)]),
    ("opa-de-x-sur-y",
     "L'OPA de Carvelle sur Bramont a été close en mai.",
     [("acquisition", "Bramont", "Carvelle", None, None)]),
    ("offre-publique-d-achat-with-price",
     "Le groupe Corvel a lancé une offre publique d'achat amicale sur Veltaro pour 3 milliards d'euros.",
     [("acquisition", "Veltaro", "Corvel", 3_000_000_000, "EUR")]),
    ("failed-opa-is-no-deal",
     "L'OPA hostile de Carvelle sur Bramont a échoué.",
     []),
    ("abandoned-opa-is-no-deal",
     "Carvelle a renoncé à son OPA sur Bramont.",
     []),
    ("m-and-a-desk-is-no-deal",
     "L'affaire a été menée par le service Fusions et acquisitions de Banque Morvan et le cabinet Lesage. Trisca "
     "a été rachetée par le groupe Velmont.",
     [("acquisition", "Trisca", "Velmont", None, None)]),
    ("m-and-a-market-is-no-deal",
     "Le marché des fusions-acquisitions de la région a reculé en 2022, malgré le rachat de Trisca par Velmont.",
     [("acquisition", "Trisca", "Velmont", None, None)]),
    ("passive-subject-in-bare-apposition",
     "A la fin mars de la même année, on apprenait que Dormelec, leader belge du parking était racheté par la "
     "firme italienne Vantaggi.",
     [("acquisition", "Dormelec", "Vantaggi", None, None)]),
    ("possible-sale-is-no-deal",
     "Le groupe Velmont a racheté Dorva en mars. Les ventes de Trisca (filiale de Banque Morvan) et du lyonnais "
     "Forel pourraient également être conclues dans les prochains mois.",
     [("acquisition", "Dorva", "Velmont", None, None)]),
    ("concluded-sale-is-a-deal",
     "La vente de Trisca au groupe Velmont a été conclue en mai.",
     [("acquisition", "Trisca", "Velmont", None, None)]),
    ("possibility-in-a-relative-keeps-the-deal",
     "Le rachat de Trisca par Velmont, qui pourrait créer un géant, a été bouclé en mai.",
     [("acquisition", "Trisca", "Velmont", None, None)]),
    ("par-after-a-long-described-target",
     "L'annonce de la reprise du groupe minier canadien Trisca Resources par Velmont a surpris le marché.",
     [("acquisition", "Trisca Resources", "Velmont", None, None)]),
    ("running-tally-is-no-price",
     "L'annonce de la reprise du groupe minier canadien Trisca Resources par Velmont a fait passer le compteur "
     "de ce type de transactions à 9,2 milliards d'euros depuis le début de l'année.",
     [("acquisition", "Trisca Resources", "Velmont", None, None)]),
    ("amount-next-to-a-count-of-rounds-is-a-sum",
     "Loin derrière, la medtech Orvane se hisse en troisième position grâce à trois tours de table et 110 "
     "millions d'euros levés.",
     []),
    ("amount-summed-over-operations",
     "La fintech arrive en tête, avec 210 millions d'euros récoltés en quatre opérations.",
     []),
    ("count-of-years-keeps-the-round",
     "La start-up Velorix a levé 12 millions d'euros auprès de Fonds Castor, sa deuxième levée en trois ans.",
     [("investment", "Velorix", ["Fonds Castor"], 12_000_000, "EUR")]),
    ("count-of-deals-far-from-the-amount-keeps-the-round",
     "La start-up Velorix, qui a réalisé deux acquisitions l'an dernier, a levé 12 millions d'euros auprès de "
     "Fonds Castor.",
     [("investment", "Velorix", ["Fonds Castor"], 12_000_000, "EUR")]),
    ("one-raiser-after-a-plural-noun-is-still-a-round",
     "Parmi les jeunes pousses du mois, la start-up Velorix a levé 12 millions d'euros auprès de Fonds Castor.",
     [("investment", "Velorix", ["Fonds Castor"], 12_000_000, "EUR")]),
    ("name-in-brackets",
     "La société Nordeva a levé 10 millions d'euros. Le mois compte aussi les levées de Lumora (6 millions "
     "d'euros, Fonds Alpin) et de Kaspel (4 millions d'euros, avec Verdane Capital et Oxley Ventures).",
     [("investment", "Nordeva", [], 10_000_000, "EUR"),
      ("investment", "Lumora", ["Fonds Alpin"], 6_000_000, "EUR"),
      ("investment", "Kaspel", ["Oxley Ventures", "Verdane Capital"], 4_000_000, "EUR")]),
    ("co-investors-next-sentence",
     "La start-up Brivio a bouclé une levée de fonds de 50 millions d'euros menée par Harlow Capital. Les "
     "autres investisseurs sont Menlo Partners et Osgood Ventures.",
     [("investment", "Brivio", ["Harlow Capital", "Menlo Partners", "Osgood Ventures"], 50_000_000, "EUR")]),
    ("apposition-subject",
     "Le premier assureur du pays, Valdora, a investi un montant non communiqué dans Kelpio.",
     [("investment", "Kelpio", ["Valdora"], None, None)]),
    ("fronted-participle",
     "Après avoir injecté des capitaux dans la jeune pousse Serlio, le fonds Brakel Partners parie sur "
     "une autre start-up.",
     [("investment", "Serlio", ["Brakel Partners"], None, None)]),
    ("buyer-after-long-description",
     "La société Pelaro, rachetée depuis par le fabricant allemand de capteurs et d'automates industriels "
     "Quorvex, avait levé 40 millions d'euros.",
     [("acquisition", "Pelaro", "Quorvex", None, None), ("investment", "Pelaro", [], 40_000_000, "EUR")]),
]


@pytest.mark.parametrize("text, expected", [(t, e) for _, t, e in EXAMPLES], ids=[i for i, _, _ in EXAMPLES])
def test_deal_shapes(extract, text, expected):
    assert sorted(map(summary, extract(text)["events"]), key=str) == sorted(expected, key=str)


def test_every_event_names_its_rules(extract):
    events = extract(EXAMPLES[0][1])["events"]
    assert events[0]["rules"] == ["raise-verb", "target:subject", "investors:after-marker", "amount:clause"]


IPO = [
    ("L'introduction en bourse de la société Vexalis a généré 80 millions d'euros.", "Vexalis", 80_000_000),
    ("L'introduction sur le Nasdaq du fabricant de lentilles Ocumira a rapporté 150 millions de dollars.",
     "Ocumira", 150_000_000),
]


@pytest.mark.parametrize("text, target, value", IPO, ids=["en-bourse", "sur-le-nasdaq"])
def test_ipo_proceeds_are_a_round_without_investors(extract, text, target, value):
    assert [summary(e)[1:4] for e in extract(text)["events"]] == [(target, [], value)]


def test_a_description_in_a_target_slot_is_the_company_named_before(extract):
    text = ("La plus grosse opération revient à Lumeris Analytics, qui a séduit un fonds américain. Le fonds "
            "Grayhorn Capital a déboursé 50 millions de dollars pour investir dans l'entreprise spécialisée en "
            "analyse de données.")
    assert [summary(e) for e in extract(text)["events"]] == [
        ("investment", "Lumeris Analytics", ["Grayhorn Capital"], 50_000_000, "USD")]
