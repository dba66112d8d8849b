"""Repair: mojibake (ftfy + mixed-text fallback), lost elisions, NFC; clean text untouched."""
import unicodedata

import pytest

from fr_finance.read.repair import fix_mixed_mojibake, repair, restore_elisions


def as_cp1250_mojibake(text: str) -> str:
    """What a UTF-8 page looks like read as Windows-1250, with no-break spaces flattened."""
    return text.encode("utf-8").decode("cp1250", errors="replace").replace("\xa0", " ")


def test_cp1250_mojibake_mixed_with_correct_text_is_repaired():
    broken = as_cp1250_mojibake("La société a dépensé à peine 3 millions d’euros")
    passage = broken + " ; le modèle reste très prisé à Genève."  # correct letters beside it
    text, repairs = repair(passage)
    assert text == "La société a dépensé à peine 3 millions d’euros ; le modèle reste très prisé à Genève."
    assert repairs == [{"kind": "mojibake", "count": 6}]  # é é é é à ’
    assert "Ă" not in text


@pytest.mark.parametrize("broken, fixed", [
    ("Ã©tÃ© 2024", "été 2024"),
    ("lâ€™entreprise", "l’entreprise"),
    ("Ã  Lyon", "à Lyon"),
    ("Ă€ Prague, la filiale", "À Prague, la filiale"),
    ("les coĂ»ts et la maĂ®trise", "les coûts et la maîtrise"),
])
def test_latin1_windows1252_and_windows1250_sequences(broken, fixed):
    assert repair(broken)[0] == fixed


def test_clean_text_is_left_exactly_as_it_is():
    clean = "Le groupe “Orange” a annoncé l’ouverture d’un site à Évry — « une première »."
    assert repair(clean) == (clean, [])


def test_real_capitals_before_punctuation_are_not_mojibake():
    assert fix_mixed_mojibake("Il a crié « ÉTÉ » puis « Ça ! »")[1] == 0


def test_text_is_normalised_to_nfc():
    decomposed = unicodedata.normalize("NFD", "Société Générale")
    text, repairs = repair(decomposed)
    assert text == "Société Générale"
    assert repairs[0]["kind"] == "unicode_nfc"


KNOWN = {"accord", "investissement", "usine", "entreprise", "lancement", "dossier", "ordre", "lest", "ombre",
         "nombre", "ans", "sans"}.__contains__


@pytest.mark.parametrize("before, after", [
    ("Laccord a été signé par lentreprise.", "L'accord a été signé par l'entreprise."),
    ("le prix de lusine", "le prix de l'usine"),
    ("la part dAirbus", "la part d'Airbus"),
    ("la course à lIA", "la course à l'IA"),
])
def test_lost_elisions_are_restored(before, after):
    assert restore_elisions(before, KNOWN)[0] == after


@pytest.mark.parametrize("text", [
    "Lancement du dossier chez Salesforce",
    "un lest de dix tonnes",
    "Bon nombre de sociétés, sans ordre",
    "le moteur Node et la base Django",
    "la SAAS et le PDG",
])
def test_real_words_are_not_touched(text):
    assert restore_elisions(text, KNOWN) == (text, 0)


def test_restored_apostrophe_follows_the_document_style():
    text = "L’usine est prête ; laccord suivra, d’après l’équipe."
    assert restore_elisions(text, KNOWN)[0] == "L’usine est prête ; l’accord suivra, d’après l’équipe."
