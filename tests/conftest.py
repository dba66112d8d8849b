import pytest

from fr_finance.nlp.french_tokenizer import import_french

import_french()  # spacy.blank("fr") and the pipeline: spaCy's French data without its 5 s regex compile


@pytest.fixture(scope="session")
def extractor():
    """The full pipeline, loaded once for every integration test."""
    from fr_finance.engines.extractor import Extractor

    return Extractor()


@pytest.fixture(scope="session")
def extract(extractor):
    """text → record, through the whole pipeline."""
    from fr_finance.read.io import RawDocument

    def run(text, published=None, doc_id="t"):
        raw = RawDocument(id=doc_id, source="-", text=text, published=published)
        return next(extractor.records([raw]))

    return run


def entity_labels(record, text):
    return [e["label"] for e in record["entities"] if e["text"] == text]


@pytest.fixture(scope="session", autouse=True)
def records_follow_the_schema():
    """Every record the suite builds (in this process and in forked workers) is checked against the JSON Schema
    of docs/FORMAT.md, at the place the extractor checks its offsets."""
    from fr_finance.records import record as module
    from fr_finance.records.schema import errors

    check = module.check_record

    def check_with_schema(record):
        check(record)
        problems = errors(record)
        assert not problems, f"{record['id']}: record breaks record.schema.json: {problems[:3]}"

    module.check_record = check_with_schema
    yield
    module.check_record = check


@pytest.fixture(scope="session")
def cli_records(tmp_path_factory):
    """`fr-finance extract` run as a user runs it (a subprocess) on the seeds and tests/data: id → record."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    out = tmp_path_factory.mktemp("cli") / "extractions.jsonl"
    subprocess.run([sys.executable, "-m", "fr_finance", "extract", "seeds", "tests/data/dev", "tests/data/heldout",
                    "-o", str(out), "--no-progress"], cwd=root, check=True, capture_output=True)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return {record["id"]: record for record in records}
