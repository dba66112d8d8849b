"""The spaCy pipeline of the extractor: assembled from models/config.cfg (the French model's components,
sourced, and ours), kept for the process and saved on disk (nlp/cache.py)."""
from __future__ import annotations

import warnings
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.vocab import Vocab, create_vocab

from .. import MODELS_DIR
from . import cache, french_tokenizer

french_tokenizer.import_french()  # before anything loads spaCy's French data the slow way

from . import repairing  # noqa: E402,F401  (registers the tokenizer in config.cfg)
from .components import context, dates, event_spans, events, money, names  # noqa: E402,F401  (register the factories in config.cfg)
from .components.spans import register_extensions  # noqa: E402

CONFIG = MODELS_DIR / "config.cfg"
SOURCE_MODEL = "fr_core_news_md"


@lru_cache(maxsize=2)
def load_pipeline(config_path: Path = CONFIG, models_dir: Path = MODELS_DIR) -> Language:
    """The model's components and ours, as one spaCy pipeline (sourced from fr_core_news_md).
    Kept for the process (the pipeline holds no per-document state) and on disk (nlp/cache.py)."""
    register_extensions()
    # config.cfg names files relative to the package's models/ (portable saved configs); another folder is given whole.
    overrides = {} if Path(models_dir) == MODELS_DIR else {"paths.models": str(models_dir)}
    key = pipeline_key(config_path, models_dir)
    return cache.load_or_assemble(key, lambda: assemble_pipeline(config_path, overrides), overrides)


def pipeline_key(config_path: Path = CONFIG, models_dir: Path = MODELS_DIR) -> str:
    """What the saved pipeline depends on: models/*, the code that assembles it, the versions."""
    files = [config_path, *(p for p in Path(models_dir).iterdir() if p.is_file()),
             *(Path(module.__file__) for module in (cache, french_tokenizer)), Path(__file__)]
    return cache.pipeline_key(files, spacy.__version__, SOURCE_MODEL, spacy.util.get_package_version(SOURCE_MODEL))


def assemble_pipeline(config_path: Path, overrides: dict) -> Language:
    """The pipeline built from models/config.cfg, components sourced from the installed model."""
    config = spacy.util.load_config(config_path, overrides=overrides, interpolate=False)
    with warnings.catch_warnings():
        # W113 warns that sourced components need the source's vectors: we hand them its vocab.
        warnings.filterwarnings("ignore", message=r"\[W113\]")
        nlp = spacy.util.load_model_from_config(config, auto_fill=True, validate=True, vocab=source_vocab())
    nlp.tokenizer.token_match = french_tokenizer.grouped_token_match()  # what gets saved, even if spaCy was imported slowly
    return nlp


def source_vocab(package: str = SOURCE_MODEL) -> Vocab:
    """The source model's vocab with its static vectors: sourcing components does not copy them,
    and its tok2vec reads them."""
    root = spacy.util.get_package_path(package)
    data_dir = next(root.glob(f"{package}-*"), root)
    vocab = create_vocab("fr", spacy.util.get_lang_class("fr").Defaults)  # French lexical attributes
    return vocab.from_disk(data_dir / "vocab")
