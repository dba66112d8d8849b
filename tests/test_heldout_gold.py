"""The mechanical gold checks of test_gold.py, run on the held-out set (tests/data/heldout/gold/*.jsonl).

The held-out set is six French business-news texts written for this project and kept away from rule tuning
(agrifood, aerospace, West-African fintech in XOF/USD, Spanish real estate, an Indian company in INR, video games);
see tests/data/heldout/gold/README.md. The imported test functions are collected again here and take this
module's `gold` fixture.
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

HELDOUT = Path(__file__).resolve().parent / "data" / "heldout"
GOLD_FILES = sorted((HELDOUT / "gold").glob("*.jsonl"))


@pytest.fixture(scope="module", params=GOLD_FILES, ids=lambda p: p.stem)
def gold(request):
    return load(request.param), request.param


def test_one_gold_file_per_heldout_text():
    texts = sorted(p.stem for p in HELDOUT.glob("*.txt"))
    assert len(texts) >= 6 and [p.stem for p in GOLD_FILES] == texts
