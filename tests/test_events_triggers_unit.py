"""Trigger finding on spacy.blank("fr"): which entity over a trigger noun still lets it state a fact
(sentences written for this test, invented names)."""
import pytest
import spacy
from spacy.tokens import Span

from fr_finance.nlp.components.events.triggers import TriggerFinder

# (id, sentence, entity tokens (start, end, label), trigger tokens (start, end), expected)
EXAMPLES = [
    ("opa-tagged-misc-alone", "Carvelle lance une OPA sur Bramont .", (3, 4, "MISC"), (3, 4), True),
    ("trigger-inside-an-org-name", "CM Investissement rachète Bramont .", (0, 2, "ORG"), (1, 2), False),
    ("trigger-inside-a-longer-misc", "Le prix OPA Junior récompense Bramont .", (2, 4, "MISC"), (2, 3), False),
    ("trigger-alone-tagged-org", "Carvelle lance une OPA sur Bramont .", (3, 4, "ORG"), (3, 4), False),
]


@pytest.mark.parametrize("text, ent, trigger, expected", [e[1:] for e in EXAMPLES], ids=[e[0] for e in EXAMPLES])
def test_a_trigger_noun_tagged_alone_as_misc_is_no_name(text, ent, trigger, expected):
    doc = spacy.blank("fr")(text)
    span = Span(doc, ent[0], ent[1], label=ent[2])
    assert TriggerFinder._tagged_alone(span, *trigger) is expected
