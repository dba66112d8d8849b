"""Extraction on a Dask cluster (`extract --engine dask`, `records(raws, ...)`): the same records as one
process, in the same order, from as many machines as the scheduler has workers.

- The client plans partitions from the input: JSONL files cut into byte ranges on line boundaries, runs
  of .txt files, rows read from stdin or given in Python; sized from the input (at least
  PARTITIONS_PER_WORKER per worker thread, at most MAX_PARTITION_BYTES each).
- Each worker loads the pipeline once (PipelinePlugin) and turns a partition into plain records inside
  `nlp.memory_zone()`, so its memory stays flat over any number of partitions.
- With an output file, each partition's records are written to `OUT.parts/` as they arrive, then joined
  in input order, atomically, into OUT; `resume=True` reuses the parts an interrupted run left.
- Faults: a worker that dies is restarted by its nanny and the scheduler runs its partition again
  (`distributed.scheduler.allowed-failures` times); a document that raises stops the run
  (on_error="fail": DocumentError, nothing written) or is skipped and reported with its id ("skip").

Workers read input files themselves, at the absolute path the client sees: on a real cluster the inputs
live on a file system every worker mounts (README, "Running on a cluster").
"""
from __future__ import annotations

import io
import json
import logging
import math
import shutil
import sys
import threading
from collections import deque
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Union

from distributed import Client, LocalCluster, as_completed
from distributed.diagnostics.plugin import WorkerPlugin

from ..read.io import (InputError, RawDocument, atomic_writer, display_path, dump_jsonl_line, expand_input, read_jsonl,
                       read_stream, read_text_file, write_text_atomic)

MAX_PARTITION_BYTES = 4 * 2**20  # input bytes per partition at most: the work a crash costs, what a worker holds
PARTITIONS_PER_WORKER = 4  # partitions per worker thread at least: uneven partitions still keep every worker busy
IN_FLIGHT_PER_WORKER = 2  # records(): partitions submitted ahead of the one being read, per worker thread
RETRIES = 2  # a task that raised (a file system hiccup); a dead worker is the scheduler's allowed-failures
WAIT_FOR_WORKERS_SECONDS = 60  # --scheduler: how long to wait for a first worker
PLUGIN_NAME = "fr-finance-pipeline"
WORKER_SETTINGS = "dask.yaml"  # in models/: Dask settings for our workers (why: in the file)
ON_ERROR = ("fail", "skip")


class DocumentError(Exception):
    """A document raised and on_error is "fail"; the message is one line naming its id."""


# --- partitions (planned by the client, read by a worker) -----------------------------------------

@dataclass(frozen=True)
class JsonlSlice:
    """The rows of a JSONL file between two line boundaries."""
    path: str  # absolute
    source: str  # as the one-process run names it (records' "source", error messages)
    start: int
    end: int
    first_line: int

    def read(self) -> Iterator[RawDocument]:
        try:
            with open(self.path, "rb") as stream:
                stream.seek(self.start)
                data = stream.read(self.end - self.start)
        except OSError as err:
            raise InputError(f"{self.source}: cannot read ({err.strerror})") from None
        return read_jsonl(io.BytesIO(data), self.source, self.first_line)  # BytesIO: lines end at b"\n" only

    def line_of(self, doc_id: str) -> int:
        """The line of the row with id `doc_id` (for a duplicate found across partitions)."""
        data = io.BytesIO(Path(self.path).read_bytes()[self.start:self.end])
        for number, line in enumerate(data, self.first_line):
            if line.strip() and next(read_jsonl([line], self.source, number)).id == doc_id:
                return number
        return self.first_line


@dataclass(frozen=True)
class TextFiles:
    """A run of .txt files, one document each."""
    files: tuple[tuple[str, str], ...]  # (absolute path, source)

    def read(self) -> Iterator[RawDocument]:
        return (read_text_file(Path(path), source) for path, source in self.files)


@dataclass(frozen=True)
class Rows:
    """Documents the client already holds (stdin, the Python API): shipped with the task."""
    rows: tuple[RawDocument, ...]

    def read(self) -> Iterator[RawDocument]:
        return iter(self.rows)


Partition = Union[JsonlSlice, TextFiles, Rows]
KINDS = {"jsonl": JsonlSlice, "text": TextFiles}


def partition_sizes(total_bytes: int, threads: int) -> int:
    """Target bytes per partition: at least PARTITIONS_PER_WORKER per worker thread, at most MAX_PARTITION_BYTES.

    >>> partition_sizes(80_000, 2), partition_sizes(10**9, 2)  # 8 partitions; 239 of at most 4 MiB
    (10000, 4184101)
    """
    count = max(math.ceil(total_bytes / MAX_PARTITION_BYTES), PARTITIONS_PER_WORKER * max(threads, 1), 1)
    return max(1, math.ceil(total_bytes / count))


def plan(inputs: Iterable[str], threads: int) -> list[Partition]:
    """The partitions of the inputs, in the order the one-process run reads them."""
    units: list[tuple[str, Path | None, int]] = []  # (kind, path, bytes)
    stdin_rows: list[RawDocument] = []
    for name in inputs:
        files = expand_input(name)
        if files is None:
            stdin_rows = list(read_stream(sys.stdin.buffer, "-"))  # what the client holds anyway
            units.append(("stdin", None, sum(len(r.text.encode()) for r in stdin_rows)))
            continue
        units += [("jsonl" if p.suffix == ".jsonl" else "text", p, p.stat().st_size) for p in files]
    target = partition_sizes(sum(size for _, _, size in units), threads)

    partitions: list[Partition] = []
    group: list[tuple[str, str]] = []
    group_bytes = 0
    for kind, path, size in units:
        if kind == "text":
            group.append((str(path.resolve()), display_path(path)))
            group_bytes += size
            if group_bytes >= target:
                partitions.append(TextFiles(tuple(group)))
                group, group_bytes = [], 0
            continue
        if group:
            partitions.append(TextFiles(tuple(group)))
            group, group_bytes = [], 0
        if kind == "jsonl":
            partitions += _slices(path, target)
        else:
            partitions += (Rows(tuple(rows)) for rows in _chunks(stdin_rows, target))
    if group:
        partitions.append(TextFiles(tuple(group)))
    return partitions


def _slices(path: Path, target: int) -> Iterator[JsonlSlice]:
    """Byte ranges of about `target` bytes ending at line ends (the client reads the file once, fast)."""
    absolute, source = str(path.resolve()), display_path(path)
    start = position = 0
    first = line = 1
    with path.open("rb") as stream:
        for row in stream:
            position += len(row)
            line += 1
            if position - start >= target:
                yield JsonlSlice(absolute, source, start, position, first)
                start, first = position, line
    if position > start:
        yield JsonlSlice(absolute, source, start, position, first)


def _chunks(rows: Iterable[RawDocument], target: int) -> Iterator[list[RawDocument]]:
    chunk: list[RawDocument] = []
    size = 0
    for row in rows:
        chunk.append(row)
        size += len(row.text.encode())
        if size >= target:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _to_json(partition: Partition) -> dict:
    kind = next(name for name, cls in KINDS.items() if isinstance(partition, cls))
    return {"kind": kind, **asdict(partition)}


def _from_json(data: dict) -> Partition:
    data = dict(data)
    cls = KINDS[data.pop("kind")]
    if cls is TextFiles:
        data["files"] = tuple(tuple(pair) for pair in data["files"])
    return cls(**data)


# --- on a worker ----------------------------------------------------------------------------------

_extractor = None  # this worker process's Extractor, loaded once
_key = ""  # and the key of its pipeline (nlp/load.py pipeline_key)
_lock = threading.Lock()  # memory zones are per process: a worker started with several threads runs one partition at a time


def worker_extractor():
    """This process's Extractor, loaded on first use (PipelinePlugin.setup, when the worker joins)."""
    global _extractor, _key
    with _lock:
        if _extractor is None:
            from ..nlp.load import pipeline_key
            from .extractor import Extractor

            _extractor, _key = Extractor(), pipeline_key()
        return _extractor


class PipelinePlugin(WorkerPlugin):
    """Loads the pipeline when a worker starts (and when its nanny restarts it), before any task."""

    def setup(self, worker) -> None:
        worker_extractor()


@dataclass
class PartitionResult:
    number: int
    records: list = field(default_factory=list)  # JSONL lines, or record dicts
    ids: list[str] = field(default_factory=list)  # every document read, skipped ones included
    skipped: list[dict] = field(default_factory=list)  # {"id", "error"}
    failed: dict | None = None  # on_error="fail": {"id", "source", "error"} of the document that raised
    input_error: str | None = None
    key: str = ""  # the worker's pipeline: every partition must come from the same one
    worker: str = ""
    peak_rss_mb: float | None = None  # of the worker process, so far


def run_partition(number: int, partition: Partition, on_error: str, batch_size: int, as_lines: bool) -> PartitionResult:
    """A partition's records, in order, inside one memory zone (the task a worker runs)."""
    from spacy.util import minibatch

    extractor = worker_extractor()
    result = PartitionResult(number, key=_key, worker=_worker_address())
    with _lock, extractor.nlp.memory_zone():
        try:
            for batch in minibatch(partition.read(), batch_size):
                result.ids += [raw.id for raw in batch]
                for raw, record in _batch_records(extractor, batch, batch_size):
                    if isinstance(record, Exception):
                        error = _one_line(record)
                        if on_error == "fail":
                            result.failed = {"id": raw.id, "source": raw.source, "error": error}
                            return result
                        result.skipped.append({"id": raw.id, "error": error})
                    else:
                        result.records.append(dump_jsonl_line(record) if as_lines else record)
        except InputError as err:
            result.input_error = str(err)
    result.peak_rss_mb = _peak_rss_mb()
    return result


def _batch_records(extractor, batch: list[RawDocument], batch_size: int) -> list[tuple[RawDocument, object]]:
    """(document, record) in order, (document, DocumentFailed) for one that raises: Extractor.items runs the
    batch, and each document alone when the batch raises (one definition of that fallback, engines/extractor.py)."""
    from .extractor import Failure

    return [(raw, DocumentFailed(item.message) if isinstance(item, Failure) else item)
            for raw, item in zip(batch, extractor.items(batch, batch_size))]


class DocumentFailed(Exception):
    """A document's failure as Extractor.items reports it: "ValueError: ..." (its type and first line)."""


def _one_line(err: Exception) -> str:
    if isinstance(err, DocumentFailed):
        return " ".join(str(err).split())
    return " ".join(f"{type(err).__name__}: {err}".split())


def _worker_address() -> str:
    try:
        from distributed import get_worker

        return get_worker().address
    except ValueError:
        return "local"


def _peak_rss_mb() -> float | None:
    try:
        import resource
    except ImportError:  # not on Windows
        return None
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # Linux: KiB


# --- on the client --------------------------------------------------------------------------------

@contextmanager
def connect(scheduler: str | None = None, workers: int | None = None, client: Client | None = None) -> Iterator[Client]:
    """A Client whose workers load the pipeline: `client` as given, one for the scheduler at
    `scheduler`, or a LocalCluster of `workers` processes (one thread each) for this run."""
    if client is not None:
        _register(client)
        yield client
        return
    if scheduler:
        try:
            remote = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError) as err:
            raise InputError(f"{scheduler}: cannot reach the Dask scheduler ({_one_line(err)})") from None
        with remote:
            try:
                remote.wait_for_workers(1, timeout=WAIT_FOR_WORKERS_SECONDS)
            except TimeoutError:
                raise InputError(f"{scheduler}: no worker joined within {WAIT_FOR_WORKERS_SECONDS} s") from None
            _register(remote)
            yield remote
        return
    import os

    import dask

    count = workers or os.cpu_count() or 1
    settings = worker_settings()
    with dask.config.set(settings), _unset_environ(_unset_variables(settings)):  # read when a nanny spawns its worker
        cluster = LocalCluster(n_workers=count, threads_per_worker=1, processes=True, dashboard_address=":0",
                               silence_logs=logging.ERROR)
    with cluster, Client(cluster) as local:
        _register(local)
        yield local


def worker_settings() -> dict:
    """models/dask.yaml as dotted keys: dask.config.set replaces a nested dict whole instead of merging it."""
    from ..nlp import lexicons

    return dict(_dotted(lexicons.load(WORKER_SETTINGS)))  # models/ files are read through one reader


def _dotted(tree: dict, prefix: str = "") -> Iterator[tuple[str, object]]:
    """
    >>> dict(_dotted({"a": {"b": 1, "c": {"d": None}}}))
    {'a.b': 1, 'a.c.d': None}
    """
    for key, value in tree.items():
        if isinstance(value, dict):
            yield from _dotted(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def _unset_variables(settings: dict) -> list[str]:
    prefix = "distributed.nanny.pre-spawn-environ."
    return [key[len(prefix):] for key, value in settings.items() if key.startswith(prefix) and value is None]


@contextmanager
def _unset_environ(names: list[str]) -> Iterator[None]:
    """Leave `names` out of this process's environment while workers spawn (they inherit it): a nanny sets
    its pre-spawn variables in its parent's environment, so a cluster started earlier in this process
    (distributed's defaults) would pass them on."""
    import os

    saved = {name: os.environ.pop(name) for name in names if name in os.environ}
    try:
        yield
    finally:
        os.environ.update(saved)


def _register(client: Client) -> None:
    client.register_plugin(PipelinePlugin(), name=PLUGIN_NAME)  # again: replaced, the pipeline stays loaded


def threads_of(client: Client) -> int:
    return sum(client.nthreads().values()) or 1


class _Run:
    """What every partition of one run shares: options, the client's pipeline key, the checks."""

    def __init__(self, client: Client, on_error: str, batch_size: int, as_lines: bool, on_skip: Callable | None):
        from ..nlp.load import pipeline_key

        if on_error not in ON_ERROR:
            raise ValueError(f"on_error must be one of {ON_ERROR}, not {on_error!r}")
        self.client, self.on_error, self.batch_size, self.as_lines = client, on_error, batch_size, as_lines
        self.on_skip = on_skip or _print_skipped
        self.key = pipeline_key()
        self.peak_rss_mb: dict[str, float] = {}

    def submit(self, number: int, partition: Partition):
        return self.client.submit(run_partition, number, partition, self.on_error, self.batch_size, self.as_lines,
                                  pure=False, retries=RETRIES)

    def check(self, result: PartitionResult) -> PartitionResult:
        if result.key != self.key:
            raise InputError(f"worker {result.worker} runs another pipeline than this client (fr_finance, models/ or "
                             "spaCy differ): install the same on every worker")
        if result.input_error:
            raise InputError(result.input_error)
        if result.failed:
            failed = result.failed
            raise DocumentError(f"document {failed['id']!r} ({failed['source']}) failed: {failed['error']}")
        for skipped in result.skipped:
            self.on_skip(skipped)
        if result.peak_rss_mb is not None:
            self.peak_rss_mb[result.worker] = max(self.peak_rss_mb.get(result.worker, 0), result.peak_rss_mb)
        return result


def _print_skipped(skipped: dict) -> None:
    print(f"skipped {skipped['id']}: {skipped['error']}", file=sys.stderr)


def _ordered(run: _Run, partitions: Iterable[Partition]) -> Iterator[PartitionResult]:
    """Results in input order, with a bounded number of partitions in flight (memory stays flat)."""
    window = IN_FLIGHT_PER_WORKER * threads_of(run.client) + 1
    pending: deque = deque()
    try:
        for number, partition in enumerate(partitions):
            pending.append(run.submit(number, partition))
            if len(pending) >= window:
                yield run.check(pending.popleft().result())
        while pending:
            yield run.check(pending.popleft().result())
    finally:
        if pending:
            run.client.cancel(list(pending))


def records(raws: Iterable[RawDocument], *, scheduler: str | None = None, workers: int = 2, client: Client | None = None,
            on_error: str = "fail", batch_size: int = 32, on_skip: Callable[[dict], None] | None = None) -> Iterator[dict]:
    """The records of `raws` computed on a Dask cluster, in input order, streamed: the same as
    Extractor().records(raws). `client` (an existing distributed Client), else `scheduler` (its address),
    else a LocalCluster of `workers` processes for this call. on_error="skip" leaves out the documents
    that raise, each passed to `on_skip` ({"id", "error"}; default: a line on stderr)."""
    with connect(scheduler, workers, client) as connected:
        run = _Run(connected, on_error, batch_size, as_lines=False, on_skip=on_skip)
        for result in _ordered(run, _row_partitions(iter(raws), threads_of(connected))):
            yield from result.records


def _row_partitions(raws: Iterator[RawDocument], threads: int) -> Iterator[Rows]:
    """Partitions sized from the input when it is small enough to see whole (up to the bytes that
    would fill every worker with full partitions), else full partitions."""
    budget = MAX_PARTITION_BYTES * PARTITIONS_PER_WORKER * threads
    head, size = [], 0
    for raw in raws:
        head.append(raw)
        size += len(raw.text.encode())
        if size >= budget:
            break
    target = partition_sizes(size, threads) if size < budget else MAX_PARTITION_BYTES
    for rows in _chunks(_chain(head, raws), target):
        yield Rows(tuple(rows))


def _chain(first: list, rest: Iterator) -> Iterator:
    yield from first
    yield from rest


# --- the command line: extract --engine dask -------------------------------------------------------

def write_stream(inputs: list[str], out, *, scheduler=None, workers=None, client=None, on_error="fail",
                 batch_size=32) -> None:
    """JSONL records of the inputs to the text stream `out`, in input order, as they come."""
    with connect(scheduler, workers, client) as connected:
        run = _Run(connected, on_error, batch_size, as_lines=True, on_skip=None)
        for result in _ordered(run, plan(inputs, threads_of(connected))):
            out.writelines(result.records)


def extract_to(inputs: list[str], output: str | Path, *, facts: str | None = None, scheduler: str | None = None,
               workers: int | None = None, client: Client | None = None, on_error: str = "fail",
               resume: bool = False, batch_size: int = 32, progress: bool = False) -> dict:
    """Records of the inputs into `output` (JSONL, atomically), partition by partition through
    `output`.parts/; with on_error="skip", the skipped documents in `output`.errors.jsonl; with `facts`,
    the facts table. `resume`: reuse the parts of an interrupted run on the same inputs.
    Returns figures: partitions, reused, documents, skipped, peak RSS per worker."""
    output = Path(output)
    parts = Parts(output)
    if resume and any(i == "-" for i in inputs):
        raise InputError("--resume needs input files: stdin cannot be read again")
    with connect(scheduler, workers, client) as connected:
        run = _Run(connected, on_error, batch_size, as_lines=True, on_skip=None)
        partitions = parts.resumable(inputs, run.key) if resume else None
        if partitions is None:
            partitions = plan(inputs, threads_of(connected))
            parts.start(inputs, partitions, run.key)
        done = {n for n in range(len(partitions)) if parts.done(n, on_error)}
        bar = _progress(len(partitions), len(done)) if progress else None
        futures = [run.submit(n, p) for n, p in enumerate(partitions) if n not in done]
        try:
            for future in as_completed(futures):
                result = run.check(future.result())
                parts.write(result)
                future.release()
                if bar is not None:
                    bar.update()
        finally:
            connected.cancel(futures)
            if bar is not None:
                bar.close()
    figures = parts.join(partitions, on_error, facts)
    figures.update(partitions=len(partitions), reused=len(done), peak_rss_mb=run.peak_rss_mb)
    return figures


def _progress(total: int, initial: int):
    from tqdm import tqdm

    return tqdm(total=total, initial=initial, desc="extract", unit="partition", file=sys.stderr)


class Parts:
    """`OUT.parts/`: manifest.json (inputs, their sizes and times, the partitions, the pipeline key),
    then per partition NNNNNN.jsonl (its records) and NNNNNN.json (ids, skipped), each written
    atomically, the .json last: a partition is done when its .json exists."""

    def __init__(self, output: Path):
        self.output = output
        self.dir = output.with_name(output.name + ".parts")
        self.manifest = self.dir / "manifest.json"

    def records(self, number: int) -> Path:
        return self.dir / f"{number:06d}.jsonl"

    def meta(self, number: int) -> Path:
        return self.dir / f"{number:06d}.json"

    def start(self, inputs: list[str], partitions: list[Partition], key: str) -> None:
        self.clear()
        self.dir.mkdir(parents=True)
        if any(isinstance(p, Rows) for p in partitions):
            return  # stdin: nothing to resume from
        manifest = {"inputs": _stamps(inputs), "key": key, "partitions": [_to_json(p) for p in partitions]}
        write_text_atomic(self.manifest, json.dumps(manifest, ensure_ascii=False) + "\n")

    def resumable(self, inputs: list[str], key: str) -> list[Partition] | None:
        """The partitions of the interrupted run, if it was on the same inputs with the same pipeline."""
        if not self.manifest.is_file():
            return None
        manifest = json.loads(self.manifest.read_text(encoding="utf-8"))
        if manifest["inputs"] != _stamps(inputs) or manifest["key"] != key:
            raise InputError(f"{display_path(self.dir)}: left by a run on other inputs or another pipeline; "
                             "remove it or run without --resume")
        return [_from_json(p) for p in manifest["partitions"]]

    def done(self, number: int, on_error: str) -> bool:
        if not self.meta(number).is_file():
            return False
        skipped = json.loads(self.meta(number).read_text(encoding="utf-8"))["skipped"]
        return not (skipped and on_error == "fail")  # a document skipped before now fails the run: run it again

    def write(self, result: PartitionResult) -> None:
        with atomic_writer(self.records(result.number)) as out:
            out.writelines(result.records)
        meta = {"ids": result.ids, "skipped": result.skipped}
        write_text_atomic(self.meta(result.number), json.dumps(meta, ensure_ascii=False) + "\n")

    def join(self, partitions: list[Partition], on_error: str, facts: str | None) -> dict:
        """Check ids (unique within a JSONL file, as the one-process run does), then write the output,
        the skipped documents and the facts, and remove the parts."""
        seen: dict[str, set[str]] = {}
        skipped: list[dict] = []
        documents = 0
        for number, partition in enumerate(partitions):
            meta = json.loads(self.meta(number).read_text(encoding="utf-8"))
            documents += len(meta["ids"]) - len(meta["skipped"])
            skipped += meta["skipped"]
            if isinstance(partition, JsonlSlice):
                ids = seen.setdefault(partition.path, set())
                for doc_id in meta["ids"]:
                    if doc_id in ids:
                        raise InputError(f"{partition.source}:{partition.line_of(doc_id)}: duplicate id {doc_id!r}")
                    ids.add(doc_id)
        with atomic_writer(self.output) as out:
            for number in range(len(partitions)):
                with self.records(number).open(encoding="utf-8") as part:
                    shutil.copyfileobj(part, out)
        if on_error == "skip":
            write_text_atomic(errors_path(self.output), "".join(dump_jsonl_line(s) for s in skipped))
        if facts:
            from ..records.shards import facts_of_files

            write_text_atomic(facts, "".join(dump_jsonl_line(f) for f in facts_of_files([self.output])))
        self.clear()
        return {"documents": documents, "skipped": len(skipped)}

    def clear(self) -> None:
        if self.dir.is_dir():
            shutil.rmtree(self.dir)


def errors_path(output: str | Path) -> Path:
    """OUT.jsonl → OUT.errors.jsonl: the documents skipped with on_error="skip", one {"id", "error"} a line
    (read/io.py errors_path: the one definition, shared with the local engine)."""
    from ..read.io import errors_path as sidecar

    return Path(sidecar(str(output)))


def _stamps(inputs: list[str]) -> list:
    """The inputs with the size and modification time of every file they name: a resumed run must read
    the same bytes."""
    stamps = []
    for name in inputs:
        for path in expand_input(name) or []:
            stat = path.stat()
            stamps.append([str(path.resolve()), stat.st_size, stat.st_mtime_ns])
    return [list(inputs), stamps]
