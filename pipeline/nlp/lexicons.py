"""Load the data in models/ (YAML, JSON, JSONL) once, with errors that name the file."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import srsly

from .. import MODELS_DIR
from . import cache


class LexiconError(ValueError):
    """A file in models/ is missing or malformed."""


def resolve(name: str | Path) -> Path:
    """A bare file name is looked up in models/; a path is taken as it is."""
    path = Path(name)
    return path if path.is_absolute() or path.parent != Path(".") else MODELS_DIR / path


@lru_cache(maxsize=None)
def load(name: str | Path) -> Any:
    """Parsed content of a models/ file, cached for the process."""
    path = resolve(name)
    readers = {".yaml": _read_yaml, ".yml": _read_yaml, ".json": srsly.read_json,
               ".jsonl": lambda p: list(srsly.read_jsonl(p))}
    reader = readers.get(path.suffix)
    if reader is None:
        raise LexiconError(f"{path}: unsupported lexicon format (use .yaml, .json or .jsonl)")
    try:
        return reader(path)
    except FileNotFoundError:
        raise LexiconError(f"{path}: lexicon file not found") from None
    except ValueError as err:
        raise LexiconError(f"{path}: {err}") from None


def _read_yaml(path: Path) -> Any:
    """Parsed YAML, kept pickled in the cache (nlp/cache.py) by content: srsly's YAML parser is pure
    Python and takes ~0.1 s a file, a noticeable part of a short run."""
    content = path.read_bytes()
    return cache.load_or_compute("yaml", content, lambda: srsly.yaml_loads(content.decode("utf-8")))


def require_ids(rows: list[dict], source: str) -> list[dict]:
    """Every pattern carries an `id` so an output can be traced back to its rule."""
    for number, row in enumerate(rows, 1):
        if not isinstance(row, dict) or not row.get("id"):
            raise LexiconError(f"{source}: pattern {number} has no id")
    return rows
