"""The extractor: turns raw documents into FORMAT.md records (read → repair → spaCy pipeline → record),
in one process or a fork pool."""
from __future__ import annotations

import multiprocessing
import os
from collections import deque
from typing import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from ..nlp.load import load_pipeline, pipeline_key
from ..nlp.repairing import plain_make_doc
from ..nlp.vocabulary import french_words
from ..read.io import RawDocument
from ..read.published import find_published
from ..read.repair import repair
from ..records.record import build_record, doc_parts


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
        self.make_doc = plain_make_doc(self.nlp)  # the text is repaired here, whole, before it is cut

    def prepare(self, raw: RawDocument) -> tuple[dict, list[tuple[Doc, int]]]:
        """Repair the text, find `published`, and cut the text into docs ready for the pipeline."""
        text, repairs = repair(raw.text, self.is_word)
        published = raw.published or find_published(text)
        header = {"id": raw.id, "source": raw.source, "published": published, "text": text, "repairs": repairs}
        docs = []
        for offset, piece in split_text(text, self.nlp.max_length - 1):
            doc = self.make_doc(piece)
            doc._.fr_finance_published = published
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
