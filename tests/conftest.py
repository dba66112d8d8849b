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
