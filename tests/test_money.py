"""MONEY and PERCENT recognition (pipeline/components/money.py) on sentences written for these tests,
plus an end-to-end check over the seed files."""
from pathlib import Path

import pytest
import spacy
from spacy.tokens import Span

import fr_finance.nlp.components.money  # noqa: F401  (registers fr_finance_money_v1)
from fr_finance.nlp.normalize.amounts import amount_value, parse_figure

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
FACTORY = "fr_finance_money_v1"


def M(text, value, currency, qualifier="exact", value_max=None):
    return ("MONEY", text, value, currency, qualifier, value_max)


def P(text, value):
    return ("PERCENT", text, value, None, None, None)


def found(doc):
    return [(e.label_, e.text, e._.fr_finance_value, e._.fr_finance_currency, e._.fr_finance_qualifier, e._.fr_finance_value_max)
            for e in doc.ents if e.label_ in ("MONEY", "PERCENT")]


EXAMPLES = [
    # figures
    ("La PME a payé 1 400 € de frais.", [M("1 400 €", 1400, "EUR")]),
    ("Le billet coûte 1\u00a0400 euros.", [M("1\u00a0400 euros", 1400, "EUR")]),
    ("Une amende de 1\u202f400\u202f000 € a été infligée.", [M("1\u202f400\u202f000 €", 1400000, "EUR")]),
    ("Le groupe a réalisé 10,12 milliards d'euros de ventes.",
     [M("10,12 milliards d'euros", 10120000000, "EUR")]),
    ("Un bonus de 1.400 euros a été versé.", [M("1.400 euros", 1400, "EUR")]),
    ("Le solde s'élève à 1.400,50 € fin mars.", [M("1.400,50 €", 1400.5, "EUR")]),
    ("Le salaire atteint 94000 euros par an.", [M("94000 euros", 94000, "EUR")]),
    ("Il a dit en anglais : « our revenue reached $2.5 million ».", [M("$2.5 million", 2500000, "USD")]),
    ("Une facture de 1,2,3 € mal saisie.", [M("1,2,3 €", None, "EUR")]),
    # number words
    ("La mairie verse cinq millions d'euros au club.", [M("cinq millions d'euros", 5000000, "EUR")]),
    ("Le fonds a réuni deux milliards de dollars.", [M("deux milliards de dollars", 2000000000, "USD")]),
    ("Un milliard de dollars a été investi.", [M("Un milliard de dollars", 1000000000, "USD")]),
    ("Le rachat vaut un demi-milliard de dollars.", [M("un demi-milliard de dollars", 500000000, "USD")]),
    ("Le projet coûtera un milliard et demi d'euros.",
     [M("un milliard et demi d'euros", 1500000000, "EUR")]),
    ("La banque prête vingt-cinq millions de francs suisses.",
     [M("vingt-cinq millions de francs suisses", 25000000, "CHF")]),
    ("Le fondateur a touché trois cents euros.", [M("trois cents euros", 300, "EUR")]),
    ("Le fonds vise une dizaine de millions d'euros.",
     [M("une dizaine de millions d'euros", 10000000, "EUR", "approx")]),
    # scales, compact forms
    ("Le club a reçu 300 mille euros.", [M("300 mille euros", 300000, "EUR")]),
    ("La dette publique dépasse 3 billions d'euros.", [M("3 billions d'euros", 3000000000000, "EUR", "more_than")]),
    ("La cible pèse 46 Md€ en Bourse.", [M("46 Md€", 46000000000, "EUR")]),
    ("La start-up a levé 5 M$ auprès de business angels.", [M("5 M$", 5000000, "USD")]),
    ("Le tour d'amorçage atteint 200 k€.", [M("200 k€", 200000, "EUR")]),
    ("Le contrat pèse 350 K€.", [M("350 K€", 350000, "EUR")]),
    ("Le chiffre d'affaires atteint 2,3 Mds d'euros.", [M("2,3 Mds d'euros", 2300000000, "EUR")]),
    ("Le fonds souverain apporte $5 Md.", [M("$5 Md", 5000000000, "USD")]),
    ("La filiale vaut 4 Mrd € selon les analystes.", [M("4 Mrd €", 4000000000, "EUR")]),
    ("Le budget atteint 12 Mn $.", [M("12 Mn $", 12000000, "USD")]),
    ("Le groupe a annoncé 8 milliards USD de rachats.", [M("8 milliards USD", 8000000000, "USD")]),
    ("Hydro-Québec investira 3 G$ dans le réseau.", [M("3 G$", 3000000000, "USD")]),
    ("Le groupe a levé 1,5 million d'euros.", [M("1,5 million d'euros", 1500000, "EUR")]),
    ("Le groupe a été racheté 120 M€.", [M("120 M€", 120000000, "EUR")]),
    ("Le rachat atteint €2,5 milliards.", [M("€2,5 milliards", 2500000000, "EUR")]),
    # currencies
    ("Le chantier coûte 15 milliards de dollars.", [M("15 milliards de dollars", 15000000000, "USD")]),
    ("La banque a perdu 2 millions d’euros.", [M("2 millions d’euros", 2000000, "EUR")]),
    ("Le groupe investit 40 millions de dollars américains.",
     [M("40 millions de dollars américains", 40000000, "USD")]),
    ("La mine a coûté 3 milliards de dollars canadiens.",
     [M("3 milliards de dollars canadiens", 3000000000, "CAD")]),
    ("Le club a été vendu 400 millions de livres sterling.",
     [M("400 millions de livres sterling", 400000000, "GBP")]),
    ("Le groupe a versé 90 millions de francs suisses.",
     [M("90 millions de francs suisses", 90000000, "CHF")]),
    ("Le constructeur a économisé 800 milliards de yens.",
     [M("800 milliards de yens", 800000000000, "JPY")]),
    ("La ville a emprunté 30 milliards de yuans.", [M("30 milliards de yuans", 30000000000, "CNY")]),
    ("La PME québécoise a levé 12 millions $ CA.", [M("12 millions $ CA", 12000000, "CAD")]),
    ("Le rachat atteint CA$ 700 millions.", [M("CA$ 700 millions", 700000000, "CAD")]),
    ("Le rachat atteint C$ 700 millions.", [M("C$ 700 millions", 700000000, "CAD")]),
    ("Le conglomérat a émis US$ 3 milliards d'obligations.", [M("US$ 3 milliards", 3000000000, "USD")]),
    ("Le bénéfice atteint CHF 450 millions.", [M("CHF 450 millions", 450000000, "CHF")]),
    ("Les ventes atteignent 9 milliards EUR.", [M("9 milliards EUR", 9000000000, "EUR")]),
    ("L'offre valorise la cible à 6 milliards GBP.", [M("6 milliards GBP", 6000000000, "GBP")]),
    ("Le groupe a investi 70 milliards JPY.", [M("70 milliards JPY", 70000000000, "JPY")]),
    ("Le contrat s'élève à 20 milliards CNY.", [M("20 milliards CNY", 20000000000, "CNY")]),
    ("La compagnie a reçu 250 millions CAD.", [M("250 millions CAD", 250000000, "CAD")]),
    ("La fondation a reçu £20 millions.", [M("£20 millions", 20000000, "GBP")]),
    # qualifiers stay outside the span
    ("L'État investira jusqu'à 2 milliards d'euros.", [M("2 milliards d'euros", 2000000000, "EUR", "up_to")]),
    ("Les pertes atteignent plus de 600 millions d'euros.",
     [M("600 millions d'euros", 600000000, "EUR", "more_than")]),
    ("Le groupe a dépensé plus d'un milliard de dollars.",
     [M("un milliard de dollars", 1000000000, "USD", "more_than")]),
    ("La valorisation irait au-delà de 20 milliards de dollars.",
     [M("20 milliards de dollars", 20000000000, "USD", "more_than")]),
    ("Le fonds apportera au moins 50 millions d'euros.",
     [M("50 millions d'euros", 50000000, "EUR", "at_least")]),
    ("La banque exige au minimum 10 millions d'euros.",
     [M("10 millions d'euros", 10000000, "EUR", "at_least")]),
    ("Le rachat a coûté moins de 100 millions de dollars.",
     [M("100 millions de dollars", 100000000, "USD", "less_than")]),
    ("Le prix reste en dessous de 5 millions d'euros.",
     [M("5 millions d'euros", 5000000, "EUR", "less_than")]),
    ("Le groupe a levé environ 300 millions d'euros.",
     [M("300 millions d'euros", 300000000, "EUR", "approx")]),
    ("Le contrat pèse près de 4 milliards de dollars.",
     [M("4 milliards de dollars", 4000000000, "USD", "approx")]),
    ("Le fonds gère quelque 80 milliards d'euros.", [M("80 milliards d'euros", 80000000000, "EUR", "approx")]),
    ("La prime tourne autour de 2 millions d'euros.", [M("2 millions d'euros", 2000000, "EUR", "approx")]),
    ("Le projet coûtera au plus 9 millions d'euros.", [M("9 millions d'euros", 9000000, "EUR", "at_most")]),
    ("L'État n'apportera pas plus de 40 millions d'euros.",
     [M("40 millions d'euros", 40000000, "EUR", "at_most")]),
    # ranges span both figures, lead word outside
    ("L'opération coûterait entre 5 et 7 milliards d'euros.",
     [M("5 et 7 milliards d'euros", 5000000000, "EUR", "range", 7000000000)]),
    ("Le tour de table irait de 2 à 3 milliards de dollars.",
     [M("2 à 3 milliards de dollars", 2000000000, "USD", "range", 3000000000)]),
    ("La cible vaut 4 à 6 millions d'euros.", [M("4 à 6 millions d'euros", 4000000, "EUR", "range", 6000000)]),
    ("Comptez 15-20 € par mois.", [M("15-20 €", 15, "EUR", "range", 20)]),
    ("Le prix irait de 500 millions à 1 milliard de dollars.",
     [M("500 millions à 1 milliard de dollars", 500000000, "USD", "range", 1000000000)]),
    # vague amounts: value null
    ("Le groupe a injecté plusieurs milliards de dollars.",
     [M("plusieurs milliards de dollars", None, "USD", "approx")]),
    ("Les géants investissent des dizaines de milliards d'euros.",
     [M("dizaines de milliards d'euros", None, "EUR", "approx")]),
    ("Le rachat vaudrait quelques centaines de millions de dollars.",
     [M("quelques centaines de millions de dollars", None, "USD", "approx")]),
    # currency carried by ellipsis within the sentence only
    ("Le fonds pèse 40 milliards de dollars, contre 25 milliards l'an dernier.",
     [M("40 milliards de dollars", 40000000000, "USD"), M("25 milliards", 25000000000, "USD")]),
    ("Amazon apporte jusqu'à 4 milliards d'euros, Google jusqu'à 2 milliards.",
     [M("4 milliards d'euros", 4000000000, "EUR", "up_to"), M("2 milliards", 2000000000, "EUR", "up_to")]),
    ("La société a levé 40 millions d'euros. L'an dernier, 25 millions avaient suffi.",
     [M("40 millions d'euros", 40000000, "EUR"), M("25 millions", 25000000, "EUR")]),
    ("Elle a levé 10 millions d'euros et compte 7 millions d'utilisateurs.",
     [M("10 millions d'euros", 10000000, "EUR")]),
    # percentages
    ("Le titre a bondi de 656 % en deux ans.", [P("656 %", 656)]),
    ("La marge atteint 42% cette année.", [P("42%", 42)]),
    ("Le taux est fixé à 7,5 % par la banque.", [P("7,5 %", 7.5)]),
    ("Le marché progresse (+42 % sur un an).", [P("42 %", 42)]),
    ("Les ventes ont reculé de -3 % au trimestre.", [P("-3 %", -3)]),
    ("La part atteint 27 pour cent du capital.", [P("27 pour cent", 27)]),
    ("Le fonds détient moins d'un pour cent du capital.", [P("un pour cent", 1)]),
    ("Un gain de quelques pourcentages par tâche.", []),
    # not money
    ("L'application compte 7 millions de téléchargements.", []),
    ("Le site produira 30 gigawatts d'électricité.", []),
    ("Le groupe supprime 800 emplois.", []),
    ("L'usine emploie 2 400 travailleurs.", []),
    ("La start-up a été fondée en 2021 et rachetée en 2024.", []),
    ("Le modèle GPT-4 est plus lent.", []),
    ("Les puces sont 3 à 4 fois plus rapides.", []),
    ("Appelez le 01 23 45 67 89 pour un rendez-vous.", []),
    ("Après la Série F, la société vise la Bourse.", []),
    ("Un dollar fort pèse sur les exportations.", []),
    ("Pourquoi investir encore des milliards dans ce projet ?", []),
    ("Le fichier fait 5 Mo et le câble 10 km.", []),
    ("Les milliardaires de la tech investissent.", []),
    ("Le réseau 5G couvre la ville depuis 2020, M. Martin le confirme.", []),
]


# Every family of issue 13, with sentences written for these tests: CLDR currencies, symbols and codes,
# sub-units, glued codes, scale abbreviations, number words, changes, thresholds.
FORMS = [
    # any ISO 4217 currency as CLDR writes it in French, singular or plural
    ("Le fonds suédois a levé 40 millions de couronnes suédoises.",
     [M("40 millions de couronnes suédoises", 40000000, "SEK")]),
    ("La banque a prêté 12 milliards de roupies indiennes.", [M("12 milliards de roupies indiennes", 12000000000, "INR")]),
    ("En 1994, la brasserie avait coûté 900 millions de francs belges.",
     [M("900 millions de francs belges", 900000000, "BEF")]),
    ("Le groupe a payé 2 milliards de lires italiennes en 1990.",
     [M("2 milliards de lires italiennes", 2000000000, "ITL")]),
    ("Le port a coûté 300 millions de florins néerlandais.",
     [M("300 millions de florins néerlandais", 300000000, "NLG")]),
    ("L'opérateur a investi 5 milliards de dinars algériens.", [M("5 milliards de dinars algériens", 5000000000, "DZD")]),
    ("Le chantier coûte 700 millions de wons sud-coréens.", [M("700 millions de wons sud-coréens", 700000000, "KRW")]),
    ("La société vaut 3 milliards de zlotys polonais.", [M("3 milliards de zlotys polonais", 3000000000, "PLN")]),
    # symbols and codes, before or after the figure, spaced or not
    ("La jeune pousse a levé 20 millions $ NZ.", [M("20 millions $ NZ", 20000000, "NZD")]),
    ("La mine a levé 15 millions $AUD.", [M("15 millions $AUD", 15000000, "AUD")]),
    ("Le fonds a investi S$ 40 millions.", [M("S$ 40 millions", 40000000, "SGD")]),
    ("Le fonds a investi US $ 40 millions.", [M("US $ 40 millions", 40000000, "USD")]),
    ("L'immeuble vaut 60 millions $CA.", [M("60 millions $CA", 60000000, "CAD")]),
    ("Les exportations atteignent 10 milliards de $ hk.", [M("10 milliards de $ hk", 10000000000, "HKD")]),
    ("La pièce vaut 7 millions de mark finlandais.", [M("7 millions de mark finlandais", 7000000, "FIM")]),
    ("Le ticket coûte 2 USD 45 cents.", [M("2 USD 45 cents", 2.45, "USD")]),
    ("Le ticket coûte 2 euros 45.", [M("2 euros 45", 2.45, "EUR")]),
    ("Le ticket coûte 2 euros 45 pour les enfants.", [M("2 euros", 2, "EUR")]),
    ("Le fonds a apporté deux autres milliards de dollars.",
     [M("deux autres milliards de dollars", 2000000000, "USD")]),
    ("Le club anglais a payé sept pounds le billet.", [M("sept pounds", 7, "GBP")]),
    ("Le baril a coûté 70 riyals à Doha.", [M("70 riyals", 70, "QAR")]),
    ("Le billet coûte plus que 30 euros.", [M("30 euros", 30, "EUR", "more_than")]),
    ("Trois tours sont restés sous le million d'euros.", [M("million d'euros", 1000000, "EUR", "less_than")]),
    ("Le ticket coûte CHF12,50 au guichet.", [M("CHF12,50", 12.5, "CHF")]),
    ("Le menu coûte GBP7 à Londres.", [M("GBP7", 7, "GBP")]),
    ("Le ticket coûte 12,50CHF au guichet.", [M("12,50CHF", 12.5, "CHF")]),
    ("La foncière a levé 300 millions SEK.", [M("300 millions SEK", 300000000, "SEK")]),
    ("Le dividende atteint 4 ₹ par action.", [M("4 ₹", 4, "INR")]),
    # press signs and scale abbreviations CLDR lacks
    ("La banque tunisoise affiche un bénéfice de 45 MDT.", [M("45 MDT", 45000000, "TND")]),
    ("L'assureur marocain a levé 250 MMAD.", [M("250 MMAD", 250000000, "MAD")]),
    ("La cimenterie a investi 120 MDH dans son usine.", [M("120 MDH", 120000000, "MAD")]),
    ("Le menu coûte 90 DH à Rabat.", [M("90 DH", 90, "MAD")]),
    ("Le fonds québécois injecte 12 MM$ dans la société montréalaise, à Laval.", [M("12 MM$", 12000000, "CAD")]),
    ("Le barrage coûtera 4 G$.", [M("4 G$", 4000000000, "USD")]),
    ("La cible est valorisée 2,5 Md$.", [M("2,5 Md$", 2500000000, "USD")]),
    ("La banque dakaroise a prêté 800 millions FCFA.", [M("800 millions FCFA", 800000000, "XOF")]),
    # sub-units
    ("L'action a gagné 75 cents en séance.", [M("75 cents", 0.75, "USD")]),
    ("Le titre a cédé 312 pence à la clôture.", [M("312 pence", 3.12, "GBP")]),
    ("La taxe ajoute 50 centimes d'euro par litre.", [M("50 centimes d'euro", 0.5, "EUR")]),
    ("Le ticket passe à 4 euros et 60 centimes.", [M("4 euros et 60 centimes", 4.6, "EUR")]),
    ("La firme a levé 5 millions de francs suisses ; l'action vaut 80 centimes.",
     [M("5 millions de francs suisses", 5000000, "CHF"), M("80 centimes", 0.8, "CHF")]),
    # number words (text2num)
    ("Le repas a coûté douze dollars.", [M("douze dollars", 12, "USD")]),
    ("L'abonnement coûte quarante-cinq euros par mois.", [M("quarante-cinq euros", 45, "EUR")]),
    # a threshold without a figure: "le milliard", "dépasser"
    ("La valorisation de la plateforme dépasse le milliard de dollars.",
     [M("milliard de dollars", 1000000000, "USD", "more_than")]),
    ("La start-up a franchi la barre des 100 millions d'euros de revenus.",
     [M("100 millions d'euros", 100000000, "EUR", "more_than")]),
    # a change between two amounts is two amounts, not a range
    ("Le bénéfice passe de 3 à 2 millions d'euros.",
     [M("3", 3000000, "EUR"), M("2 millions d'euros", 2000000, "EUR")]),
    ("La dette a grimpé de 10,5 à 12 milliards de dollars.",
     [M("10,5", 10500000000, "USD"), M("12 milliards de dollars", 12000000000, "USD")]),
    ("Le prix irait de 2 à 3 millions d'euros.", [M("2 à 3 millions d'euros", 2000000, "EUR", "range", 3000000)]),
]

# Currency from the whole document (GOLD.md, "Currency by context"): (text, published, expected).
CONTEXT = [
    # a bare amount takes the document's currency, paragraphs away
    ("La société genevoise a levé 30 millions de francs.\nSa rivale bâloise a obtenu 12 millions.", None,
     [M("30 millions de francs", 30000000, "CHF"), M("12 millions", 12000000, "CHF")]),
    ("La foncière a levé 40 millions d'euros.\nSon concurrent a réuni 25 millions.", None,
     [M("40 millions d'euros", 40000000, "EUR"), M("25 millions", 25000000, "EUR")]),
    # ... from a later amount of its sentence
    ("Les deux rivales valent respectivement 8 milliards et 6 milliards de dollars.", None,
     [M("8 milliards", 8000000000, "USD"), M("6 milliards de dollars", 6000000000, "USD")]),
    # ... or, with no currency anywhere, the local one of a Swiss or Canadian text
    ("Le groupe zurichois a été racheté pour 320 millions par un concurrent bâlois.", None,
     [M("320 millions", 320000000, "CHF")]),
    ("Le groupe lyonnais a été racheté pour 320 millions.", None, []),
    # ... unless it counts something
    ("La plateforme a levé 40 millions d'euros.\nElle compte 3 millions d'abonnés.", None,
     [M("40 millions d'euros", 40000000, "EUR")]),
    ("Les jeunes pousses ont levé 400 millions d'euros en mai, 90 millions de moins qu'en avril.", None,
     [M("400 millions d'euros", 400000000, "EUR"), M("90 millions", 90000000, "EUR")]),
    ("La plateforme a levé 40 millions d'euros ; ses abonnés sont désormais 3 millions.", None,
     [M("40 millions d'euros", 40000000, "EUR")]),
    ("La compagnie a gagné 9 millions d'euros pour un nombre de passagers de 4 millions.", None,
     [M("9 millions d'euros", 9000000, "EUR")]),
    ("L'apport de 30 millions de Fondex complète le tour de 50 millions de dollars.", None,
     [M("30 millions", 30000000, "USD"), M("50 millions de dollars", 50000000, "USD")]),
    # a text set in Canada: bare "$" and "dollars" are CAD, "$ US" is USD
    ("La firme montréalaise a levé 25 millions de dollars au Québec. Sa filiale de Toronto vise 3 M$ et 4 millions $ US.",
     None, [M("25 millions de dollars", 25000000, "CAD"), M("3 M$", 3000000, "CAD"),
            M("4 millions $ US", 4000000, "USD")]),
    ("Le fonds d'Ottawa a investi 2 milliards $ dans une firme québécoise de Montréal.", None,
     [M("2 milliards $", 2000000000, "CAD")]),
    # ... and "US" alone after the figure is USD too
    ("La chaîne montréalaise a racheté le groupe Verdi de Québec pour 1,7 milliard US et investira 3 M$ en Ontario.", None,
     [M("1,7 milliard US", 1700000000, "USD"), M("3 M$", 3000000, "CAD")]),
    # ... one or two mentions of Canada do not make a Canadian text
    ("Le groupe, présent au Canada, a levé 25 millions de dollars.", None,
     [M("25 millions de dollars", 25000000, "USD")]),
    ("La filiale du Québec a vendu sa part au Canada pour 9 millions de $.", None,
     [M("9 millions de $", 9000000, "USD")]),
    # Swiss francs in a Swiss text that never says "suisse"
    ("Le vigneron valaisan a été racheté 8 millions de francs.", None,
     [M("8 millions de francs", 8000000, "CHF")]),
    # francs before 2002, by country
    ("La brasserie liégeoise a été cédée pour 900 millions de francs.", "1998-03-02",
     [M("900 millions de francs", 900000000, "BEF")]),
    ("La PME lyonnaise a été cédée pour 90 millions de francs.", "1998-03-02",
     [M("90 millions de francs", 90000000, "FRF")]),
    # FCFA by region, the more often named one winning
    ("La banque de Douala, au Cameroun, a prêté 5 milliards FCFA.", None,
     [M("5 milliards FCFA", 5000000000, "XAF")]),
    ("La banque d'Abidjan, en Côte d'Ivoire, présente au Sénégal et au Gabon, a prêté 5 milliards FCFA.", None,
     [M("5 milliards FCFA", 5000000000, "XOF")]),
    # dinars and dirhams by country
    ("La holding tunisienne a levé 20 millions de dinars.", None, [M("20 millions de dinars", 20000000, "TND")]),
    ("La banque tunisienne a dégagé un bénéfice de 85 MD.", None, [M("85 MD", 85000000, "TND")]),
    ("L'assureur tunisien affiche 1 240MD de primes contre 1 105MD.", None,
     [M("1 240MD", 1240000000, "TND"), M("1 105MD", 1105000000, "TND")]),
    ("La holding tunisienne pèse 3,2 Milliards DT et 640 MTND de fonds propres.", None,
     [M("3,2 Milliards DT", 3200000000, "TND"), M("640 MTND", 640000000, "TND")]),
    ("Le billet coûte sept rials.", None, [M("sept rials", 7, None)]),
    ("L'hôpital lyonnais a recruté 5 MD cette année.", None, []),
    ("Le promoteur de Dubaï a investi 90 millions de dirhams.", None,
     [M("90 millions de dirhams", 90000000, "AED")]),
    ("L'assureur de Casablanca a investi 90 millions de dirhams.", None,
     [M("90 millions de dirhams", 90000000, "MAD")]),
]

# Mistakes the grammar made once, kept so they do not come back.
BUGS_CAUGHT = [
    # "Billion Dollar" in a club's name is no amount (a lone scale word needs lower case)
    ("Elle rejoint le Billion Dollar Club des start-up.", []),
    # "TOP 10": a currency code that is also a word is read only after a figure
    ("Le TOP 10 des levées de fonds du mois.", []),
    # CLDR's "sucre" (Ecuador, before 2000) is left out: the word means sugar
    ("La sucrerie a vendu 3 millions de sucre et de farine.", []),
    # "trois cents euros" is 300, not a sub-unit
    ("Le fondateur a touché trois cents euros.", [M("trois cents euros", 300, "EUR")]),
    # CLDR's "franc CFA (BCEAO)" gave an empty name once, which made "de" a currency
    ("Il a levé 5 millions de dollars, puis 3 millions de.", [M("5 millions de dollars", 5000000, "USD"),
                                                              M("3 millions", 3000000, "USD")]),
]


@pytest.fixture(scope="module")
def blank_nlp():
    nlp = spacy.blank("fr")
    nlp.add_pipe(FACTORY)
    return nlp


@pytest.mark.parametrize("text, expected", EXAMPLES, ids=[t for t, _ in EXAMPLES])
def test_money_and_percent(blank_nlp, text, expected):
    assert found(blank_nlp(text)) == expected


@pytest.mark.parametrize("text, expected", FORMS, ids=[t for t, _ in FORMS])
def test_money_forms(blank_nlp, text, expected):
    assert found(blank_nlp(text)) == expected


@pytest.mark.parametrize("text, expected", BUGS_CAUGHT, ids=[t for t, _ in BUGS_CAUGHT])
def test_bugs_caught(blank_nlp, text, expected):
    assert found(blank_nlp(text)) == expected


@pytest.mark.parametrize("text, published, expected", CONTEXT, ids=[t for t, _, _ in CONTEXT])
def test_currency_from_the_document(blank_nlp, text, published, expected):
    doc = blank_nlp.make_doc(text)
    doc._.fr_finance_published = published
    assert found(blank_nlp.get_pipe(FACTORY)(doc)) == expected


def test_cldr_tables_cover_every_iso_currency():
    from babel import Locale
    from fr_finance.nlp.normalize.amounts import currency_code
    codes = [code for code in Locale("fr").currencies if code.isalpha() and len(code) == 3]
    assert [code for code in codes if currency_code(code) != code] == []


# Bare "livres" and "francs" (models/money.yaml, bare_currencies): (sentence, published, expected).
BARE_EXAMPLES = [
    ("Le club londonien a été cédé pour 85 millions de livres.", None, [M("85 millions de livres", 85000000, "GBP")]),
    ("La chaîne a perdu 1,5 milliard de livres, contre 900 millions un an plus tôt.", None,
     [M("1,5 milliard de livres", 1500000000, "GBP"), M("900 millions", 900000000, "GBP")]),
    ("Le fonds apportera jusqu'à 30 millions de livres.", None, [M("30 millions de livres", 30000000, "GBP", "up_to")]),
    ("Le prix irait de 2 à 3 milliards de livres.", None,
     [M("2 à 3 milliards de livres", 2000000000, "GBP", "range", 3000000000)]),
    ("Les recettes fiscales atteignent 12 milliards de livres turques.", None,
     [M("12 milliards de livres turques", 12000000000, "TRY")]),
    ("La maison zurichoise gère 95 milliards de francs d'actifs.", None,
     [M("95 milliards de francs", 95000000000, "CHF")]),
    ("Le groupe genevois vise 40 millions de francs de synergies, contre 25 millions prévus.", None,
     [M("40 millions de francs", 40000000, "CHF"), M("25 millions", 25000000, "CHF")]),
    ("La banque de Yaoundé, qui prête en francs CFA au Cameroun, a levé 2 milliards de francs.", None,
     [M("2 milliards de francs", 2000000000, "XAF")]),
    ("L'opérateur sénégalais, coté en francs CFA, a investi 60 milliards de francs.", None,
     [M("60 milliards de francs", 60000000000, "XOF")]),
    ("En 1997, l'État avait injecté 20 milliards de francs dans la banque.", None,
     [M("20 milliards de francs", 20000000000, "FRF")]),
    ("L'État avait injecté 20 milliards de francs dans la banque.", "1998-04-02",
     [M("20 milliards de francs", 20000000000, "FRF")]),
    # the text does not tell which franc: the amount is kept, currency null
    ("L'État avait injecté 20 milliards de francs dans la banque.", None, [M("20 milliards de francs", 20000000000, None)]),
    ("La holding a versé 3 millions de francs, contre 2 millions un an plus tôt.", "2021-06-01",
     [M("3 millions de francs", 3000000, None)]),
    # not money: books, people, a plain figure
    ("Il a écrit trois livres sur la finance.", None, []),
    ("Des livres de cuisine se vendent en gare.", None, []),
    ("L'éditeur a vendu 7 millions de livres l'an dernier.", None, []),
    ("La maison d'édition a imprimé 2 millions de livres de poche.", None, []),
    ("Le roman compte 5 millions de livres vendus en Europe.", None, []),
    ("La bibliothèque possède 20 000 livres anciens.", None, []),
    ("Le film suit 20 francs-tireurs dans la Résistance.", "1999-01-01", []),
    ("Le film réunit 3 millions de francs-maçons selon l'auteur.", "1999-01-01", []),
]


@pytest.mark.parametrize("text, published, expected", BARE_EXAMPLES, ids=[t for t, _, _ in BARE_EXAMPLES])
def test_bare_livres_and_francs(blank_nlp, text, published, expected):
    doc = blank_nlp.make_doc(text)
    doc._.fr_finance_published = published
    assert found(blank_nlp.get_pipe(FACTORY)(doc)) == expected


def test_rule_ids_travel(blank_nlp):
    doc = blank_nlp("Il a levé 5 millions d'euros, contre 3 millions, soit entre 2 et 4 % de plus.")
    assert [e._.fr_finance_rule for e in doc.ents] == ["money.amount", "money.ellipsis", "percent.figure"]


def test_stop_glued_to_a_currency_sign_stays_out_of_the_span(blank_nlp):
    text = "La cible pèse 46 Md€. Le groupe a levé 5€."
    doc = blank_nlp(text)
    assert doc.text == text
    assert [e.text for e in doc.ents] == ["46 Md€", "5€"]
    assert all(text[e.start_char:e.end_char] == e.text for e in doc.ents)


@pytest.mark.parametrize("scope, expected", [
    ("sentence", ["2 milliards de dollars"]),
    ("paragraph", ["2 milliards de dollars", "20 milliards"]),
    ("document", ["2 milliards de dollars", "20 milliards", "3 milliards"]),
    ("none", ["2 milliards de dollars"]),
])
def test_carry_currency_scope(scope, expected):
    nlp = spacy.blank("fr")
    nlp.add_pipe(FACTORY, config={"carry_currency": scope, "document_currency": False})
    doc = nlp("Le groupe a levé 2 milliards de dollars. Sa valorisation atteint 20 milliards.\nPuis 3 milliards.")
    assert [e.text for e in doc.ents] == expected
    assert all(e._.fr_finance_currency == "USD" for e in doc.ents)


def test_money_replaces_overlapping_model_entities(blank_nlp):
    doc = blank_nlp.make_doc("Airbus vend 15 milliards de dollars d'avions.")
    doc.ents = [Span(doc, 0, 1, label="ORG"), Span(doc, 3, 5, label="MISC")]
    doc = blank_nlp.get_pipe(FACTORY)(doc)
    assert [(e.text, e.label_) for e in doc.ents] == [("Airbus", "ORG"), ("15 milliards de dollars", "MONEY")]


@pytest.mark.parametrize("figure, expected", [
    ("1 400", 1400), ("1\u00a0400", 1400), ("1\u202f400", 1400), ("10,12", 10.12), ("1.400", 1400),
    ("1.400,50", 1400.5), ("94000", 94000), ("2.5", 2.5), ("un", 1), ("deux", 2), ("cinq", 5),
    ("1,2,3", None), ("1..2", None), ("", None), ("abc", None),
])
def test_parse_figure(figure, expected):
    assert parse_figure(figure) == expected


@pytest.mark.parametrize("figure, scale, expected", [
    ("15", "milliards", 15000000000), ("46", "Md", 46000000000), ("200", "k", 200000),
    ("un", "demi-milliard", 500000000), ("2", "billions", 2000000000000), ("3", "gigawatts", None),
    ("1,2,3", "millions", None),
])
def test_amount_value(figure, scale, expected):
    assert amount_value(figure, scale) == expected


# ---------------------------------------------------------------------------------------------
# End to end on the seeds (clean UTF-8 ones), after the French model's NER.

SEED_EXPECTED = {
    "000_823270f24f0e17f2": [
        M("un Milliard de Dollars", 1000000000, "USD"),
        M("un milliard de dollars", 1000000000, "USD"),
        M("500 millions de dollars", 500000000, "USD", "more_than"),
        M("5 milliards de dollars", 5000000000, "USD"),
        M("quelques centaines de millions de dollars", None, "USD", "approx"),
        P("un pour cent", 1),
        M("183 milliards de dollars", 183000000000, "USD"),
        M("plusieurs milliards de dollars", None, "USD", "approx"),
        M("milliards de dollars", None, "USD", "approx"),
        M("milliards de dollars", None, "USD", "approx"),
    ],
    "001_8d1ed3961d4ae397": [
        M("13 milliards de dollars", 13000000000, "USD", "approx"),
        M("5 milliards de dollars", 5000000000, "USD", "up_to"),
        M("10 milliards de dollars", 10000000000, "USD", "up_to"),
        M("38 milliards de dollars", 38000000000, "USD"),
        M("1 400 milliards de dollars", 1400000000000, "USD"),
        M("135 milliards de dollars", 135000000000, "USD"),
        P("27 %", 27),
        M("15 milliards de dollars", 15000000000, "USD"),
        M("350 milliards de dollars", 350000000000, "USD"),
        M("183 milliards", 183000000000, "USD"),
        M("500 milliards de dollars", 500000000000, "USD"),
        M("1 000 milliards de dollars", 1000000000000, "USD", "more_than"),
        M("500 milliards de dollars", 500000000000, "USD", "approx"),
        M("300 milliards", 300000000000, "USD"),
        M("300 milliards", 300000000000, "USD"),
        M("22 milliards", 22000000000, "USD"),
        M("100 milliards de dollars", 100000000000, "USD"),
        M("12 milliards de dollars", 12000000000, "USD"),
        M("dizaines de milliards de dollars", None, "USD", "approx"),
        P("656 %", 656),
        M("10 000 milliards de dollars", 10000000000000, "USD", "approx"),
        P("656 %", 656),
    ],
    "003_1d47dec1d2c33ff5": [
        M("15 milliards de dollars", 15000000000, "USD"),
        M("350 milliards de dollars", 350000000000, "USD"),
        M("500 milliards de dollars", 500000000000, "USD"),
        M("10 milliards de dollars", 10000000000, "USD"),
        M("5 milliards", 5000000000, "USD"),
        M("30 milliards de dollars", 30000000000, "USD"),
    ],
    "004_0d31fa6c5a90a33e": [
        M("plusieurs milliards de dollars", None, "USD", "approx"),
        M("10 milliards USD", 10000000000, "USD", "more_than"),
        M("8 milliards", 8000000000, "USD"),
        M("576 milliards USD", 576000000000, "USD"),
        M("4 milliards USD", 4000000000, "USD"),
        M("8 milliards USD", 8000000000, "USD"),
        M("67 milliards USD", 67000000000, "USD"),
        P("42 %", 42),
        M("75 milliards USD", 75000000000, "USD"),
        P("15 %", 15),
        M("2 milliards USD", 2000000000, "USD"),
        P("7 %", 7),
        P("80 %", 80),
    ],
}

# Forms in the seeds that must never sit inside a MONEY or PERCENT span.
NOT_MONEY = ["7 millions de téléchargements", "3 à 4 fois", "30 gigawatts", "50 transactions", "17 fois",
             "73 fois", "Série F", "GPT-4", "des milliards dans", "leurs milliards", "quelques pourcentages",
             "09 h 00", "Q3 2024", "Sonnet 4.5", "Opus 4.1", "2 décembre"]


@pytest.fixture(scope="session")
def model_nlp():
    nlp = spacy.load("fr_core_news_md")
    nlp.add_pipe(FACTORY, after="ner")
    return nlp


@pytest.mark.integration
@pytest.mark.parametrize("seed", sorted(SEED_EXPECTED))
def test_seed_amounts(model_nlp, seed):
    text = (SEEDS / f"{seed}.txt").read_text(encoding="utf-8")
    doc = model_nlp(text)
    assert found(doc) == SEED_EXPECTED[seed]
    ours = [e for e in doc.ents if e.label_ in ("MONEY", "PERCENT")]
    assert all(e._.fr_finance_currency for e in ours if e.label_ == "MONEY")
    for form in NOT_MONEY:
        start = text.find(form)
        while start != -1:
            end = start + len(form)
            assert not any(e.start_char < end and start < e.end_char for e in ours), form
            start = text.find(form, end)
