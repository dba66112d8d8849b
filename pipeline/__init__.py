"""French business-news extractor: read → repair → spaCy pipeline → record → JSONL → score.

Installed as the package `fr_finance` (`pipeline/` in the repository); its data, `models/`, ships inside it
as `fr_finance.models`. The public API is `extract()` (texts → records, exactly as `fr-finance extract` writes
them) and `load()` (the spaCy pipeline). `import fr_finance` stays light: spaCy and the model load on first use.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator

if TYPE_CHECKING:
    from spacy.language import Language

__version__ = "0.1.0"
__all__ = ["extract", "load", "__version__", "MODELS_DIR"]

_HERE = Path(__file__).resolve().parent
# Installed (wheel): the data is the subpackage models/. Editable install or a checkout: the repository's models/.
MODELS_DIR = _HERE / "models" if (_HERE / "models" / "config.cfg").is_file() else _HERE.parent / "models"
# The repository root, for what only exists in a checkout (seeds/, outputs/ of make bench and the tests).
PROJECT_ROOT = _HERE.parent


def extract(texts_or_rows: Iterable[Any] | str, *, published: str | None = None, n_process: int = 1) -> Iterator[dict]:
    """Records (FORMAT.md), one per input, in input order, exactly as `fr-finance extract` writes them.

    Each input is a text, a dict with `text` and optionally `id`, `published`, `source` (a JSONL row), or a
    `(text, meta)` pair with such a dict as meta. `published` (YYYY-MM-DD) is the date of the inputs whose
    meta gives none; like a JSONL row's, a given date wins over one the text states. Ids default to the
    input's number ("1", "2", ...), `source` to "-".
    `n_process` > 1 runs worker processes (-1: one per CPU).
    """
    from .engines.extractor import Extractor
    from .nlp.load import load_pipeline

    if isinstance(texts_or_rows, (str, dict)):
        texts_or_rows = [texts_or_rows]
    yield from Extractor(_shared(load_pipeline())).records(_raw_documents(texts_or_rows, published), n_process=n_process)


def load() -> "Language":
    """The extractor's spaCy pipeline (loaded once per process and shared with `extract`).

    `nlp(text)` repairs the text first (`doc.text` is the repaired text, `doc._.fr_finance_repairs` what
    changed) and reads its publication date (`doc._.fr_finance_published`); with
    `nlp.pipe([(text, {"published": "2025-03-02"})], as_tuples=True)` the context's date is used instead.
    Entities carry `span._.fr_finance_value`, `_currency`, `_qualifier`, `_value_max`, `_mod`, `_canonical`,
    `_rule`; events are `doc._.fr_finance_events` (record dicts) and the `doc.spans["fr_finance_events"]` group.
    """
    from .nlp.load import load_pipeline

    return _shared(load_pipeline())


def _shared(nlp: "Language") -> "Language":
    """The pipeline with its French word list loaded from the disk cache (else built on first use)."""
    from .nlp.load import pipeline_key
    from .nlp.vocabulary import french_words

    french_words(nlp, cache_key=pipeline_key())
    return nlp


def _raw_documents(items: Iterable[Any], published: str | None):
    from .read.io import RawDocument

    for number, item in enumerate(items, 1):
        if isinstance(item, str):
            text, meta = item, {}
        elif isinstance(item, dict):
            text, meta = item.get("text"), item
        elif isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], dict):
            text, meta = item
        else:
            raise TypeError(f"input {number}: expected a text, a dict with \"text\" or a (text, meta) pair, "
                            f"not {type(item).__name__}")
        if not isinstance(text, str):
            raise TypeError(f"input {number}: the text must be a string")
        yield RawDocument(id=str(meta.get("id") or number), source=str(meta.get("source") or "-"), text=text,
                          published=meta.get("published") or published)
