"""The contract ships: record.schema.json (installed as fr_finance/schema/) accepts every record the extractor and
the gold files hold, rejects what FORMAT.md rules out; `fr-finance --version`."""
import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

import fr_finance
from fr_finance.records.schema import SCHEMA_PATH, errors

ROOT = Path(__file__).resolve().parent.parent
VALID = {"id": "a", "source": "-", "published": "2025-03-02", "text": "Zorbex lève 3 M€ en mars.", "repairs": [],
         "entities": [{"start": 0, "end": 6, "text": "Zorbex", "label": "ORG", "canonical": "Zorbex"},
                      {"start": 12, "end": 16, "text": "3 M€", "label": "MONEY", "value": 3000000, "currency": "EUR",
                       "qualifier": "exact", "rule": "money.amount"},
                      {"start": 20, "end": 24, "text": "mars", "label": "DATE", "value": "2025-03", "mod": None}],
         "events": [{"type": "investment", "target": "Zorbex", "investors": [], "value": 3000000, "currency": "EUR",
                     "qualifier": "exact", "date": "2025-03-02", "amount": [12, 16], "evidence": [0, 25],
                     "rules": ["raise-verb", "target:subject"]}]}


def _breaking(path, value):
    record = copy.deepcopy(VALID)
    *keys, last = path
    holder = record
    for key in keys:
        holder = holder[key]
    if value is KeyError:
        del holder[last]
    else:
        holder[last] = value
    return record


BUGS_CAUGHT = [  # (path, bad value, what the error says)
    (("published",), "19/11/2025", "is not valid"),
    (("entities", 1, "currency"), "dollars", "is not valid"),
    (("entities", 1, "qualifier"), "about", "is not one of"),
    (("entities", 1, "value"), "3 M€", "is not of type"),
    (("entities", 2, "value"), "mars 2025", "is not valid"),
    (("entities", 2, "mod"), "DEBUT", "is not one of"),
    (("entities", 0, "label"), "COMPANY", "is not one of"),
    (("events", 0, "type"), "merger", "is not one of"),
    (("events", 0, "investors"), KeyError, "'investors' is a required property"),
    (("events", 0, "amount"), [12], "is not valid"),
    (("repairs",), [{"kind": "mojibake"}], "'count' is a required property"),
    (("text",), KeyError, "'text' is a required property"),
]


@pytest.mark.parametrize("timex", ["2025-03-02", "2025-03", "2025-W46", "2024-Q3", "2025-H1", "2024-SU", "2024", "199",
                                   "XXXX-12-02", "XXXX"])
def test_valid_record_passes(timex):
    record = _breaking(("entities", 2, "value"), timex)
    assert errors(record) == []


@pytest.mark.parametrize("path, value, message", BUGS_CAUGHT, ids=["/".join(map(str, b[0])) for b in BUGS_CAUGHT])
def test_schema_rejects(path, value, message):
    found = errors(_breaking(path, value))
    assert len(found) == 1 and message in found[0], found


def test_schema_is_package_data_and_a_valid_schema():
    from jsonschema import Draft202012Validator

    assert SCHEMA_PATH == Path(fr_finance.__file__).parent / "schema" / "record.schema.json"
    Draft202012Validator.check_schema(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    assert "fr_finance.schema" in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def test_every_gold_record_follows_the_schema():
    files = sorted(ROOT.glob("seeds/gold/*.jsonl")) + sorted(ROOT.glob("tests/data/*/gold/*.jsonl"))
    assert len(files) == 19
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                assert errors(json.loads(line)) == [], path.name


@pytest.mark.integration
def test_every_record_the_cli_writes_follows_the_schema(cli_records):
    """What `make run` writes (extract seeds) and more: the seeds and tests/data through the real command."""
    assert len(cli_records) == 19
    for record in cli_records.values():
        assert errors(record) == [], record["id"]


def test_version():
    out = subprocess.run([sys.executable, "-m", "fr_finance", "--version"], capture_output=True, text=True, cwd="/")
    assert (out.returncode, out.stdout.strip()) == (0, f"fr-finance {fr_finance.__version__}")
