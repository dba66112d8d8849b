"""Exports (Label Studio, doccano, Prodigy, DocBin, CSV, Parquet) and the gold round trip: export → import with no
edits gives back the same records; an analyst's correction comes back as gold."""
import json

import pytest

from fr_finance.cli import main
from fr_finance.records.exports import export, table_rows
from fr_finance.records.imports import import_annotations
from fr_finance.records.schema import errors

TEXT = "date 2025-03-02 La start-up Zorbex 🚀 a levé 12 millions d'euros auprès de Fonds Alto, soit 15 % du capital, le 2 mars."


def _record():
    def span(text, label, **fields):
        start = TEXT.index(text)
        return {"start": start, "end": start + len(text), "text": text, "label": label, **fields}

    money = span("12 millions d'euros", "MONEY", value=12000000, currency="EUR", qualifier="exact", rule="money.amount")
    return {"id": "zorbex", "source": "fil/zorbex.txt", "published": "2025-03-02", "text": TEXT, "repairs": [],
            "entities": [span("2025-03-02", "DATE", value="2025-03-02", mod=None, rule="iso_date"),
                         span("Zorbex", "ORG", canonical="Zorbex"), money,
                         span("Fonds Alto", "ORG", canonical="Fonds Alto"),
                         span("15 %", "PERCENT", value=15, rule="percent"),
                         span("2 mars", "DATE", value="2025-03-02", mod=None, rule="day_month")],
            "events": [{"type": "investment", "target": "Zorbex", "investors": ["Fonds Alto"], "value": 12000000,
                        "currency": "EUR", "qualifier": "exact", "date": "2025-03-02",
                        "amount": [money["start"], money["end"]], "evidence": [16, len(TEXT)], "rule": "raise-verb"}]}


RECORD = _record()
ROUND_TRIPS = ["label-studio", "doccano", "prodigy"]


def test_hand_written_record_follows_the_schema():
    assert errors(RECORD) == []


@pytest.mark.parametrize("fmt", ROUND_TRIPS)
def test_round_trip_without_edits_gives_the_same_record(tmp_path, fmt):
    path = export([RECORD], fmt, tmp_path / "out")
    assert import_annotations(path, fmt) == [RECORD]


def test_label_studio_offsets_are_utf16_units(tmp_path):
    task = json.loads((export([RECORD], "label-studio", tmp_path / "t.json")).read_text(encoding="utf-8"))[0]
    money = next(r["value"] for r in task["predictions"][0]["result"] if r["value"]["labels"] == ["MONEY"])
    assert (money["start"], money["text"]) == (RECORD["entities"][2]["start"] + 1, "12 millions d'euros")  # 🚀 counts 2


def _corrected_label_studio(tmp_path):
    """The analyst drops "15 %", moves "Fonds Alto" to "Alto" and adds "Alto" as LOC... then submits."""
    path = export([RECORD], "label-studio", tmp_path / "tasks.json")
    tasks = json.loads(path.read_text(encoding="utf-8"))
    result = [r for r in tasks[0]["predictions"][0]["result"] if r["value"]["labels"] != ["PERCENT"]]
    alto = next(r for r in result if r["value"]["text"] == "Fonds Alto")
    alto["value"] = {**alto["value"], "start": alto["value"]["start"] + 6, "text": "Alto"}
    new = {"id": "n1", "from_name": "label", "to_name": "text", "type": "labels",
           "value": {"start": TEXT.index("12 millions") + 1, "end": TEXT.index(" auprès") + 1, "labels": ["MONEY"]}}
    tasks[0]["annotations"] = [{"id": 1, "result": result + [new], "was_cancelled": False}]
    path.write_text(json.dumps(tasks), encoding="utf-8")
    return path


def test_corrections_come_back_as_gold_with_values(tmp_path):
    path = _corrected_label_studio(tmp_path)
    [gold] = import_annotations(path, "label-studio")
    by_text = {e["text"]: e for e in gold["entities"]}
    assert sorted(by_text) == ["12 millions d'euros", "2 mars", "2025-03-02", "Alto", "Zorbex"]
    assert by_text["Alto"] == {"start": TEXT.index("Alto"), "end": TEXT.index("Alto") + 4, "text": "Alto",
                               "label": "ORG", "canonical": "Alto"}
    assert by_text["12 millions d'euros"] == RECORD["entities"][2]  # one region kept, one re-drawn the same: one span
    assert gold["events"] == RECORD["events"] and errors(gold) == []


def test_import_and_score_from_the_command_line(tmp_path, capsys):
    records = tmp_path / "records.jsonl"
    records.write_text(json.dumps(RECORD, ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["export", "--format", "label-studio", str(records), "-o", str(tmp_path / "tasks.json")]) == 0
    assert main(["import", "--format", "label-studio", str(tmp_path / "tasks.json"), "-o", str(tmp_path / "gold")]) == 0
    assert json.loads((tmp_path / "gold" / "zorbex.jsonl").read_text(encoding="utf-8")) == RECORD
    assert main(["score", "--gold", str(tmp_path / "gold"), "--pred", str(records), "--out", str(tmp_path / "score")]) == 0
    figures = json.loads((tmp_path / "score" / "score.json").read_text(encoding="utf-8"))
    assert json.dumps(figures).count('"f1": 1.0') >= 2


def test_docbin_holds_spans_values_and_events(tmp_path):
    import spacy
    from spacy.tokens import DocBin

    from fr_finance.records.record import doc_parts

    path = export([RECORD], "docbin", tmp_path / "records.spacy")
    [doc] = DocBin().from_disk(path).get_docs(spacy.blank("fr").vocab)
    assert doc.text == TEXT and doc.user_data["id"] == "zorbex" and doc._.fr_finance_published == "2025-03-02"
    parts = json.loads(json.dumps(doc_parts(doc)))  # user data comes back through msgpack: lists as tuples
    assert parts == {"entities": RECORD["entities"], "events": RECORD["events"]}
    assert [(s.text, s.label_) for s in doc.spans["fr_finance_events"]] == [(TEXT[16:], "investment")]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_tables_have_typed_columns(tmp_path, fmt):
    import pyarrow.csv
    import pyarrow.parquet

    out = export([RECORD], fmt, tmp_path / "tables")
    import pyarrow as pa

    texts = pyarrow.csv.ConvertOptions(column_types={"timex": pa.string(), "date": pa.string()},
                                             strings_can_be_null=True)  # not read as dates
    read = (lambda p: pyarrow.csv.read_csv(p, convert_options=texts)) if fmt == "csv" else pyarrow.parquet.read_table
    entities, events, facts = (read(out / f"{name}.{fmt}") for name in ("entities", "events", "facts"))
    assert entities.column("label").to_pylist() == ["DATE", "ORG", "MONEY", "ORG", "PERCENT", "DATE"]
    assert entities.column("value").to_pylist() == [None, None, 12000000.0, None, 15.0, None]
    assert entities.column("timex").to_pylist() == ["2025-03-02", None, None, None, None, "2025-03-02"]
    assert str(entities.schema.field("start").type) == "int64"
    if fmt == "parquet":  # CSV carries no types: a reader infers them
        assert str(events.schema.field("value").type) == "double"
    investors = events.column("investors").to_pylist()
    assert investors == (['["Fonds Alto"]'] if fmt == "csv" else [["Fonds Alto"]])
    assert facts.column("source_count").to_pylist() == [1]


def test_table_rows_name_every_entity_field():
    rows = table_rows([RECORD])
    assert rows["events"][0]["rules"] == ["raise-verb"]
    assert rows["entities"][2]["currency"] == "EUR"


@pytest.mark.integration
@pytest.mark.parametrize("fmt", ROUND_TRIPS)
def test_round_trip_on_seeds_and_test_data(tmp_path, cli_records, fmt):
    records = list(cli_records.values())
    path = export(records, fmt, tmp_path / "out")
    assert import_annotations(path, fmt) == records
