"""Name corrections on business news (integration: the French model is loaded once)."""
import pytest

from fr_finance.nlp.components.names import heading_ranges
from tests.conftest import entity_labels

pytestmark = pytest.mark.integration


def test_known_companies_and_products_get_their_label(extract):
    record = extract("Selon Anthropic, OpenAI et Nvidia, le modèle Claude progresse ; Amazon et Microsoft suivent.")
    for name in ("Anthropic", "OpenAI", "Nvidia", "Amazon", "Microsoft"):
        assert set(entity_labels(record, name)) == {"ORG"}, name
    assert entity_labels(record, "Claude") == ["MISC"]


def test_descriptor_cue_makes_an_unknown_name_an_organisation(extract):
    record = extract("La start-up Zelvora a levé des fonds. Ensuite Zelvora a recruté vingt ingénieurs à Nantes.")
    assert set(entity_labels(record, "Zelvora")) == {"ORG"}
    assert len(entity_labels(record, "Zelvora")) == 2  # the same label for every mention


def test_product_cue_makes_an_unknown_name_misc(extract):
    record = extract("La société Brevalis a présenté le modèle Ostrakon, puis Ostrakon a été déployé chez Renault.")
    assert set(entity_labels(record, "Ostrakon")) == {"MISC"}
    assert entity_labels(record, "Brevalis") == ["ORG"]


def test_appositive_cue_after_the_name(extract):
    record = extract("Le groupe a racheté Quillet, le moteur de recherche interne, pour son équipe.")
    assert entity_labels(record, "Quillet") == ["MISC"]


def test_role_cue_names_the_employer(extract):
    record = extract("Marie Dubreuil, directrice générale de Talvane, a annoncé la nouvelle hier.")
    assert entity_labels(record, "Talvane") == ["ORG"]
    assert entity_labels(record, "Marie Dubreuil") == ["PER"]


def test_title_case_heading_words_are_not_entities(extract):
    text = "La Revanche des Petits Acteurs\nLa société Mirova a investi dans une usine à Lyon.\n"
    record = extract(text)
    heading_end = text.index("\n")
    assert [e for e in record["entities"] if e["start"] < heading_end] == []


def test_common_word_starting_a_bullet_is_not_a_name(extract):
    record = extract("Les atouts :\n• Rentabilité accrue pour les clients.\n• Souplesse des contrats.\n")
    assert [e["text"] for e in record["entities"] if e["label"] in {"PER", "ORG", "LOC", "MISC"}] == []


def test_canonical_is_the_fullest_name_and_elisions_stay_out(extract):
    record = extract("Dario Amodei dirige la société. Selon Dario, l'offre d'Anthropic progresse.")
    dario = [e for e in record["entities"] if e["text"] == "Dario"]
    assert dario and dario[0]["canonical"] == "Dario Amodei"
    assert all(not e["text"].startswith(("d'", "l'")) for e in record["entities"])
    assert entity_labels(record, "Anthropic") == ["ORG"]


def test_heading_detection_is_pure_text():
    text = "Le Grand Retour du Nucléaire\nIl a signé un accord avec EDF.\nCECI EST UN BANDEAU\n"
    assert [text[a:b] for a, b in heading_ranges(text)] == ["Le Grand Retour du Nucléaire", "CECI EST UN BANDEAU"]


def test_role_after_a_name_makes_it_a_person(extract):
    record = extract("Au salon, Ines Kervadec, la directrice de Lumenza, a présenté la feuille de route.")
    assert entity_labels(record, "Ines Kervadec") == ["PER"]


def test_a_place_name_in_a_title_case_table_row_is_kept(extract):
    record = extract("Mars 2021 Création de Nuvyra à San Francisco par Paul Durand Nouvelle Vision\n"
                     "La société Nuvyra a ensuite levé des fonds.\n")
    assert entity_labels(record, "San Francisco") == ["LOC"]


def test_a_speaker_with_first_and_last_name_is_a_person(extract):
    record = extract("« Nous restons prudents », a déclaré Odile Brennec lors de la conférence.")
    assert entity_labels(record, "Odile Brennec") == ["PER"]


def test_an_article_before_a_name_rules_out_a_person(extract):
    record = extract("Sollicitée, la Fondation Helvara estime que le marché ralentira.")
    assert "PER" not in entity_labels(record, "Fondation Helvara")


# Unknown names labelled from general evidence: (sentence, name, expected labels of its mentions).
UNKNOWN_NAME_EXAMPLES = [
    # A company suffix on the last word, also where the model saw nothing.
    ("Le conseil a validé l'offre de Brantolo Systems sur le marché allemand.", "Brantolo Systems", {"ORG"}),
    ("Favrel & Fils a publié des comptes en nette hausse.", "Favrel & Fils", {"ORG"}),
    ("La direction a rencontré les dirigeants de Quarnell Therapeutics à Boston.", "Quarnell Therapeutics", {"ORG"}),
    # A lower-case nationality used as a noun after a determiner.
    ("Le groupe s'est rapproché du suédois Torvika pour bâtir deux usines.", "Torvika", {"ORG"}),
    ("Face à l'italien Brunelsi, la marque a baissé ses prix.", "Brunelsi", {"ORG"}),
    # A descriptor noun after any determiner, in any case, at the start of a sentence.
    ("L'assureur belge Mondravia a relevé ses prévisions annuelles.", "Mondravia", {"ORG"}),
    ("Il a cédé ses parts auprès du fonds Orsalis Growth en mars.", "Orsalis Growth", {"ORG"}),
    ("Le joaillier lyonnais Vantière ouvre trois boutiques.", "Vantière", {"ORG"}),
    # An institution's head followed by "de" and a place.
    ("Le titre a été introduit à la Bourse de Varsovie au printemps.", "Bourse de Varsovie", {"ORG"}),
    # A first name confirms a person whatever the context says.
    ("Fondée par l'ancien ingénieur Julien Marcadier, la société emploie quarante salariés.",
     "Julien Marcadier", {"PER"}),
]


@pytest.mark.parametrize("text,name,labels", UNKNOWN_NAME_EXAMPLES)
def test_unknown_names_get_their_label_from_general_evidence(extract, text, name, labels):
    assert set(entity_labels(extract(text), name)) == labels


def test_short_form_of_a_suffixed_company_takes_its_label_and_canonical(extract):
    record = extract("Tarvenne Motors a publié ses résultats lundi. Le rachat de Dolsa par Tarvenne "
                     "a été bouclé, et l'action Tarvenne a progressé.")
    short = [e for e in record["entities"] if e["text"] == "Tarvenne"]
    assert short and {e["label"] for e in short} == {"ORG"}
    assert {e["canonical"] for e in short} == {"Tarvenne Motors"}


def test_dateline_is_tagged(extract):
    record = extract("LYON – La société Ferlande a annoncé mardi l'ouverture d'une usine.")
    lyon = [e for e in record["entities"] if e["text"] == "LYON"]
    assert [e["label"] for e in lyon] == ["LOC"] and lyon[0]["canonical"] == "Lyon"


def test_bourse_alone_is_a_common_noun(extract):
    record = extract("La société Ferlande prépare son introduction en Bourse pour l'an prochain.")
    assert entity_labels(record, "Bourse") == []


def test_a_word_of_a_persons_full_name_stays_a_person(extract):
    record = extract("Paul Dureval a quitté la banque en mai. Selon Dureval, la fusion était mal préparée.")
    assert set(entity_labels(record, "Dureval")) <= {"PER"}
    assert entity_labels(record, "Paul Dureval") == ["PER"]


def test_amount_after_a_name_is_no_version(extract):
    record = extract("Selvane Capital a apporté 30 millions, Hortensia Ventures 25 millions et le reste vient d'Ardian.")
    assert entity_labels(record, "Hortensia Ventures") == ["ORG"]


def test_a_rubric_opening_a_line_is_no_dateline(extract):
    record = extract("EXCLUSIF – La société Ferlande prépare une cession de ses usines.")
    assert entity_labels(record, "EXCLUSIF") == []


def test_an_institutions_head_alone_is_no_name(extract):
    record = extract("Le Groupe a publié ses comptes, selon la Banque.")
    texts = {e["text"] for e in record["entities"] if e["label"] in {"PER", "ORG", "LOC", "MISC"}}
    assert not texts & {"Groupe", "Banque"}


def test_a_place_before_a_company_appositive_stays_a_place(extract):
    record = extract("Installée à Rennes, la start-up Corvane a recruté trente ingénieurs.")
    assert entity_labels(record, "Rennes") == ["LOC"]
    assert entity_labels(record, "Corvane") == ["ORG"]
