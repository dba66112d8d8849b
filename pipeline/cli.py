"""Command line: `python -m fr_finance extract|score|report ...`."""
from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from contextlib import nullcontext
from typing import Iterable, Sequence

from .read.io import (BadDocument, InputError, atomic_writer, check_inputs, check_output, dump_jsonl_line,
                      errors_path, printable, read_inputs)

PROGRESS_MIN_DOCS = 5  # below this a progress bar is noise
ON_ERROR = ("fail", "skip")


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors (the usage is one `--help` away)."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="fr-finance", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    Help = argparse.ArgumentDefaultsHelpFormatter  # --help shows each option's default

    extract = commands.add_parser("extract", help="texts → JSONL records (entities, amounts, dates, events)",
                                  formatter_class=Help)
    extract.add_argument("inputs", nargs="+", metavar="INPUT",
                         help=".txt file, directory of .txt files, .jsonl file of {id, text, published?} rows, or - for stdin")
    extract.add_argument("-o", "--output", help="JSONL file to write (atomically); stdout when absent or -")
    extract.add_argument("--facts", metavar="FILE",
                         help="also write the cross-document facts table (JSONL): one row per distinct event")
    extract.add_argument("--n-process", type=process_count, default=1,
                         help="worker processes for the spaCy pipeline (-1: one per CPU)")
    extract.add_argument("--batch-size", type=positive_int, default=32, help="documents per spaCy batch")
    extract.add_argument("--no-progress", action="store_true",
                         help="no progress bar on stderr (it only shows on a terminal anyway)")
    add_on_error_option(extract)
    add_engine_options(extract)

    score = commands.add_parser("score", help="precision, recall, F1 of predictions against hand-labelled gold",
                                formatter_class=Help)
    score.add_argument("--gold", required=True, help="directory of gold *.jsonl records")
    score.add_argument("--pred", required=True, help="predicted records (JSONL)")
    score.add_argument("--out", default="outputs", help="directory for score.json and errors.md")

    report = commands.add_parser("report", help="one self-contained HTML page to review the extractions",
                                 formatter_class=Help)
    report.add_argument("--pred", required=True, help="predicted records (JSONL)")
    report.add_argument("--gold", help="directory of gold *.jsonl records: marks misses and false positives")
    report.add_argument("--facts", help="facts table (JSONL) to show; default: facts.jsonl beside --pred")
    report.add_argument("--score", help="score.json to show at the top (default: computed when --gold is given)")
    report.add_argument("-o", "--output", default="outputs/report.html", help="HTML file to write")
    add_facts_command(commands)
    add_library_options(parser, commands)
    return parser


def add_engine_options(extract: argparse.ArgumentParser) -> None:
    """`extract --engine dask` and its options (engines/cluster.py)."""
    group = extract.add_argument_group("engine")
    group.add_argument("--engine", choices=("local", "dask"), default="local",
                       help="local: this machine (--n-process); dask: a Dask cluster (README, Running on a cluster)")
    group.add_argument("--scheduler", metavar="ADDRESS",
                       help="dask: address of a running scheduler (tcp://HOST:8786); default: a local cluster")
    group.add_argument("--workers", type=int, help="dask, local cluster: worker processes, one thread each (default: one per CPU)")
    group.add_argument("--resume", action="store_true",
                       help="dask: reuse the partitions an interrupted run with the same -o left in OUT.parts/")
    if "--on-error" not in extract._option_string_actions:  # the local engine's branch may define it first: the same option
        group.add_argument("--on-error", choices=("fail", "skip"), default="fail",
                           help="a document that raises: fail (default; nothing written) or skip it (ids and errors on "
                                "stderr and in OUT.errors.jsonl)")


def add_facts_command(commands) -> None:
    facts = commands.add_parser("facts", help="the facts table of record files (shards of one corpus, runs of several days)")
    facts.add_argument("records", nargs="+", metavar="RECORDS", help="JSONL records written by extract")
    facts.add_argument("-o", "--output", help="JSONL file to write (atomically); stdout when absent")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        previous = signal.signal(signal.SIGTERM, _terminate)  # SIGTERM unwinds like ^C: temporary files removed
    except ValueError:  # not the main thread (main() called from a library user's thread): leave signals alone
        previous = None
    written = _Counter()
    args.written = written
    try:
        return COMMANDS[args.command](args)
    except InputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except (KeyboardInterrupt, Terminated) as err:
        print(f"error: {'terminated' if isinstance(err, Terminated) else 'interrupted'}; {written.outcome()}",
              file=sys.stderr)
        return 143 if isinstance(err, Terminated) else 130
    except BrokenPipeError:
        # The reader closed the pipe (`extract ... | head`): nothing more to say, as for any Unix filter.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except OSError as err:  # disk full, permission changed mid-run...
        print(f"error: {printable(str(err.filename or ''))}{': ' if err.filename else ''}{err.strerror or err}",
              file=sys.stderr)
        return 1
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


class Terminated(BaseException):
    """SIGTERM, raised where the process is so that atomic writers drop their temporary files."""


def _terminate(signum, frame):
    raise Terminated()


class _Counter:
    """How many records went to stdout before an interruption (a file output is all or nothing)."""

    def __init__(self):
        self.to_stdout = 0

    def outcome(self) -> str:
        if self.to_stdout:
            return f"{self.to_stdout} records were written to stdout before it (output incomplete)"
        return "no output written"


# ---------------------------------------------------------------- extract: checks before the model loads

def positive_int(text: str) -> int:
    """argparse type: an integer ≥ 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not ≥ 1")
    return value


def process_count(text: str) -> int:
    """argparse type for --n-process: an integer ≥ 1, or -1 for one process per CPU."""
    if text.strip() == "-1":
        return -1
    return positive_int(text)


def add_on_error_option(command: argparse.ArgumentParser) -> None:
    """--on-error, shared by every command that processes documents (one definition)."""
    command.add_argument("--on-error", choices=ON_ERROR, default="fail",
                         help="a document that fails: stop with nothing written (fail), or leave it out, "
                              "write the others and list it on stderr and in OUTPUT.errors.jsonl (skip)")


def check_extract_args(args: argparse.Namespace) -> int:
    """Everything that can be checked before the model loads; returns the expected document count."""
    expected = check_inputs(args.inputs, scan=args.on_error == "fail")
    sidecar = errors_path(args.output) if args.on_error == "skip" else None
    if args.output is not None and args.output.startswith("-") and args.output != "-":
        raise InputError(f"-o {printable(args.output)}: an output name starting with '-' (use ./{args.output})")
    check_output(args.output, inputs=args.inputs, others=[args.facts, sidecar])
    check_output(args.facts, inputs=args.inputs, others=[args.output, sidecar], option="--facts")
    if sidecar:
        check_output(sidecar, inputs=args.inputs, others=[args.output, args.facts], option="errors file")
    return expected


class Skipped:
    """Documents left out under --on-error skip: told on stderr at once, kept for the sidecar file."""

    def __init__(self, fail: bool):
        self.fail = fail
        self.rows: list[dict] = []

    def __call__(self, doc_id: str, message: str) -> None:
        if self.fail:
            raise BadDocument(doc_id, message if doc_id in message else f"document {doc_id!r} failed: {message}")
        self.rows.append({"id": doc_id, "error": message})
        print(f"skipped: {message}" if message.startswith(doc_id) else f"skipped {doc_id}: {message}",
              file=sys.stderr)


def show_progress(args: argparse.Namespace, expected: int) -> bool:
    """A progress bar only on a terminal, and only for more than a handful of documents (stdin may
    hold a single text: unknown counts show none)."""
    return (not args.no_progress and sys.stderr.isatty() and expected > PROGRESS_MIN_DOCS)


def run_extract(args: argparse.Namespace) -> int:
    expected = check_extract_args(args)  # bad paths, rows, options fail before the slow model load
    if args.engine == "dask":
        return run_extract_dask(args, progress=show_progress(args, expected))
    if args.scheduler or args.workers or args.resume:
        raise InputError("--scheduler, --workers and --resume need --engine dask")
    from .engines.extractor import Extractor  # heavy import, once the arguments are known to be sane

    skipped = Skipped(fail=args.on_error == "fail")
    records = Extractor().records(read_inputs(args.inputs, skip=skipped), n_process=args.n_process,
                                  batch_size=args.batch_size, on_error=skipped)
    if show_progress(args, expected):
        from tqdm import tqdm

        records = tqdm(records, total=expected, desc="extract", unit="doc", file=sys.stderr)
    sidecar = errors_path(args.output) if args.on_error == "skip" else None
    write_records(records, args.output, args.facts, counter=args.written, skipped=skipped, sidecar=sidecar)
    if skipped.rows:
        print(f"{len(skipped.rows)} document(s) skipped" + (f"; listed in {sidecar}" if sidecar else ""),
              file=sys.stderr)
    return 0


def run_extract_dask(args: argparse.Namespace, progress: bool) -> int:
    if args.scheduler and args.workers:
        raise InputError("--scheduler or --workers, not both: a scheduler's cluster has its own workers")
    if args.workers is not None and args.workers < 1:
        raise InputError("--workers must be at least 1")
    if (args.resume or args.facts) and not args.output:
        raise InputError("--resume and --facts with --engine dask need -o")
    from .engines import cluster

    options = {"scheduler": args.scheduler, "workers": args.workers, "on_error": args.on_error,
               "batch_size": args.batch_size}
    # stdout gets records as they come; -o gets nothing, its finished partitions are kept for --resume
    kept = f"; nothing written; finished partitions kept in {args.output}.parts (rerun with --resume)" if args.output else ""
    try:
        if args.output:
            cluster.extract_to(args.inputs, args.output, facts=args.facts, resume=args.resume, progress=progress, **options)
        else:
            cluster.write_stream(args.inputs, sys.stdout, **options)
    except cluster.DocumentError as err:
        print(f"error: {err}{kept}", file=sys.stderr)
        return 1
    except InputError:
        raise
    except Exception as err:  # noqa: BLE001  (a worker died too often, a task kept failing: one line, no traceback)
        print(f"error: the Dask run failed ({type(err).__name__}: {' '.join(str(err).split())}){kept}", file=sys.stderr)
        return 1
    return 0


def write_records(records: Iterable[dict], output: str | None, facts: str | None = None, *,
                  counter: "_Counter | None" = None, skipped: Skipped | None = None,
                  sidecar: str | None = None) -> None:
    """Each record written as it comes (JSONL, to `output` atomically or to stdout), then the facts table
    and the list of skipped documents. Files are all moved into place together at the end: if one cannot
    be written, none replaces an earlier one."""
    from contextlib import ExitStack

    stated = []  # (id, events) only: the facts table needs no text, so memory stays small
    to_stdout = output is None or output == "-"
    if to_stdout and hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")  # JSONL is UTF-8 whatever the locale
    with ExitStack() as files:
        out = sys.stdout if to_stdout else files.enter_context(atomic_writer(output))
        for record in records:
            out.write(dump_jsonl_line(record))
            if to_stdout and counter is not None:
                counter.to_stdout += 1
            if facts:
                stated.append({"id": record["id"], "events": record["events"]})
        if facts:
            from .records.facts import build_facts

            facts_out = files.enter_context(atomic_writer(facts))
            facts_out.writelines(dump_jsonl_line(fact) for fact in build_facts(stated))
        if sidecar is not None:
            errors_out = files.enter_context(atomic_writer(sidecar))
            errors_out.writelines(dump_jsonl_line(row) for row in (skipped.rows if skipped else []))


def run_score(args: argparse.Namespace) -> int:
    from .evaluate.score import run_score as score_and_report

    _require_paths(args.gold, args.pred)
    score_and_report(args.gold, args.pred, args.out)
    return 0


def run_report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .evaluate.report import write_report
    from .evaluate.score import load_gold, read_jsonl, score

    _require_paths(args.pred, *(p for p in (args.gold, args.facts, args.score) if p))
    check_output(args.output, inputs=[args.pred], others=[])
    figures = args.score
    if figures is None and args.gold:
        figures = score(load_gold(args.gold), read_jsonl(args.pred))
        figures = {key: value for key, value in figures.items() if key != "errors"}  # errors are marked in the text
    facts = args.facts or Path(args.pred).with_name("facts.jsonl")
    out = write_report(args.pred, args.output, gold_dir=args.gold, facts_path=facts, score=figures)
    print(f"Wrote {out}", file=sys.stderr)
    return 0


def run_facts(args: argparse.Namespace) -> int:
    from .records.shards import facts_of_files

    _require_paths(*args.records)
    check_output(args.output, inputs=args.records)  # not an input, not a directory or device (issue 16)
    facts = facts_of_files(args.records)
    with (atomic_writer(args.output) if args.output else nullcontext(sys.stdout)) as out:
        out.writelines(dump_jsonl_line(fact) for fact in facts)
    return 0


def _require_paths(*paths: str) -> None:
    from pathlib import Path

    for path in paths:
        if not Path(path).exists():
            raise InputError(f"{path}: no such file or directory")


COMMANDS = {"extract": run_extract, "score": run_score, "report": run_report, "facts": run_facts}


# -- the library side: --version, export, import (issue 14) ----------------------------------------------------
def add_library_options(parser: argparse.ArgumentParser, commands) -> None:
    from . import __version__

    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    export = commands.add_parser("export", help="records → annotation tools (Label Studio, doccano, Prodigy), "
                                                "spaCy DocBin, or tables (CSV, Parquet)")
    export.add_argument("--format", required=True, choices=["label-studio", "doccano", "prodigy", "docbin", "csv", "parquet"])
    export.add_argument("records", metavar="RECORDS.jsonl", help="records as `extract` writes them")
    export.add_argument("-o", "--output", required=True,
                        help="file to write (a directory for csv and parquet: entities, events, facts tables)")
    imports = commands.add_parser("import", help="corrected annotations (Label Studio, doccano, Prodigy) → "
                                                 "gold records that `score` reads")
    imports.add_argument("--format", required=True, choices=["label-studio", "doccano", "prodigy"])
    imports.add_argument("annotations", metavar="FILE", help="the tool's export of the corrected annotations")
    imports.add_argument("-o", "--output", required=True, metavar="GOLD_DIR", help="directory for one <id>.jsonl per document")


def run_export(args: argparse.Namespace) -> int:
    from .records.exports import export, read_records

    _require_paths(args.records)
    out = export(read_records(args.records), args.format, args.output)
    print(f"Wrote {out}", file=sys.stderr)
    return 0


def run_import(args: argparse.Namespace) -> int:
    from .records.imports import import_annotations, write_gold

    _require_paths(args.annotations)
    written = write_gold(import_annotations(args.annotations, args.format), args.output)
    print(f"Wrote {len(written)} gold record(s) to {args.output}", file=sys.stderr)
    return 0


COMMANDS.update({"export": run_export, "import": run_import})
