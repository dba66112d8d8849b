"""The extractor: builds the spaCy pipeline from models/config.cfg and turns raw documents into
FORMAT.md records (read → repair → spaCy pipeline → record)."""
from __future__ import annotations

import multiprocessing
import os
import warnings
from collections import deque
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab, create_vocab

from . import MODELS_DIR, cache, french_tokenizer

french_tokenizer.import_french()  # before anything loads spaCy's French data the slow way

from .components import dates, events, money, names  # noqa: E402,F401  (register the factories in config.cfg)
from .components.spans import register_extensions
from .io import RawDocument
from .published import find_published
from .record import build_record, doc_parts
from .repair import repair
from .vocabulary import french_words

CONFIG = MODELS_DIR / "config.cfg"
SOURCE_MODEL = "fr_core_news_md"


@lru_cache(maxsize=2)
def load_pipeline(config_path: Path = CONFIG, models_dir: Path = MODELS_DIR) -> Language:
    """The model's components and ours, as one spaCy pipeline (sourced from fr_core_news_md).
    Kept for the process (the pipeline holds no per-document state) and on disk (pipeline/cache.py)."""
    register_extensions()
    overrides = {"paths.models": str(models_dir)}
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


def split_text(text: str, max_length: int) -> list[tuple[int, str]]:
    """Pieces of at most `max_length` characters cut at paragraph, then sentence, then word
    boundaries, each with its offset in `text`.

    >>> split_text("Un. Deux.\\nTrois.", 10)
    [(0, 'Un. Deux.\\n'), (10, 'Trois.')]
    """
    pieces: list[tuple[int, str]] = []
    start = 0
    while len(text) - start > max_length:
        window = text[start:start + max_length]
        cut = max((window.rfind(sep) + len(sep) for sep in ("\n\n", "\n")), default=0)
        if cut <= 0:
            cut = max((window.rfind(sep) + len(sep) for sep in (". ", "! ", "? ", " ")), default=0)
        if cut <= 0:
            cut = max_length
        pieces.append((start, text[start:start + cut]))
        start += cut
    pieces.append((start, text[start:]))
    return pieces


class Extractor:
    def __init__(self, nlp: Language | None = None):
        self.nlp = nlp or load_pipeline()
        self.is_word = french_words(self.nlp, cache_key=None if nlp else pipeline_key())

    def prepare(self, raw: RawDocument) -> tuple[dict, list[tuple[Doc, int]]]:
        """Repair the text, find `published`, and cut the text into docs ready for the pipeline."""
        text, repairs = repair(raw.text, self.is_word)
        published = raw.published or find_published(text)
        header = {"id": raw.id, "source": raw.source, "published": published, "text": text, "repairs": repairs}
        docs = []
        for offset, piece in split_text(text, self.nlp.max_length - 1):
            doc = self.nlp.make_doc(piece)
            doc._.published = published
            docs.append((doc, offset))
        return header, docs

    def records(self, raws: Iterable[RawDocument], *, n_process: int = 1, batch_size: int = 32) -> Iterator[dict]:
        """Records in input order, streamed: one document's docs in, one record out. With n_process > 1
        (-1: one per CPU), worker processes do everything from repair to record (see _parallel_records)."""
        if n_process == -1:
            n_process = os.cpu_count() or 1
        if n_process > 1:
            yield from self._parallel_records(raws, n_process, batch_size)
            return
        pending: dict[int, tuple[dict, int]] = {}  # document number → (header, pieces left)
        parts: dict[int, list] = {}

        def feed():
            for number, raw in enumerate(raws):
                header, docs = self.prepare(raw)
                pending[number] = (header, len(docs))
                parts[number] = []
                for doc, offset in docs:
                    yield doc, (number, offset)

        for doc, (number, offset) in self.nlp.pipe(feed(), as_tuples=True, n_process=n_process, batch_size=batch_size):
            parts[number].append(doc_parts(doc, offset))
            header, left = pending[number]
            if left == 1:
                del pending[number]
                yield build_record(header, parts.pop(number))
            else:
                pending[number] = (header, left - 1)

    def _parallel_records(self, raws: Iterable[RawDocument], n_process: int, batch_size: int) -> Iterator[dict]:
        """The records of `raws` from `n_process` workers, `batch_size` documents per task, in input order.

        Not spaCy's nlp.pipe(n_process=...): that one keeps reading, repair, tokenization and records in
        the parent and sends every Doc both ways as bytes, work that competes with the workers for the
        CPUs. Here the parent only reads input and writes output; each worker runs the single-process
        path above on its batch, so records are the same. Workers are forked and share the loaded
        pipeline (where fork is missing, each loads it). At most 2 tasks per worker are in flight:
        memory stays flat on long inputs."""
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        worker = self if context.get_start_method() == "fork" else None
        with context.Pool(n_process, initializer=_start_worker, initargs=(worker,)) as pool:
            tasks: deque = deque()
            for batch in spacy.util.minibatch(raws, batch_size):
                tasks.append(pool.apply_async(_worker_records, (batch,)))
                if len(tasks) > 2 * n_process:
                    yield from tasks.popleft().get()
            while tasks:
                yield from tasks.popleft().get()


_worker: Extractor | None = None  # the extractor of a worker process


def _start_worker(extractor: Extractor | None) -> None:
    global _worker
    _worker = extractor or Extractor()


def _worker_records(batch: list[RawDocument]) -> list[dict]:
    return list(_worker.records(batch, batch_size=len(batch)))
