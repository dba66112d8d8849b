"""Events: investments, acquisitions, valuations (integration: the whole pipeline)."""
import pytest

pytestmark = pytest.mark.integration


def events_of(extract, text, published="2025-03-14"):
    return extract(text, published=published)["events"]


def summary(event):
    parties = event.get("investors", event.get("acquirer"))
    return event["type"], event["target"], parties, event["value"], event["currency"], event["qualifier"]


EXAMPLES = [
    # active voice, future, description resolved to the company named before
    ("La société lyonnaise Deltaq a présenté ses comptes. Le fonds Eurazeo investira jusqu'à 30 millions "
     "d'euros dans la start-up.",
     [("investment", "Deltaq", ["Eurazeo"], 30_000_000, "EUR", "up_to")]),
    # passive valuation
    ("Zelvora a été valorisée à 2 milliards d'euros lors de sa dernière levée.",
     [("valuation", "Zelvora", None, 2_000_000_000, "EUR", "exact")]),
    # nominal valuation
    ("Cette opération porte la valorisation de Zelvora à 1,5 milliard de dollars.",
     [("valuation", "Zelvora", None, 1_500_000_000, "USD", "exact")]),
    # nominal acquisition with its agent
    ("Le marché a salué l'acquisition de Pixora par Dassault Systèmes pour 250 millions d'euros.",
     [("acquisition", "Pixora", "Dassault Systèmes", 250_000_000, "EUR", "exact")]),
    # verbal acquisition
    ("Capgemini a racheté la société Quintys pour 80 millions d'euros.",
     [("acquisition", "Quintys", "Capgemini", 80_000_000, "EUR", "exact")]),
    # joint amount: one event, every investor
    ("Il s'agit d'un investissement de 300 millions d'euros de Bpifrance et Ardian dans Mistral AI.",
     [("investment", "Mistral AI", ["Bpifrance", "Ardian"], 300_000_000, "EUR", "exact")]),
    # funding round led by one, with others
    ("La jeune pousse Calyxia a bouclé un tour de table de 40 M€ mené par Sequoia, avec la participation "
     "de Bpifrance et Eurazeo.",
     [("investment", "Calyxia", ["Sequoia", "Bpifrance", "Eurazeo"], 40_000_000, "EUR", "exact")]),
    # separate amounts per investor, currency carried to the second
    ("Renault investira jusqu'à 200 millions d'euros dans Verkor, Stellantis jusqu'à 150 millions.",
     [("investment", "Verkor", ["Renault"], 200_000_000, "EUR", "up_to"),
      ("investment", "Verkor", ["Stellantis"], 150_000_000, "EUR", "up_to")]),
    # a round stated without its investors
    ("Fondée à Nantes, la start-up Lengow a levé 54 millions d'euros.",
     [("investment", "Lengow", [], 54_000_000, "EUR", "exact")]),
    # debt raised is a funding round; the lenders are its investors
    ("CoreWeave a levé 7 milliards de dollars de dette auprès de Blackstone.",
     [("investment", "CoreWeave", ["Blackstone"], 7_000_000_000, "USD", "exact")]),
    # a verb phrase, an object behind its description, a price past an apposition, a conversion left out
    ("Le groupe Norvane a mis la main sur le fabricant suédois Kvarn, un spécialiste des pompes, pour "
     "300 millions de couronnes (environ 26 millions d'euros).",
     [("acquisition", "Kvarn", "Norvane", 26_000_000, "EUR", "approx")]),  # couronnes unknown: the euro figure
    ("Le groupe Norvane s'est offert le fabricant suédois Kvarn AB pour 26 millions d'euros (environ "
     "300 millions de dollars).",
     [("acquisition", "Kvarn AB", "Norvane", 26_000_000, "EUR", "exact")]),
    # a stake taken, by percentage
    ("Le fonds Eurazeo vient de prendre 12 % de la jeune pousse lilloise Tesselle pour 8 millions d'euros.",
     [("investment", "Tesselle", ["Eurazeo"], 8_000_000, "EUR", "exact")]),
    # a round noun: its raiser is the announcing company, its investors those who lead and join it
    ("La start-up Pennylane annonce une levée de fonds de 15 millions d'euros menée par Sequoia.",
     [("investment", "Pennylane", ["Sequoia"], 15_000_000, "EUR", "exact")]),
    # a sale: the buyer follows "à"
    ("Le groupe Vantor a cédé sa filiale Quelia au groupe Capgemini pour 270 millions d'euros.",
     [("acquisition", "Quelia", "Capgemini", 270_000_000, "EUR", "exact")]),
    # a valuation stated by a participle before its company
    ("Valorisée 1 milliard d'euros, la start-up Pennylane recrute.",
     [("valuation", "Pennylane", None, 1_000_000_000, "EUR", "exact")]),
    # backing without an amount
    ("Soutenue par Google et Amazon, la société Hextal accélère son développement.",
     [("investment", "Hextal", ["Google", "Amazon"], None, None, None)]),
    # a pronoun after "que" stands for the one name before it in its sentence, not the text's earlier raiser
    ("La société Orlane a levé 5 millions d'euros en mars. Le fabricant de drones Vextor a indiqué mardi "
     "qu'il avait finalisé un tour de table de 14 millions d'euros.",
     [("investment", "Orlane", [], 5_000_000, "EUR", "exact"), ("investment", "Vextor", [], 14_000_000, "EUR", "exact")]),
    # "cette banque" points back; the source after "selon" is no party
    ("La banque Corvel est à vendre. Le groupe Talmon va racheter cette banque pour environ 40 millions d'euros, "
     "selon le quotidien Les Échos.",
     [("acquisition", "Corvel", "Talmon", 40_000_000, "EUR", "approx")]),
    # the buyer after the price and its lead-in words ("pour un peu plus de N par le groupe X")
    ("La PME Lorvex a été rachetée pour un peu plus de 75 millions d'euros par le groupe Hartung.",
     [("acquisition", "Lorvex", "Hartung", 75_000_000, "EUR", "more_than")]),
    # an unnamed buyer, then another clause: its subject is no buyer
    ("Lorvex a été acquis pour 80 millions d'euros par un groupe familial et Bramex a ouvert son capital.",
     [("acquisition", "Lorvex", None, 80_000_000, "EUR", "exact")]),
    # "valoir" and a reflexive "se valoriser": the company just before the verb is worth the amount
    ("La fintech Dorval vaut désormais 2,5 milliards d'euros.",
     [("valuation", "Dorval", None, 2_500_000_000, "EUR", "exact")]),
    ("La société Corbin se valorise 3 milliards d'euros après ce tour.",
     [("valuation", "Corbin", None, 3_000_000_000, "EUR", "exact")]),
    # a name before its bracketed acronym is the subject
    ("La Banque régionale de Kessa (BRK) a investi 20 millions d'euros dans la société Tamaris.",
     [("investment", "Tamaris", ["Banque régionale de Kessa"], 20_000_000, "EUR", "exact")]),
    # the raiser after the round's participle
    ("La levée de 30 millions d'euros concrétisée par Norwen en juin renforce sa position.",
     [("investment", "Norwen", [], 30_000_000, "EUR", "exact")]),
    # an amount qualified by a raising participle in a fronted phrase: the sentence's subject raised it
    ("Avec 12 millions d'euros levés, Brindal devance ses concurrents de la fintech.",
     [("investment", "Brindal", [], 12_000_000, "EUR", "exact")]),
    ("Avec 8 millions d'euros récoltés, la start-up Marvelo complète le podium du mois.",
     [("investment", "Marvelo", [], 8_000_000, "EUR", "exact")]),
    # investors named "grâce au soutien de" in the next sentence join the round it restates
    ("Corlan a levé 9 millions d'euros en mai. La medtech a finalisé ce tour de table grâce au soutien de "
     "Brivane Capital, Kestrel Ventures et Norda Invest.",
     [("investment", "Corlan", ["Brivane Capital", "Kestrel Ventures", "Norda Invest"], 9_000_000, "EUR", "exact")]),
    # a sector noun in any casing is a description of the company, not a name
    ("Corlan a levé 9 millions d'euros en mai. La DeepTech a finalisé ce tour de table grâce au soutien de "
     "Brivane Capital, Kestrel Ventures et Norda Invest.",
     [("investment", "Corlan", ["Brivane Capital", "Kestrel Ventures", "Norda Invest"], 9_000_000, "EUR", "exact")]),
    ("La start-up Talvio a levé 4 millions d'euros avec le soutien de Brivane Capital.",
     [("investment", "Talvio", ["Brivane Capital"], 4_000_000, "EUR", "exact")]),
    # a valuation noun without its company takes that of the deal its sentence states
    ("Le fonds Arvik a investi 20 millions d'euros dans Borel sur la base d'une valorisation de 300 millions d'euros.",
     [("investment", "Borel", ["Arvik"], 20_000_000, "EUR", "exact"),
      ("valuation", "Borel", None, 300_000_000, "EUR", "exact")]),
    # "valorisation de N" right after the noun: the company is the holder, not a name later in the sentence
    ("La société Opalia, qui a atteint une valorisation de 600 millions d'euros, devance la société Wendo.",
     [("valuation", "Opalia", None, 600_000_000, "EUR", "exact")]),
    ("La société Borel affiche une valorisation de 3 milliards d'euros.",
     [("valuation", "Borel", None, 3_000_000_000, "EUR", "exact")]),
    # the subject of a verb of receiving is the target of the deal noun it governs
    ("La start-up Nervia a bénéficié d'un financement de 2 millions d'euros l'an dernier.",
     [("investment", "Nervia", [], 2_000_000, "EUR", "exact")]),
    ("La société Calvo accélère en recevant un investissement de 4 millions d'euros du fonds Arvik.",
     [("investment", "Calvo", ["Arvik"], 4_000_000, "EUR", "exact")]),
    ("La microbrasserie Valbrune profite d'un investissement de 3 millions d'euros réalisé par le fonds Arvik.",
     [("investment", "Valbrune", ["Arvik"], 3_000_000, "EUR", "exact")]),
    # "attirer" raises money; "levée de capitaux" is a round
    ("La plateforme Odara a attiré 25 millions d'euros cette année.",
     [("investment", "Odara", [], 25_000_000, "EUR", "exact")]),
    ("La levée de capitaux de 6 millions d'euros de la société Norvel a été bouclée en avril.",
     [("investment", "Norvel", [], 6_000_000, "EUR", "exact")]),
    # a longer name that starts with the buyer's ("X Infra Services") is its unit, not its full name
    ("Le groupe Brelva rachète la société Tamvo. Pour Brelva Infra Services, filiale du groupe, l'opération "
     "renforce sa présence régionale.",
     [("acquisition", "Tamvo", "Brelva", None, None, None)]),
    # money spread over a class of companies is no investment in the text's company
    ("La start-up Lysane a levé 5 millions d'euros auprès du fonds Ardan. Le fonds Ardan a investi 80 millions "
     "d'euros dans les PME de la région l'an dernier.",
     [("investment", "Lysane", ["Ardan"], 5_000_000, "EUR", "exact")]),
]

NOT_EVENTS = [
    "La société Zelvora s'engage à acheter 30 milliards de dollars de capacité de calcul à Oracle.",
    "Zelvora a réalisé un chiffre d'affaires de 3 milliards d'euros en 2024.",
    "Le marché mondial du cloud est évalué à 500 milliards de dollars.",
    "Zelvora a enregistré des pertes de 5 milliards d'euros l'an dernier.",
    "Si Apple rachetait Mistral AI, le paysage changerait.",
    "Apple va-t-elle racheter Mistral AI pour 10 milliards de dollars ?",
    "Apple n'investira pas dans Mistral AI cette année.",
    "Le groupe Vantor a renoncé à investir 50 millions d'euros dans la société Quelia.",
    "Les analystes de Jefferies jugent que le rachat de la société Quelia renforcera les marges.",
    "La capitalisation du groupe Vantor pourrait dépasser 5 milliards d'euros si la demande repart.",
    "Les fonds levés serviront à recruter des ingénieurs.",
    # a share's price or a market's size is no company's worth
    "L'action Dorval vaut 30 euros.",
    "Le marché européen du cloud vaut 80 milliards d'euros.",
    # sums over many deals or companies
    "L'écosystème Novatech a attiré 300 millions d'euros d'investissements en 2024.",
    "Le réseau Arvik a investi 240 millions d'euros dans environ 300 PME l'an dernier.",
    "Le fonds Arvik a investi 15 millions d'euros dans 3 jeunes pousses bretonnes.",
    # a plural deal noun is a sum over many deals
    "Le réseau Arpège a réalisé 60 millions d'euros d'investissements l'an dernier.",
    "Elle devrait débourser environ 40 millions d'euros pour mettre la main sur cette banque selon le quotidien Les Échos.",
]


@pytest.mark.parametrize("text, expected", EXAMPLES)
def test_events(extract, text, expected):
    assert [summary(e) for e in events_of(extract, text)] == expected


@pytest.mark.parametrize("text", NOT_EVENTS)
def test_not_events(extract, text):
    assert events_of(extract, text) == []


def test_amount_evidence_and_date(extract):
    text = "Hier, Airbus a annoncé un investissement de 20 millions d'euros dans Aerolia. Le reste suit."
    record = extract(text, published="2025-03-14")
    event, = record["events"]
    start, end = event["amount"]
    assert text[start:end] == "20 millions d'euros"
    assert text[event["evidence"][0]:event["evidence"][1]].startswith("Hier, Airbus a annoncé")
    assert event["date"] in ("2025-03-13", "2025-03-14")


def test_a_date_in_the_clause_dates_the_fact(extract):
    events = events_of(extract, "En mars 2024, Google a placé 2 milliards de dollars dans Anthropic.")
    assert [e["date"] for e in events] == ["2024-03"]


def test_valuation_then_earlier_valuation(extract):
    events = events_of(extract, "La valorisation de Zelvora atteint 9 milliards d'euros, contre 4 milliards en juin 2024.")
    assert [(e["value"], e["currency"], e["date"]) for e in events] == [
        (9_000_000_000, "EUR", "2025-03-14"), (4_000_000_000, "EUR", "2024-06")]


def test_canonical_names_are_shared_with_entities(extract):
    record = extract("La start-up Anthropic a été valorisée à 60 milliards de dollars. Amazon a investi "
                     "4 milliards de dollars dans la startup.", published="2025-03-14")
    assert {e["target"] for e in record["events"]} == {"Anthropic"}


def test_a_headline_restates_the_body_even_with_a_converted_figure(extract):
    text = ("Télécoms : Orange met la main sur Kelvane pour 2 milliards d'euros\n"
            "Orange a annoncé le rachat de Kelvane pour 1,7 milliard de livres sterling, soit environ "
            "2 milliards d'euros.\n")
    events = events_of(extract, text)
    assert [(e["target"], e["acquirer"], e["value"], e["currency"]) for e in events] == [
        ("Kelvane", "Orange", 1_700_000_000, "GBP")]


def test_a_total_stated_later_belongs_to_the_investors_it_sums(extract):
    text = ("Renault investira 200 millions d'euros dans Verkor, tandis que Stellantis investira 100 millions "
            "d'euros dans la société. Selon la presse, l'investissement de 300 millions d'euros porte la "
            "valorisation de Verkor à 2 milliards d'euros.")
    joint = [e for e in events_of(extract, text) if e["value"] == 300_000_000]
    assert [(e["target"], sorted(e["investors"])) for e in joint] == [("Verkor", ["Renault", "Stellantis"])]
