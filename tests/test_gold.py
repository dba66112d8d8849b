"""Mechanical checks on every hand-labelled gold set against FORMAT.md and GOLD.md: the seeds (seeds/gold),
the dev set used to generalise the rules (tests/data/dev) and the held-out set kept away from rule tuning
(tests/data/heldout).

These check shape and consistency only; the labelling decisions are written up in each set's gold/README.md.
"""
import datetime
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
TEXT_SETS = [SEEDS, ROOT / "tests" / "data" / "dev", ROOT / "tests" / "data" / "heldout"]
GOLD_FILES = sorted(path for texts in TEXT_SETS for path in (texts / "gold").glob("*.jsonl"))

NAME_LABELS = {"PER", "ORG", "LOC", "MISC"}
LABELS = NAME_LABELS | {"MONEY", "DATE", "PERCENT"}
QUALIFIERS = {"exact", "approx", "up_to", "at_most", "at_least", "more_than", "less_than", "range"}
MODS = {None, "START", "MID", "END", "BEFORE", "AFTER", "APPROX"}
EVENT_TYPES = {"investment", "acquisition", "valuation"}
CURRENCY = re.compile(r"[A-Z]{3}")
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# TIMEX3 values FORMAT.md allows: century/decade/year, year-month(-day), quarter, half, season, ISO week;
# an unknown year is XXXX.
TIMEX3 = re.compile(
    r"\d{2,4}"
    r"|(?:\d{4}|XXXX)(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?"
    r"|-Q[1-4]|-H[12]|-(?:SU|SP|FA|WI)|-W(?:0[1-9]|[1-4]\d|5[0-3]))"
)
# GOLD.md: spans carry no elided prefix, no article and no preposition (modifier words like "fin" stay in).
ELIDED_PREFIX = re.compile(r"^(?:[dlDL]|qu|Qu)['’]")
DATE_LEADING_WORD = re.compile(r"^(?:en|le|la|les|l['’]|de|du|des|d['’]|à|au|dès|depuis|avant|après|vers|jusqu)\b",
                               re.IGNORECASE)
MONEY_LEADING_WORD = re.compile(r"^(?:environ|près|jusqu|plus|moins|au|autour|quelque|des|les|d['’]|l['’])\b",
                                re.IGNORECASE)

TIMEX3_EXAMPLES = [
    ("2031", True), ("203", True), ("20", True), ("2031-04", True), ("2031-04-30", True), ("XXXX-04-30", True),
    ("2031-Q2", True), ("2031-H2", True), ("2031-WI", True), ("2031-W07", True),
    ("2031-13", False), ("2031-04-32", False), ("2031-Q5", False), ("2031-H3", False), ("31-04", False),
    ("avril 2031", False), ("2031-4", False), ("", False),
]


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def is_timex3(value):
    if not isinstance(value, str) or not TIMEX3.fullmatch(value):
        return False
    if DAY.fullmatch(value):  # a real calendar day, not only well-formed digits
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            return False
    return True


def load(path):
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(lines) == 1, f"{path.name}: one record per gold file"
    return json.loads(lines[0])


@pytest.fixture(scope="module", params=GOLD_FILES, ids=lambda p: f"{p.parent.parent.name}/{p.stem}")
def gold(request):
    return load(request.param), request.param


@pytest.mark.parametrize("value, valid", TIMEX3_EXAMPLES)
def test_timex3_pattern(value, valid):
    assert is_timex3(value) is valid


@pytest.mark.parametrize("texts", TEXT_SETS, ids=lambda p: p.name)
def test_one_gold_file_per_text(texts):
    names = sorted(p.stem for p in texts.glob("*.txt"))
    assert names and sorted(p.stem for p in (texts / "gold").glob("*.jsonl")) == names


def test_record_fields(gold):
    record, path = gold
    texts = path.parent.parent  # gold files live in <texts>/gold/
    assert record["id"] == path.stem
    assert (texts / f"{record['id']}.txt").is_file()
    assert record["source"] == f"{texts.relative_to(ROOT).as_posix()}/{record['id']}.txt"
    assert record["published"] is None or is_timex3(record["published"]) and DAY.fullmatch(record["published"])
    assert isinstance(record["text"], str) and record["text"]
    for repair in record["repairs"]:
        assert set(repair) == {"kind", "count"} and isinstance(repair["count"], int) and repair["count"] > 0
    assert isinstance(record["entities"], list) and isinstance(record["events"], list)


def test_entity_offsets_and_labels(gold):
    record, _ = gold
    text, previous_end = record["text"], 0
    for ent in record["entities"]:
        start, end = ent["start"], ent["end"]
        assert isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text), ent
        assert text[start:end] == ent["text"], ent
        assert ent["text"] == ent["text"].strip(), ent
        assert start >= previous_end, f"overlap or unsorted at {ent}"
        previous_end = end
        assert ent["label"] in LABELS, ent


def test_names(gold):
    record, _ = gold
    for ent in record["entities"]:
        if ent["label"] in NAME_LABELS:
            assert isinstance(ent.get("canonical"), str) and ent["canonical"].strip(), ent
            assert not ELIDED_PREFIX.match(ent["text"]) and not ELIDED_PREFIX.match(ent["canonical"]), ent


def test_money(gold):
    record, _ = gold
    for ent in (e for e in record["entities"] if e["label"] == "MONEY"):
        assert ent["value"] is None or is_number(ent["value"]) and ent["value"] > 0, ent
        assert ent["currency"] is None or CURRENCY.fullmatch(ent["currency"]), ent
        assert ent["qualifier"] in QUALIFIERS, ent
        if ent["qualifier"] == "range":
            assert is_number(ent["value_max"]) and ent["value_max"] > ent["value"], ent
        else:
            assert "value_max" not in ent, ent
        assert not MONEY_LEADING_WORD.match(ent["text"]), f"qualifier or article inside the span: {ent}"


def test_dates(gold):
    record, _ = gold
    for ent in (e for e in record["entities"] if e["label"] == "DATE"):
        assert is_timex3(ent["value"]), ent
        assert ent.get("mod", "missing") in MODS, ent
        assert not DATE_LEADING_WORD.match(ent["text"]), f"preposition or article inside the span: {ent}"


def test_percents(gold):
    record, _ = gold
    for ent in (e for e in record["entities"] if e["label"] == "PERCENT"):
        assert is_number(ent["value"]), ent
        assert "%" in ent["text"] or "pour cent" in ent["text"], ent


def test_events(gold):
    record, _ = gold
    text = record["text"]
    money = {(e["start"], e["end"]): e for e in record["entities"] if e["label"] == "MONEY"}
    canonicals = {e["canonical"] for e in record["entities"] if e["label"] in NAME_LABELS}
    for event in record["events"]:
        assert event["type"] in EVENT_TYPES, event
        assert event["target"] is None or event["target"] in canonicals, event
        if event["type"] == "investment":
            assert isinstance(event["investors"], list) and "acquirer" not in event, event
            assert set(event["investors"]) <= canonicals and len(set(event["investors"])) == len(event["investors"])
        elif event["type"] == "acquisition":
            assert "investors" not in event and (event["acquirer"] is None or event["acquirer"] in canonicals), event
        else:
            assert "investors" not in event and "acquirer" not in event, event
        start, end = event["evidence"]
        assert 0 <= start < end <= len(text), event
        if event["amount"] is None:
            assert (event["value"], event["currency"], event["qualifier"]) == (None, None, None), event
        else:
            amount = money.get(tuple(event["amount"]))
            assert amount is not None, f"amount is not a MONEY entity of the record: {event}"
            for field in ("value", "currency", "qualifier"):
                assert event[field] == amount[field], (field, event)
            assert start <= amount["start"] and amount["end"] <= end, f"evidence does not contain the amount: {event}"
        assert event["date"] is None or is_timex3(event["date"]), event
