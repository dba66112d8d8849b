"""The assembled spaCy pipeline, saved once on disk and loaded from there by later runs.

Assembling it from models/config.cfg sources six components from fr_core_news_md (which loads that model
in full besides our vocab) and builds the tokenizer: ~10 s. Loading the saved result is one `spacy.load`.
The directory name is a hash of everything the saved files depend on (models/*, the code that assembles
them, spaCy, model and Python versions), so any change assembles and saves anew. Our components keep no
state on disk: `spacy.load` builds them again from the config and the current files in models/.

Location: $FR_FINANCE_CACHE, else $XDG_CACHE_HOME/fr-finance-extractor (~/.cache/...); FR_FINANCE_CACHE=off
disables it. A cache that cannot be written is skipped silently: the pipeline is assembled every time.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Iterable

import spacy
from spacy.language import Language

CACHE_ENV = "FR_FINANCE_CACHE"
KEEP = 3  # saved pipelines kept (several branches or versions may be in use)
KEEP_DATA = 100  # pickled lexicons kept
DATA_FORMAT = "fr-finance-data-1"  # first item of every pickled file, before its key
STALE_TEMP_SECONDS = 3600  # a temporary directory older than this was left by a killed run


def cache_root() -> Path | None:
    value = os.environ.get(CACHE_ENV)
    if value == "off":
        return None
    if value:
        return Path(value)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "fr-finance-extractor"


def pipeline_key(files: Iterable[Path], *versions: str) -> str:
    """Hash of the files' names and contents and of the version strings."""
    digest = hashlib.sha256()
    for text in (*versions, sys.version):
        digest.update(text.encode() + b"\0")
    for path in sorted(files):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:20]


def load_or_assemble(key: str, assemble: Callable[[], Language], overrides: dict) -> Language:
    """The pipeline saved under `key`, loaded with config `overrides`; else `assemble()`, saved for next time."""
    root = cache_root()
    if root is None:
        return assemble()
    saved = root / f"pipeline-{key}"
    if (saved / "config.cfg").is_file():
        try:
            nlp = spacy.load(saved, config=overrides)
            os.utime(saved)  # most recently used: kept by _prune
            return nlp
        except Exception:  # damaged by hand: assemble and save it again
            shutil.rmtree(saved, ignore_errors=True)
    nlp = assemble()
    try:
        _save(nlp, saved)
        _prune(root)
    except OSError:
        return nlp  # read-only or full disk: run without the cache
    return spacy.load(saved, config=overrides)  # the same pipeline as every later run


def _save(nlp: Language, target: Path) -> None:
    """Write into a temporary directory beside `target`, then rename: a reader never sees half a pipeline,
    and of two runs saving at once the second one's copy is simply dropped."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(prefix=".tmp-", dir=target.parent))
    try:
        nlp.to_disk(temporary)
        _drop_word_strings(temporary / "vocab" / "strings.json")
        os.rename(temporary, target)
    except OSError:
        shutil.rmtree(temporary, ignore_errors=True)
        if not (target / "config.cfg").is_file():
            raise


def _drop_word_strings(strings_file: Path) -> None:
    """Save the vocab without the model's 713,000 word strings (1 s to load, 130 MB). They only turn
    hashes back into text, and the pipeline never asks that of a word it has not met: tokens add their
    own strings, and loading adds those of labels, morphology and patterns. Vectors and lemma tables are
    keyed by hash. tests/test_cache.py checks that records are identical."""
    strings_file.write_text("[]", encoding="utf-8")


def _prune(root: Path) -> None:
    saved = sorted(root.glob("pipeline-*"), key=lambda p: p.stat().st_mtime, reverse=True)
    stale = [p for p in root.glob(".tmp-*") if time.time() - p.stat().st_mtime > STALE_TEMP_SECONDS]
    for path in saved[KEEP:] + stale:
        shutil.rmtree(path, ignore_errors=True)


def load_or_compute(name: str, content: bytes, compute: Callable[[], Any]) -> Any:
    """`compute()`, pickled in the cache under a hash of `name` and `content` (the input it is computed from)."""
    root = cache_root()
    if root is None:
        return compute()
    # The format is part of the file name too: code of an older format never reads (or removes) these files.
    digest = hashlib.sha256(DATA_FORMAT.encode() + b"\0" + name.encode() + b"\0" + content).hexdigest()[:24]
    path = root / "data" / f"{digest}.pickle"
    header = (DATA_FORMAT, digest)  # what a file of ours starts with: anything else is damage
    try:
        saved = pickle.loads(path.read_bytes())
        if isinstance(saved, tuple) and len(saved) == 3 and saved[:2] == header:
            os.utime(path)
            return saved[2]
        path.unlink(missing_ok=True)
    except FileNotFoundError:
        pass
    except Exception:  # noqa: BLE001  damaged (truncated, overwritten): any error unpickling; compute it again
        path.unlink(missing_ok=True)
    value = compute()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, prefix=".tmp-", delete=False) as out:
            pickle.dump((*header, value), out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(out.name, path)
        _prune_data(path.parent)
    except OSError:
        pass
    return value


def _prune_data(directory: Path) -> None:
    files = sorted(directory.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    stale = [p for p in directory.glob(".tmp-*") if time.time() - p.stat().st_mtime > STALE_TEMP_SECONDS]
    for path in files[KEEP_DATA:] + stale:
        path.unlink(missing_ok=True)
