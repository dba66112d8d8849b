"""One definition of a sentence (pipeline/nlp/sentences.py): the text-level cut (currency carry, year
inference, the scorer's error list) and the doc-level cut (events) agree. Sentences written for these
tests, invented names and figures; spaCy's blank French pipeline (its tokenizer is the one the extractor
uses)."""
import pytest
import spacy

from fr_finance.engines.extractor import split_text
from fr_finance.nlp import sentences
from fr_finance.nlp.components.money import split_at_boundaries
from fr_finance.nlp.sentences import (crosses_sentence, doc_sentences, sentence_around, sentence_bounds,
                                      text_sentences)

NLP = spacy.blank("fr")

# (case, text, its sentences): both functions must give exactly these.
EXAMPLES = [
    ("heading-without-stop", "Levée de fonds pour Brelix\nBrelix lève 5 millions d'euros.",
     ["Levée de fonds pour Brelix", "Brelix lève 5 millions d'euros."]),
    ("dateline-line", "Lyon, le 3 mars 2021\nOrvane rachète Pelmat pour 12 millions d'euros.",
     ["Lyon, le 3 mars 2021", "Orvane rachète Pelmat pour 12 millions d'euros."]),
    ("closed-aside", "Brelix a levé 3 millions d'euros (contre 2 millions en 2019.) Le tour est mené par Fonds Aubier.",
     ["Brelix a levé 3 millions d'euros (contre 2 millions en 2019.)", "Le tour est mené par Fonds Aubier."]),
    ("ellipsis-in-brackets", "Velmor vend des céréales (riz, blé…) dans dix pays. Elle recrute.",
     ["Velmor vend des céréales (riz, blé…) dans dix pays.", "Elle recrute."]),
    ("initials-with-stops", "Elle a rejoint la société D.K.L. en 2020.", ["Elle a rejoint la société D.K.L. en 2020."]),
    ("civility-abbreviation", "M. Ladrec dirige Talvane depuis 2015. Il vend.",
     ["M. Ladrec dirige Talvane depuis 2015.", "Il vend."]),
    ("company-form-with-stops", "Talvane S.A. rachète Pelmat. Le prix reste secret.",
     ["Talvane S.A. rachète Pelmat.", "Le prix reste secret."]),
    ("etc-mid-sentence", "Elle vend des pompes, des vannes, etc. dans toute l'Europe.",
     ["Elle vend des pompes, des vannes, etc. dans toute l'Europe."]),
    ("month-abbreviation", "Le 3 janv. 2020 Orvane a levé 8 millions d'euros.",
     ["Le 3 janv. 2020 Orvane a levé 8 millions d'euros."]),
    ("decimal-comma", "Les ventes atteignent 3,5 millions d'euros. Elles progressent.",
     ["Les ventes atteignent 3,5 millions d'euros.", "Elles progressent."]),
    ("decimal-point", "La version 1.5 du logiciel sort. Elle coûte 20 euros.",
     ["La version 1.5 du logiciel sort.", "Elle coûte 20 euros."]),
    ("decimal-point-at-end", "Sa part passe à 1.5. Elle vise 2.", ["Sa part passe à 1.5.", "Elle vise 2."]),
    ("initial-in-a-name", "Le fonds de Marc B. Talon investit.", ["Le fonds de Marc B. Talon investit."]),
    ("abbreviation-in-brackets", "Talvane (dirigée par M. Ladrec) lève 2 millions.",
     ["Talvane (dirigée par M. Ladrec) lève 2 millions."]),
    ("three-dots", "Elle lève 4 millions... Puis elle recrute.", ["Elle lève 4 millions...", "Puis elle recrute."]),
    ("ellipsis-character", "Elle lève 4 millions… Puis elle recrute.", ["Elle lève 4 millions…", "Puis elle recrute."]),
    ("colon-is-no-end", "Le bilan est clair : Velmor double ses ventes.", ["Le bilan est clair : Velmor double ses ventes."]),
    ("question-and-exclamation", "Qui rachète Velmor ? Personne !", ["Qui rachète Velmor ?", "Personne !"]),
    ("blank-lines", "Brelix lève 2 millions.\n\n  Orvane aussi.\n", ["Brelix lève 2 millions.", "Orvane aussi."]),
]


def doc_texts(doc):
    return [sent.text.strip() for sent in doc_sentences(doc)]


@pytest.mark.parametrize("case, text, expected", EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_text_and_doc_cut_alike(case, text, expected):
    assert [text[a:b] for a, b in text_sentences(text)] == expected
    assert doc_texts(NLP(text)) == expected


@pytest.mark.parametrize("case, text, expected", EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_bounds_give_the_sentence_of_each_word(case, text, expected):
    offset = 0
    for sentence in expected:
        first = text.index(sentence, offset)
        offset = first + len(sentence)
        for word_start in range(first, offset):
            if text[word_start].isalnum() and (word_start == first or not text[word_start - 1].isalnum()):
                word_end = word_start + 1
                assert sentence_around(text, word_start, word_end).strip() == sentence, text[word_start:]


def test_a_stop_glued_to_a_currency_sign_ends_once_money_splits_it():
    text = "Brelix lève 5 M€. Puis 4 millions."
    doc = NLP(text)
    start = text.index("5 M€")
    split_at_boundaries(doc, [(start, start + len("5 M€"))])  # what the money component does to the doc
    assert doc_texts(doc) == [text[a:b] for a, b in text_sentences(text)] == ["Brelix lève 5 M€.", "Puis 4 millions."]


# (case, text, token indexes where a stand-in parser starts sentences, sentences): on a parsed doc the
# parser confirms a mark, and a cut it makes without a mark is undone; a line break cuts regardless.
PARSED = [
    ("parser-cut-without-mark-undone", "Talvane rachète Brixo Systems pour 5 millions d'euros.", [3],
     ["Talvane rachète Brixo Systems pour 5 millions d'euros."]),
    ("parser-confirms-mark", "Elle lève 5 millions. Puis 4 millions.", [5],
     ["Elle lève 5 millions.", "Puis 4 millions."]),
    ("parser-rejects-mark", "Elle lève 5 millions. Puis 4 millions.", [],
     ["Elle lève 5 millions. Puis 4 millions."]),
    ("line-break-without-parser-cut", "Brelix en hausse\nElle lève 5 millions.", [],
     ["Brelix en hausse", "Elle lève 5 millions."]),
]


@pytest.mark.parametrize("case, text, starts, expected", PARSED, ids=[p[0] for p in PARSED])
def test_parser_has_the_last_word_on_marks(case, text, starts, expected):
    doc = NLP(text)
    for token in doc:
        token.is_sent_start = token.i == 0 or token.i in starts
    assert doc_texts(doc) == expected


# (case, text, from, to, crosses): the currency carry stops at a sentence end (FORMAT.md).
CROSSES = [
    ("stop-between", "5 millions de dollars. Puis 4 millions", 0, 30, True),
    ("comma-between", "5 millions de dollars, contre 4 millions", 0, 32, False),
    ("abbreviation-between", "5 millions de dollars selon M. Ladrec, contre 4 millions", 0, 46, False),
    ("line-between", "5 millions de dollars\n4 millions", 0, 24, True),
    ("closed-aside-between", "5 millions (en 2019.) puis 4 millions", 0, 28, True),
]


@pytest.mark.parametrize("case, text, start, end, crosses", CROSSES, ids=[c[0] for c in CROSSES])
def test_crosses_sentence(case, text, start, end, crosses):
    assert crosses_sentence(text, start, end) is crosses


def test_bounds_look_no_further_than_the_reach():
    text = "a " * sentences.REACH + "Brelix lève 5 millions " + "b " * sentences.REACH
    start = text.index("5 millions")
    first, last = sentence_bounds(text, start, start + 10)
    assert (first, last) == (start - sentences.REACH, start + 10 + sentences.REACH)


# (case, text, piece size, pieces): a long text is cut into pieces at a sentence end when no line break
# serves (engines/extractor.py), by the same definition.
PIECES = [
    ("after-a-stop", "Une phrase. Une autre phrase assez longue.", 20,
     ["Une phrase. ", "Une autre phrase ", "assez longue."]),
    ("not-after-an-abbreviation", "M. Ladrec dirige. M. Talon vend des pompes", 26,
     ["M. Ladrec dirige. ", "M. Talon vend des pompes"]),
]


@pytest.mark.parametrize("case, text, size, pieces", PIECES, ids=[p[0] for p in PIECES])
def test_long_texts_are_cut_at_sentence_ends(case, text, size, pieces):
    assert [piece for _, piece in split_text(text, size)] == pieces


@pytest.mark.parametrize("case, text, expected", EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_text_level_tokenizer_is_spacys_french_one(case, text, expected):
    assert [t.text for t in sentences._tokenizer()(text)] == [t.text for t in NLP(text)]
