"""The mechanical gold checks of test_gold.py, run on the dev set (tests/data/dev/gold/*.jsonl).

The dev set is eight French business-news texts written for this project (other sectors, countries, years and
currencies than the seeds) to measure how the extractor generalises; see tests/data/dev/gold/README.md.
The imported test functions are collected again here and take this module's `gold` fixture.
"""
from pathlib import Path

import pytest

from test_gold import (  # noqa: F401  (imported to be collected with the fixture below)
    load,
    test_dates,
    test_entity_offsets_and_labels,
    test_events,
    test_money,
    test_names,
    test_percents,
    test_record_fields,
)

DEV = Path(__file__).resolve().parent / "data" / "dev"
GOLD_FILES = sorted((DEV / "gold").glob("*.jsonl"))


@pytest.fixture(scope="module", params=GOLD_FILES, ids=lambda p: p.stem)
def gold(request):
    return load(request.param), request.param


def test_one_gold_file_per_dev_text():
    texts = sorted(p.stem for p in DEV.glob("*.txt"))
    assert len(texts) >= 8 and [p.stem for p in GOLD_FILES] == texts
