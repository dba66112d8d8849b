"""spaCy-native: entry points (no `import fr_finance` needed), components saved with their data, a saved
pipeline that loads anywhere (no absolute path in its config)."""
import subprocess
import sys

import pytest
import spacy

from fr_finance import MODELS_DIR
from fr_finance.nlp.components.money import MoneyRecognizer
from fr_finance.nlp.repairing import RepairingTokenizer
from fr_finance.records.record import doc_parts

FACTORIES = ["fr_finance_context_v1", "fr_finance_names_v1", "fr_finance_money_v1", "fr_finance_dates_v1",
             "fr_finance_events_v1", "fr_finance_event_spans_v1"]


def test_factories_found_through_entry_points_without_import():
    code = """
import spacy, sys
nlp = spacy.blank("fr")
nlp.add_pipe("fr_finance_money_v1")
doc = nlp("Le fonds a investi 12,5 millions d'euros.")
print([(e.text, e.label_, e._.fr_finance_value, e._.fr_finance_currency) for e in doc.ents])
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd="/")
    assert out.stdout.strip() == "[(\"12,5 millions d'euros\", 'MONEY', 12500000, 'EUR')]"


def test_every_component_has_an_entry_point():
    from importlib.metadata import entry_points

    assert sorted(ep.name for ep in entry_points(group="spacy_factories") if ep.name.startswith("fr_finance_")) == sorted(FACTORIES)
    assert [ep.name for ep in entry_points(group="spacy_tokenizers") if ep.name.startswith("fr_finance_")] == [
        "fr_finance_repairing_tokenizer_v1"]


@pytest.mark.parametrize("factory", ["fr_finance_context_v1", "fr_finance_money_v1", "fr_finance_dates_v1",
                                     "fr_finance_event_spans_v1"])
def test_blank_pipeline_with_component_saves_and_loads(tmp_path, factory):
    nlp = spacy.blank("fr")
    nlp.add_pipe(factory)
    text = "Le 2 mars 2024, le fonds a investi 12,5 millions d'euros."
    nlp.to_disk(tmp_path)
    again = spacy.load(tmp_path)
    assert again.pipe_names == [factory]
    assert [(e.text, e.label_) for e in again(text).ents] == [(e.text, e.label_) for e in nlp(text).ents]


def test_component_saves_its_data_and_is_rebuilt_from_a_changed_copy(tmp_path):
    nlp = spacy.blank("fr")
    money = nlp.add_pipe("fr_finance_money_v1", name="money")
    assert isinstance(money, MoneyRecognizer)
    nlp.to_disk(tmp_path)
    saved = tmp_path / "money" / "lexicon.yaml"
    assert saved.read_bytes() == (MODELS_DIR / "money.yaml").read_bytes()
    assert spacy.load(tmp_path).get_pipe("money")._built_with[1]["lexicon"] == "money.yaml"  # same data: not rebuilt
    saved.write_text(saved.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert spacy.load(tmp_path).get_pipe("money")._built_with[1]["lexicon"] == str(saved.resolve())


def test_repairing_tokenizer_repairs_and_serialises(tmp_path):
    nlp = spacy.blank("fr", config={"nlp": {"tokenizer": {"@tokenizers": "fr_finance_repairing_tokenizer_v1"}}})
    assert isinstance(nlp.tokenizer, RepairingTokenizer)
    doc = nlp("date 2024-02-01 La sociÃ©tÃ© a levÃ© des fonds.")
    assert (doc.text, doc._.fr_finance_repairs, doc._.fr_finance_published) == (
        "date 2024-02-01 La société a levé des fonds.", [{"kind": "mojibake", "count": 3}], "2024-02-01")
    nlp.to_disk(tmp_path)
    assert spacy.load(tmp_path)("levÃ©").text == "levé"


@pytest.mark.integration
def test_full_pipeline_saved_loads_with_spacy_and_gives_the_same_doc(tmp_path):
    import fr_finance

    nlp = fr_finance.load()
    nlp.to_disk(tmp_path)
    config = (tmp_path / "config.cfg").read_text(encoding="utf-8")
    assert str(MODELS_DIR) not in config and "/" not in config.split("[paths]")[1].split("\n[")[0]
    text = "date 2025-03-10\nLa start-up Zorbex a levé 12 millions d'euros auprès de Fonds Alto le 2 mars."
    again = spacy.load(tmp_path)
    assert again.pipe_names == nlp.pipe_names
    assert doc_parts(again(text)) == doc_parts(nlp(text))
