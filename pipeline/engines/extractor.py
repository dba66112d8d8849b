"""The extractor: turns raw documents into FORMAT.md records (read → repair → spaCy pipeline → record),
in one process or a fork pool."""
from __future__ import annotations

import multiprocessing
import os
import signal
from collections import deque
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from ..nlp.load import load_pipeline, pipeline_key
from ..nlp.repairing import plain_make_doc
from ..nlp.sentences import sentence_ends
from ..nlp.vocabulary import french_words
from ..read.io import BadDocument, RawDocument
from ..read.published import find_published
from ..read.repair import repair
from ..records.record import build_record, doc_parts

# The [fr_finance_extractor] section of models/config.cfg; these defaults apply to a pipeline without it.
SETTINGS = "fr_finance_extractor"
DEFAULT_PIECE_CHARS = 100_000
DEFAULT_BATCH_CHARS = 200_000


def _after_last(*separators: str):
    """The ends of the last occurrence of each separator in a window."""
    return lambda window: [found + len(sep) for sep in separators if (found := window.rfind(sep)) >= 0]


def _after_sentence_ends(window: str) -> list[int]:
    """The spaces after the sentence ends of a window (pipeline/nlp/sentences.py), line breaks left to the first level."""
    return [found + 1 for found in sentence_ends(window) if window[found - 1] != "\n" and found < len(window)]


# Where a piece may end, best first, each with whether a break in the first half of the window is refused:
# a paragraph or line break, a sentence end, a space.
CUT_LEVELS = ((_after_last("\n\n", "\n"), True), (_after_sentence_ends, True), (_after_last(" "), False))


def iter_pieces(text: str, max_length: int) -> Iterator[tuple[int, str]]:
    """Pieces of at most `max_length` characters, each with its offset in `text`, made one at a time.
    A piece ends at the last paragraph break of its window, else the last sentence end, else the last
    space, else at `max_length`; a paragraph or sentence break in the first half of the window is not
    used (it would make a tiny piece).

    >>> list(iter_pieces("Un. Deux.\\nTrois.", 10))
    [(0, 'Un. Deux.\\n'), (10, 'Trois.')]
    >>> [len(piece) for _, piece in iter_pieces("U" * 25, 10)]
    [10, 10, 5]
    """
    start = 0
    while len(text) - start > max_length:
        window = text[start:start + max_length]
        cut = next((end for breaks, half in CUT_LEVELS
                    if (end := _last_break(window, breaks, max_length // 2 if half else 1))), max_length)
        yield start, text[start:start + cut]
        start += cut
    yield start, text[start:]


def _last_break(window: str, breaks, least: int) -> int:
    """The last of the places `breaks` finds in `window`, if it is at least `least`; else 0."""
    end = max(breaks(window), default=0)
    return end if end >= least else 0


def split_text(text: str, max_length: int) -> list[tuple[int, str]]:
    """All the pieces of iter_pieces, as a list.

    >>> split_text("Un. Deux.\\nTrois.", 10)
    [(0, 'Un. Deux.\\n'), (10, 'Trois.')]
    """
    return list(iter_pieces(text, max_length))


@dataclass(frozen=True)
class Failure:
    """A document that could not be processed, in the place of its record."""
    doc_id: str
    message: str


def _describe(err: BaseException) -> str:
    """One line: the exception's type and first line."""
    first = str(err).strip().splitlines()[0] if str(err).strip() else ""
    return f"{type(err).__name__}: {first}" if first else type(err).__name__


class Extractor:
    def __init__(self, nlp: Language | None = None):
        self.nlp = nlp or load_pipeline()
        self.is_word = french_words(self.nlp, cache_key=None if nlp else pipeline_key())
        self.make_doc = plain_make_doc(self.nlp)  # the text is repaired here, whole, before it is cut
        settings = self.nlp.config.get(SETTINGS, {})
        self.piece_chars = int(settings.get("piece_chars", DEFAULT_PIECE_CHARS))
        self.batch_chars = int(settings.get("batch_chars", DEFAULT_BATCH_CHARS))

    def prepare(self, raw: RawDocument) -> tuple[dict, Iterator[tuple[Doc, int]]]:
        """Repair the text, find `published`, and cut the text into docs for the pipeline, made one at a
        time as they are consumed (a long text never has all its pieces tokenized at once)."""
        text, repairs = repair(raw.text, self.is_word)
        published = raw.published or find_published(text)
        header = {"id": raw.id, "source": raw.source, "published": published, "text": text, "repairs": repairs}

        def docs():
            for offset, piece in iter_pieces(text, min(self.piece_chars, self.nlp.max_length - 1)):
                doc = self.make_doc(piece)
                doc._.fr_finance_published = published
                yield doc, offset

        return header, docs()

    def records(self, raws: Iterable[RawDocument], *, n_process: int = 1, batch_size: int = 32,
                on_error: Callable[[str, str], None] | None = None) -> Iterator[dict]:
        """Records in input order, streamed. With n_process > 1 (-1: one per CPU), worker processes do
        everything from repair to record (see _parallel_records).

        A document that fails (any exception from repair to record) raises BadDocument naming it; with
        `on_error`, `on_error(doc_id, message)` is called instead and the other documents go on."""
        if n_process == -1:
            n_process = os.cpu_count() or 1
        items = (self._parallel_items(raws, n_process, batch_size) if n_process > 1
                 else self.items(raws, batch_size))
        for item in items:
            if isinstance(item, Failure):
                if on_error is None:
                    raise BadDocument(item.doc_id, f"document {item.doc_id!r} failed: {item.message}")
                on_error(item.doc_id, item.message)
            else:
                yield item

    def items(self, raws: Iterable[RawDocument], batch_size: int) -> Iterator[dict | Failure]:
        """A record or a Failure per document, in order. Documents go through the pipeline in batches of at
        most `batch_size` documents and about `batch_chars` characters; a batch that fails is run again one
        document at a time, so that only the failing document is lost."""
        for batch in self._batches(raws, batch_size):
            try:
                done = list(self._process(batch, batch_size))
            except Exception as err:
                if len(batch) == 1:
                    yield Failure(batch[0].id, _describe(err))
                    continue
                for raw in batch:
                    try:
                        yield from list(self._process([raw], batch_size))
                    except Exception as one:
                        yield Failure(raw.id, _describe(one))
                continue
            yield from done

    def _batches(self, raws: Iterable[RawDocument], batch_size: int) -> Iterator[list[RawDocument]]:
        batch, chars = [], 0
        for raw in raws:
            batch.append(raw)
            chars += len(raw.text)
            if len(batch) >= batch_size or chars >= self.batch_chars:
                yield batch
                batch, chars = [], 0
        if batch:
            yield batch

    def _process(self, batch: list[RawDocument], batch_size: int) -> Iterator[dict]:
        """The records of one batch. Pieces go to nlp.pipe in groups of at most `batch_size` pieces and
        `batch_chars` characters, and each processed doc is reduced to its entities and events at once:
        memory holds one group of docs, however long the text."""
        pending: dict[int, list] = {}  # document number → [header, parts, pieces left or None while cutting]
        group: list[tuple[Doc, tuple[int, int]]] = []
        chars = 0

        def run_group():
            for doc, (number, offset) in self.nlp.pipe(group, as_tuples=True, batch_size=len(group)):
                pending[number][1].append(doc_parts(doc, offset))

        for number, raw in enumerate(batch):
            header, docs = self.prepare(raw)
            pending[number] = [header, []]
            for doc, offset in docs:
                group.append((doc, (number, offset)))
                chars += len(doc.text)
                if len(group) >= batch_size or chars >= self.batch_chars:
                    run_group()
                    group, chars = [], 0
        if group:
            run_group()
        for number in range(len(batch)):
            header, parts = pending.pop(number)
            yield build_record(header, parts)

    def _parallel_items(self, raws: Iterable[RawDocument], n_process: int, batch_size: int) -> Iterator[dict | Failure]:
        """The records (or failures) of `raws` from `n_process` workers, `batch_size` documents per task,
        in input order.

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
                tasks.append(pool.apply_async(_worker_items, (batch,)))
                if len(tasks) > 2 * n_process:
                    yield from tasks.popleft().get()
            while tasks:
                yield from tasks.popleft().get()


_worker: Extractor | None = None  # the extractor of a worker process


def _start_worker(extractor: Extractor | None) -> None:
    global _worker
    # The parent's SIGTERM handler (cli.py) raises to clean up its files; a worker just ends.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _worker = extractor or Extractor()


def _worker_items(batch: list[RawDocument]) -> list[dict | Failure]:
    return list(_worker.items(batch, batch_size=len(batch)))
