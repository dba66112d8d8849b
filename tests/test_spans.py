import spacy
from spacy.tokens import Span

from fr_finance.nlp.components.spans import char_span, register_extensions, set_entities


def make_doc(text):
    register_extensions()
    return spacy.blank("fr")(text)


def test_char_span_expands_to_whole_tokens():
    doc = make_doc("Il a levé 1 400 000 € hier.")
    start = doc.text.index("1 400")
    span = char_span(doc, start, start + len("1 400 000 €"), "MONEY")
    assert span.text == "1 400 000 €"
    assert span.label_ == "MONEY"


def test_new_spans_replace_overlapping_entities():
    doc = make_doc("Airbus vend 15 milliards de dollars")
    doc.ents = [Span(doc, 0, 1, label="ORG"), Span(doc, 2, 4, label="MISC")]
    added = set_entities(doc, [Span(doc, 2, 5, label="MONEY")])
    assert [(e.text, e.label_) for e in doc.ents] == [("Airbus", "ORG"), ("15 milliards de", "MONEY")]
    assert len(added) == 1


def test_without_replacement_existing_entities_win():
    doc = make_doc("Airbus vend 15 milliards")
    doc.ents = [Span(doc, 0, 1, label="ORG")]
    set_entities(doc, [Span(doc, 0, 2, label="MISC")], replace_overlapping=False)
    assert [(e.text, e.label_) for e in doc.ents] == [("Airbus", "ORG")]
