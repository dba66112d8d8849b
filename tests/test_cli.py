"""The CLI end to end on seeds/ (integration: runs the real command once)."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from fr_finance.cli import main
from fr_finance.engines.extractor import split_text

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def seed_records(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "extractions.jsonl"
    subprocess.run([sys.executable, "-m", "fr_finance", "extract", "seeds", "-o", str(out)],
                   cwd=ROOT, check=True, capture_output=True)
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_five_valid_records(seed_records):
    assert len(seed_records) == 5
    for record in seed_records:
        assert set(record) >= {"id", "source", "published", "text", "repairs", "entities", "events"}
        assert record["source"] == f"seeds/{record['id']}.txt"
        for entity in record["entities"]:
            assert record["text"][entity["start"]:entity["end"]] == entity["text"]


def test_seed_names_and_repairs(seed_records):
    by_id = {r["id"][:3]: r for r in seed_records}
    labels = {}
    for record in seed_records:
        for e in record["entities"]:
            labels.setdefault(e["text"], set()).add(e["label"])
    for company in ("Anthropic", "OpenAI", "Nvidia", "Microsoft", "Amazon"):
        assert labels[company] == {"ORG"}, company
    assert labels["Claude"] == {"MISC"} and labels["Bun"] == {"MISC"}
    assert "Ă" not in by_id["002"]["text"]
    assert by_id["002"]["repairs"][0]["kind"] == "mojibake"
    assert by_id["003"]["repairs"] == []
    assert (by_id["001"]["published"], by_id["004"]["published"], by_id["000"]["published"]) == (
        "2025-11-19", "2025-07-27", None)


def test_no_heading_is_an_entity(seed_records):
    heading = "Le Défi de l'Exécution"
    record = seed_records[0]
    start = record["text"].index(heading)
    assert not [e for e in record["entities"] if start <= e["start"] < start + len(heading)]


def test_empty_file_gives_a_record_without_entities(tmp_path, capsys):
    (tmp_path / "vide.txt").write_text("", encoding="utf-8")
    assert main(["extract", str(tmp_path / "vide.txt")]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["entities"] == [] and record["text"] == ""


def test_invalid_row_fails_and_keeps_the_earlier_output(tmp_path, capsys):
    rows = tmp_path / "rows.jsonl"
    rows.write_text('{"id": "a", "text": "Airbus livre."}\n{oops\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    out.write_text("ancien\n", encoding="utf-8")
    assert main(["extract", str(rows), "-o", str(out)]) == 2
    assert ":2: invalid JSON" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "ancien\n"


def test_long_text_is_cut_at_boundaries_with_valid_offsets(extractor):
    paragraph = "La société Airbus a livré des avions à Toulouse. Safran suit.\n"
    text = paragraph * 40
    nlp = extractor.nlp
    saved = nlp.max_length
    nlp.max_length = 500
    try:
        from fr_finance.read.io import RawDocument
        record = next(extractor.records([RawDocument("long", "-", text)]))
    finally:
        nlp.max_length = saved
    assert record["text"] == text
    assert sum(e["text"] == "Airbus" for e in record["entities"]) == 40
    for e in record["entities"]:
        assert text[e["start"]:e["end"]] == e["text"]


def test_split_text_cuts_at_paragraphs_then_sentences():
    pieces = split_text("Une phrase. Une autre phrase assez longue.", 20)
    assert "".join(p for _, p in pieces) == "Une phrase. Une autre phrase assez longue."
    assert all(len(p) <= 20 for _, p in pieces)
    assert pieces[1][0] == len(pieces[0][1])
