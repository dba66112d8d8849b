"""`fr-finance facts`: the facts table of several record files is the one of their union."""
import json

import pytest

from fr_finance.cli import main, write_records
from fr_finance.read.io import InputError
from fr_finance.records.facts import build_facts
from fr_finance.records.shards import facts_of_files


def event(kind="funding", target="Talvane", value=12e6, investors=("Fonds Orme",), evidence="a levé"):
    return {"type": kind, "target": target, "investors": list(investors), "value": value, "currency": "EUR",
            "amount": "12 millions d'euros", "date": None, "evidence": evidence, "rules": ["test"]}


RECORDS = [
    {"id": "a", "text": "…", "entities": [], "events": [event()]},
    {"id": "b", "text": "…", "entities": [], "events": [event(value=12.02e6, evidence="lève"), event(target="Brunel")]},
    {"id": "c", "text": "…", "entities": [], "events": []},
    {"id": "d", "text": "…", "entities": [], "events": [event(target="Brunel", investors=("fonds orme",))]},
]
# how the records are cut into files: shards of one corpus, one file, empty files
SPLITS = [[4], [2, 2], [1, 1, 1, 1], [0, 3, 0, 1]]


def write_shards(tmp_path, sizes):
    paths, start = [], 0
    for number, size in enumerate(sizes):
        path = tmp_path / f"shard{number}.jsonl"
        write_records(RECORDS[start:start + size], str(path))
        paths.append(str(path))
        start += size
    return paths


@pytest.mark.parametrize("sizes", SPLITS, ids=[str(s) for s in SPLITS])
def test_facts_of_shards_are_those_of_their_union(tmp_path, sizes):
    union, union_facts = tmp_path / "union.jsonl", tmp_path / "union-facts.jsonl"
    write_records(RECORDS, str(union), str(union_facts))  # what `extract --facts` writes
    out = tmp_path / "facts.jsonl"
    assert main(["facts", *write_shards(tmp_path, sizes), "-o", str(out)]) == 0
    assert out.read_bytes() == union_facts.read_bytes()
    assert [len(f["sources"]) for f in facts_of_files([union])] == [2, 2]
    assert facts_of_files([union]) == build_facts(RECORDS)


BAD_FILES = [
    ('{"id": "a", "events": []}\n{oops\n', ":2: invalid JSON"),
    ('{"id": "a"}\n', ':1: not a record (an object with "id" and "events")'),
    ('[1, 2]\n', ":1: not a record"),
]


@pytest.mark.parametrize("content, message", BAD_FILES, ids=["json", "no-events", "not-object"])
def test_bad_record_file_is_a_one_line_error(tmp_path, capsys, content, message):
    path = tmp_path / "records.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        facts_of_files([path])
    assert main(["facts", str(path), "-o", str(tmp_path / "facts.jsonl")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err
    assert not (tmp_path / "facts.jsonl").exists()
