"""The catalogue of deal constructions (docs/deal-constructions.md) as a table test (integration: whole pipeline).

One row of tests/data/constructions.yaml per construction: a text written for the table (invented names and
figures) and the events it states. Events are compared the way the scorer compares them (type, target,
investors as a set or acquirer, value within 0.5 %, currency; names case-insensitive), through the scorer's own
definition of "same event", so this table and `score.json` cannot disagree.

Rows the pipeline fails today carry `gap: true` and run as non-strict expected failures; run
`.venv/bin/python -m pytest -q tests/test_deal_constructions.py -rx` to list them, and drop a row's gap mark
when the rule that reads it lands (an XPASS in the summary says which).
"""
import re
from pathlib import Path

import pytest
import yaml

from fr_finance.evaluate.score import describe_event, event_key, events_equal, one_to_one

pytestmark = pytest.mark.integration

TABLE = Path(__file__).parent / "data" / "constructions.yaml"
ROWS = yaml.safe_load(TABLE.read_text(encoding="utf-8"))
PUBLISHED = "2024-06-14"


def _params():
    for row in ROWS:
        marks = []
        if row.get("gap"):
            marks.append(pytest.mark.xfail(strict=False, reason=f"known gap: {row.get('cause', row['id'])}"))
        yield pytest.param(row, id=row["id"], marks=marks)


def same_events(expected: list[dict], got: list[dict]) -> bool:
    """Every expected event matched by exactly one produced event, and nothing else produced."""
    want = [event_key(e) for e in expected]
    have = [event_key(e) for e in got]
    pairs = one_to_one(len(want), len(have), lambda g, p: events_equal(want[g], have[p]))
    return len(pairs) == len(want) == len(have)


@pytest.mark.parametrize("row", list(_params()))
def test_construction(extract, row):
    record = extract(row["text"], published=row.get("published", PUBLISHED), doc_id=row["id"])
    expected = row["events"]
    got = record["events"]
    assert same_events(expected, got), (
        f"\nexpected: {[describe_event(e) for e in expected]}"
        f"\ngot:      {[describe_event(e) for e in got]}")


# ---------------------------------------------------------------- the table itself (no model)

def test_table_ids_are_unique_and_rows_complete():
    ids = [row["id"] for row in ROWS]
    assert len(ids) == len(set(ids))
    for row in ROWS:
        assert set(row) <= {"id", "text", "published", "events", "gap", "cause", "note"}, row["id"]
        for event in row["events"]:
            assert event["type"] in ("investment", "acquisition", "valuation"), row["id"]
            assert ("investors" in event) == (event["type"] == "investment"), row["id"]
            assert ("acquirer" in event) == (event["type"] == "acquisition"), row["id"]
            assert (event["value"] is None) == (event["currency"] is None), row["id"]
        assert ("cause" in row) == bool(row.get("gap")), row["id"]


def test_same_events_is_order_free_and_exact():
    a = {"type": "investment", "target": "Ombrelis", "investors": ["Kerlan", "Finaxo"], "value": 12_000_000,
         "currency": "EUR"}
    b = {"type": "valuation", "target": "Ombrelis", "value": 50_000_000, "currency": "EUR"}
    close = dict(a, value=12_040_000, investors=["finaxo", "KERLAN"])
    assert same_events([a, b], [b, close])
    assert not same_events([a, b], [a])
    assert not same_events([a], [a, b])
    assert not same_events([a], [dict(a, value=12_100_000)])


def test_every_row_is_in_the_catalogue_with_its_example_and_back():
    doc = (Path(__file__).parent.parent / "docs" / "deal-constructions.md").read_text(encoding="utf-8")
    lines = {m.group(1): m.group(0) for m in re.finditer(r"^\| `([a-z0-9-]+)` \|.*$", doc, flags=re.M)}
    assert set(lines) == {row["id"] for row in ROWS}
    for row in ROWS:  # the doc shows a line break of the example as ⏎
        assert row["text"].strip().replace("\n", " ⏎ ") in lines[row["id"]], row["id"]
        assert ("| gap |" in lines[row["id"]]) == bool(row.get("gap")), row["id"]
