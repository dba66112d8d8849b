"""The Python API (fr_finance.extract, fr_finance.load) gives what the CLI gives; the README example runs."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

import fr_finance
from fr_finance.records.record import doc_parts

ROOT = Path(__file__).resolve().parent.parent


def test_import_is_light():
    code = "import sys, fr_finance; print(sorted(m for m in ('spacy', 'thinc', 'dateparser') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd="/")
    assert out.stdout.strip() == "[]"


BAD_INPUTS = [  # (input, message)
    ([42], "input 1: expected a text"),
    ([{"id": "x"}], "input 1: the text must be a string"),
    ([("texte", "pas un dict")], "input 1: expected a text"),
]


@pytest.mark.parametrize("items, message", BAD_INPUTS, ids=["number", "row-without-text", "meta-not-dict"])
def test_bad_inputs_are_named(items, message):
    with pytest.raises(TypeError, match=message):
        list(fr_finance._raw_documents(items, None))


EXAMPLES = [  # (input, published, expected (id, source, published))
    ("Zorbex lève 3 millions d'euros.", None, ("1", "-", None)),
    ({"id": "r9", "text": "Zorbex lève 3 millions d'euros.", "published": "2024-05-01"}, None, ("r9", "-", "2024-05-01")),
    (("Zorbex lève 3 millions d'euros.", {"id": "t1", "source": "fil.txt"}), "2023-01-02", ("t1", "fil.txt", "2023-01-02")),
    ("date 2025-03-02 Zorbex lève 3 millions d'euros.", None, ("1", "-", "2025-03-02")),
]


@pytest.mark.integration
@pytest.mark.parametrize("item, published, expected", EXAMPLES, ids=["text", "row", "pair", "dated-text"])
def test_extract_accepts_texts_rows_and_pairs(item, published, expected):
    record = next(fr_finance.extract([item], published=published))
    assert (record["id"], record["source"], record["published"]) == expected
    assert [(e["text"], e["value"]) for e in record["entities"] if e["label"] == "MONEY"] == [("3 millions d'euros", 3000000)]


@pytest.mark.integration
def test_extract_takes_one_text_and_keeps_order():
    assert [r["text"] for r in fr_finance.extract("Un.")] == ["Un."]
    assert [r["id"] for r in fr_finance.extract(["Un.", "Deux.", "Trois."])] == ["1", "2", "3"]


@pytest.mark.integration
def test_load_and_cli_agree_on_seeds_and_test_data(cli_records):
    """nlp(text) on each raw input file gives the record `fr-finance extract` wrote: same repaired text, repairs,
    publication date, entities and events."""
    nlp = fr_finance.load()
    files = sorted(ROOT.glob("seeds/*.txt")) + sorted(ROOT.glob("tests/data/*/*.txt"))
    assert len(files) == len(cli_records) == 19
    for path in files:
        record = cli_records[path.stem]
        doc = nlp(path.read_text(encoding="utf-8"))
        assert (doc.text, doc._.fr_finance_repairs, doc._.fr_finance_published) == (
            record["text"], record["repairs"], record["published"]), path.name
        assert doc_parts(doc) == {"entities": record["entities"], "events": record["events"]}, path.name


@pytest.mark.integration
def test_context_gives_the_publication_date():
    nlp = fr_finance.load()
    texts = [("Zorbex a levé 3 millions d'euros le 2 mars.", {"published": "2024-05-01"}),
             ("date 2025-01-10 Zorbex a levé 3 millions d'euros le 2 mars.", None)]
    dates = [[e._.fr_finance_value for e in doc.ents if e.label_ == "DATE" and e.text == "2 mars"]
             for doc, _ in nlp.pipe(texts, as_tuples=True)]
    assert dates == [["2024-03-02"], ["2025-03-02"]]


@pytest.mark.integration
def test_events_are_a_span_group_displacy_shows():
    from spacy import displacy

    doc = fr_finance.load()("La start-up Zorbex a levé 12 millions d'euros auprès de Fonds Alto.")
    assert [(span.text, span.label_) for span in doc.spans["fr_finance_events"]] == [
        ("La start-up Zorbex a levé 12 millions d'euros auprès de Fonds Alto.", "investment")]
    assert "investment" in displacy.render(doc, style="span", options={"spans_key": "fr_finance_events"})


@pytest.mark.integration
def test_readme_example_runs(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Python API"):]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)[:2]
    assert len(blocks) == 2
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})
